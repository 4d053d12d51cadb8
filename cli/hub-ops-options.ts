/**
 * The hub's flags for what ops teams plug into it: Prometheus (`--metrics-token`,
 * `--metrics-tags`), the event log's retention, and ChatOps (`--chat-access` and
 * `--chat-response-hosts`). Slack's signing secret and Mattermost's tokens are read from
 * the environment only, never from a flag, so they stay out of `ps` and shell history.
 */
import { Option, type Command } from 'commander'
import { parseDuration } from '../checks/duration.ts'
import { ChatAccess, ChatAccessError, type Platform } from '../hub/chatops/chat-access.ts'
import type { HubOptions } from '../hub/hub.ts'

export interface HubOpsFlags {
  metricsToken?: string
  metricsTags?: string
  eventRetention: string
  chatAccess?: string
  chatResponseHosts?: string
}

export function addHubOpsOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--metrics-token <token>',
        'a bearer token that reads /metrics and nothing else (give it to Prometheus); ' +
          'without it and without --api-token, /metrics is open',
      ).env('VANTAGE_METRICS_TOKEN'),
    )
    .addOption(
      new Option(
        '--metrics-tags <tags>',
        'comma-separated tags that may appear as labels on vantage_check_info (an allow-list: ' +
          'other tags never reach Prometheus)',
      ).env('VANTAGE_METRICS_TAGS'),
    )
    .addOption(
      new Option('--event-retention <duration>', 'how long the event log keeps its rows')
        .env('VANTAGE_EVENT_RETENTION')
        .default('90d'),
    )
    .addOption(
      new Option(
        '--chat-access <file>',
        'JSON file mapping Slack/Mattermost workspaces, channels and users to viewer, operator ' +
          'or admin; without it chat commands are refused. Secrets come from the environment: ' +
          'VANTAGE_SLACK_SIGNING_SECRET, VANTAGE_MATTERMOST_TOKEN (comma-separated), VANTAGE_MATTERMOST_URL',
      ).env('VANTAGE_CHAT_ACCESS'),
    )
    .addOption(
      new Option(
        '--chat-response-hosts <hosts>',
        'comma-separated hosts that chat follow-ups (response_url) may be posted to, besides ' +
          'hooks.slack.com and the VANTAGE_MATTERMOST_URL host (e.g. hooks.slack-gov.com)',
      ).env('VANTAGE_CHAT_RESPONSE_HOSTS'),
    )
}

const list = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)

/** True for hosts a test or a local Mattermost answers on, where plain http is fine. */
function loopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return name === 'localhost' || name === '::1' || name.startsWith('127.')
}

/**
 * Turns the flags and environment into hub options; throws an Error whose message is
 * meant for the user (a bad duration, an unusable access file).
 */
export function resolveHubOps(
  flags: HubOpsFlags,
  env: NodeJS.ProcessEnv = process.env,
): Pick<HubOptions, 'metricsToken' | 'metricsTags' | 'eventRetentionMs' | 'chat'> {
  let eventRetentionMs: number
  try {
    eventRetentionMs = parseDuration(flags.eventRetention)
  } catch {
    throw new Error(`--event-retention "${flags.eventRetention}" is not a duration (e.g. 90d)`)
  }
  const slackSigningSecret = env.VANTAGE_SLACK_SIGNING_SECRET || undefined
  const mattermostTokens = list(env.VANTAGE_MATTERMOST_TOKEN)
  const mattermostUrl = env.VANTAGE_MATTERMOST_URL || undefined
  if (mattermostUrl !== undefined && !URL.canParse(mattermostUrl)) {
    throw new Error(`VANTAGE_MATTERMOST_URL "${mattermostUrl}" is not a URL`)
  }
  let access = ChatAccess.none()
  if (flags.chatAccess) {
    try {
      access = ChatAccess.load(flags.chatAccess)
    } catch (error) {
      if (!(error instanceof ChatAccessError)) throw error
      throw new Error(error.message)
    }
  }
  const hosts = new Set(['hooks.slack.com', ...list(flags.chatResponseHosts)])
  const mattermostOrigin = mattermostUrl ? new URL(mattermostUrl).origin : undefined
  const followUpAllowed = (url: string, platform: Platform): boolean => {
    if (!URL.canParse(url)) return false
    const parsed = new URL(url)
    const secure =
      parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopbackHost(parsed.host))
    if (platform === 'mattermost' && mattermostOrigin === undefined) {
      return /^https?:$/.test(parsed.protocol)
    }
    if (platform === 'mattermost' && parsed.origin === mattermostOrigin) return true
    return secure && hosts.has(parsed.host)
  }
  return {
    metricsToken: flags.metricsToken || undefined,
    metricsTags: list(flags.metricsTags),
    eventRetentionMs,
    chat: {
      access,
      slackSigningSecret,
      mattermostTokens,
      mattermostUrl,
      followUpAllowed,
    },
  }
}
