/**
 * ChatOps routes: Slack's slash command and interactive buttons, and Mattermost's slash
 * command, all in front of one core (hub/chatops/chat-core.ts).
 *
 * - `POST /chat/slack/commands` the `/vantage ...` slash command (Request URL in the app)
 * - `POST /chat/slack/interactions` button presses (Interactivity Request URL)
 * - `POST /chat/mattermost/commands` the Mattermost slash command
 *
 * Slack requests are taken only with a valid v0 signature over the raw body, made at
 * most five minutes ago (VANTAGE_SLACK_SIGNING_SECRET); Mattermost ones with the command's
 * token (VANTAGE_MATTERMOST_TOKEN, several comma-separated). Each request id is claimed
 * before anything runs, so Slack's retries get the first answer and never a second
 * action. A command is answered in the response (well within Slack's 3 s); a longer one
 * (a run, a remediation) follows through the request's `response_url`, which must be
 * Slack's own (or, for Mattermost, the server's when VANTAGE_MATTERMOST_URL is set).
 */
import { Hono, type Context } from 'hono'
import type { Logger } from '../../lib/logger.ts'
import { postJson } from '../../lib/http-delivery.ts'
import type { Platform } from '../chatops/chat-access.ts'
import type { ChatCore, ChatReply, ChatRequest } from '../chatops/chat-core.ts'
import type { ChatDedupe } from '../chatops/chat-dedupe.ts'
import { mattermostMessage, slackMessage } from '../chatops/chat-messages.ts'
import { commandOfAction } from '../chatops/commands.ts'
import { sameSecret, verifySlackSignature } from '../chatops/slack-signature.ts'
import { readBoundedText } from './json-body.ts'

/** Slash commands and button payloads are a few KiB; Slack's largest are well under this. */
export const MAX_CHAT_BODY_BYTES = 64 * 1024
/** A follow-up that Slack or Mattermost does not take within this is given up. */
const FOLLOW_UP_TIMEOUT_MS = 10_000

export interface ChatRouteDeps {
  core: ChatCore
  dedupe: ChatDedupe
  /** Slack's signing secret; without it the Slack routes answer 404. */
  slackSigningSecret?: string
  /** Mattermost slash-command tokens; without them the Mattermost route answers 404. */
  mattermostTokens?: string[]
  /** Where follow-ups may go. Default: https://hooks.slack.com for Slack, `mattermostUrl`'s origin (or any) for Mattermost. */
  followUpAllowed?: (url: string, platform: Platform) => boolean
  mattermostUrl?: string
  now: () => number
  logger: Logger
}

function defaultAllowed(mattermostUrl: string | undefined) {
  return (url: string, platform: Platform): boolean => {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return false
    }
    if (platform === 'slack')
      return parsed.protocol === 'https:' && parsed.host === 'hooks.slack.com'
    if (!/^https?:$/.test(parsed.protocol)) return false
    return mattermostUrl === undefined || parsed.origin === new URL(mattermostUrl).origin
  }
}

/**
 * @example
 * app.route('/', chatRoutes({ core, dedupe, slackSigningSecret: process.env.VANTAGE_SLACK_SIGNING_SECRET, now, logger }))
 */
export function chatRoutes(deps: ChatRouteDeps): Hono {
  const app = new Hono()
  const allowed = deps.followUpAllowed ?? defaultAllowed(deps.mattermostUrl)

  /** Posts each follow-up as it is ready; failures are logged, never thrown. */
  const follow = (
    platform: Platform,
    url: string | null,
    pending: Promise<ChatReply> | undefined,
    render: (reply: ChatReply) => unknown,
  ) => {
    if (!pending) return
    void pending.then(async function post(reply): Promise<void> {
      if (!url || !allowed(url, platform)) {
        deps.logger.warn({ platform }, 'no usable response URL for a chat follow-up; dropped')
        return
      }
      const outcome = await postJson(
        url,
        JSON.stringify(render(reply)),
        {},
        { timeoutMs: FOLLOW_UP_TIMEOUT_MS },
        [url],
      )
      if (!outcome.ok) {
        deps.logger.warn(
          { platform, error: outcome.error, status: outcome.status },
          'chat follow-up failed',
        )
      }
      follow(platform, url, reply.followUp, render)
    })
  }

  /** The raw body, checked against Slack's signature; or the refusal. */
  const slackBody = async (c: Context): Promise<string | Response> => {
    if (!deps.slackSigningSecret) return c.json({ error: 'Slack is not set up on this hub' }, 404)
    const read = await readBoundedText(c, MAX_CHAT_BODY_BYTES)
    if (!read.ok) return read.response
    const check = verifySlackSignature({
      secret: deps.slackSigningSecret,
      timestamp: c.req.header('x-slack-request-timestamp'),
      signature: c.req.header('x-slack-signature'),
      body: read.body,
      nowMs: deps.now(),
    })
    if (!check.ok) {
      deps.logger.warn({ reason: check.reason }, 'refused a Slack request')
      return c.json({ error: `refused: ${check.reason}` }, 401)
    }
    return read.body
  }

  /** Runs a request once per id; a repeat gets the first answer (or a "working on it"). */
  const once = async <T>(
    id: string | null,
    work: () => Promise<T>,
    pending: T,
  ): Promise<{ answer: T; repeat: boolean }> => {
    if (id) {
      const claim = deps.dedupe.claim(id)
      if (!claim.first) return { answer: (claim.answer as T | null) ?? pending, repeat: true }
    }
    const answer = await work()
    if (id) deps.dedupe.answered(id, answer)
    return { answer, repeat: false }
  }

  app.post('/chat/slack/commands', async (c) => {
    const body = await slackBody(c)
    if (body instanceof Response) return body
    const form = new URLSearchParams(body)
    if (form.get('ssl_check') === '1') return c.body(null, 200)
    const request: ChatRequest = {
      platform: 'slack',
      workspace: form.get('team_id') ?? '',
      channel: form.get('channel_id') ?? '',
      user: form.get('user_id') ?? '',
      userName: form.get('user_name') || form.get('user_id') || 'unknown',
      where: `slack ${form.get('team_domain') || form.get('team_id')} #${form.get('channel_name') || form.get('channel_id')}`,
      command: form.get('text') ?? '',
    }
    const triggerId = form.get('trigger_id')
    let followUp: Promise<ChatReply> | undefined
    const { answer } = await once(
      triggerId ? `slack:${triggerId}` : null,
      async () => {
        const reply = await deps.core.handle(request)
        followUp = reply.followUp
        return slackMessage(reply)
      },
      slackMessage({ text: 'Still working on that request.', visibility: 'ephemeral' }),
    )
    follow('slack', form.get('response_url'), followUp, (reply) => slackMessage(reply))
    return c.json(answer)
  })

  app.post('/chat/slack/interactions', async (c) => {
    const body = await slackBody(c)
    if (body instanceof Response) return body
    let payload: SlackInteraction
    try {
      payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '') as SlackInteraction
    } catch {
      return c.json({ error: 'the body has no JSON payload field' }, 400)
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return c.json({ error: 'the payload field is not a JSON object' }, 400)
    }
    const actions = Array.isArray(payload.actions) ? payload.actions : []
    const action = actions[0]
    const command =
      payload.type === 'block_actions' && action?.action_id
        ? commandOfAction(action.action_id, String(action.value ?? ''))
        : null
    // Buttons that are not ours (a link button) need only the 200.
    if (!command) return c.body(null, 200)
    // Fields are read as text whatever was sent: a malformed payload is refused by the roles, never a crash.
    const text = (value: unknown) => (typeof value === 'string' ? value : '')
    const { team, user, channel } = payload
    const request: ChatRequest = {
      platform: 'slack',
      workspace: text(team?.id) || text(user?.team_id),
      channel: text(channel?.id),
      user: text(user?.id),
      userName: text(user?.username) || text(user?.name) || text(user?.id) || 'unknown',
      where: `slack ${text(team?.domain) || text(team?.id)} #${text(channel?.name) || text(channel?.id)}`,
      command,
    }
    const replace = command.name === 'confirm' || command.name === 'cancel'
    const responseUrl = payload.response_url ?? null
    const id = payload.trigger_id ?? action?.action_ts
    // Answered at once: the reply goes through response_url like any follow-up.
    void once(
      id ? `slack-action:${id}` : null,
      async () => {
        const reply = await deps.core.handle(request)
        follow('slack', responseUrl, Promise.resolve(reply), (r) =>
          slackMessage(r, r === reply ? replace : false),
        )
        return true
      },
      true,
    ).catch((error: unknown) => deps.logger.error({ err: error }, 'a Slack button failed'))
    return c.body(null, 200)
  })

  app.post('/chat/mattermost/commands', async (c) => {
    const tokens = deps.mattermostTokens ?? []
    if (tokens.length === 0) return c.json({ error: 'Mattermost is not set up on this hub' }, 404)
    const read = await readBoundedText(c, MAX_CHAT_BODY_BYTES)
    if (!read.ok) return read.response
    const form = new URLSearchParams(read.body)
    const token = form.get('token') ?? ''
    const bearer = /^Token\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
    const given = token || bearer
    // Every token is compared, so the timing does not tell which one was close.
    if (!tokens.map((t) => sameSecret(given, t)).some(Boolean)) {
      deps.logger.warn('refused a Mattermost command with a wrong token')
      return c.json({ error: 'refused: the command token does not match' }, 401)
    }
    const slash = form.get('command') || '/vantage'
    const request: ChatRequest = {
      platform: 'mattermost',
      workspace: form.get('team_id') ?? '',
      channel: form.get('channel_id') ?? '',
      user: form.get('user_id') ?? '',
      userName: form.get('user_name') || form.get('user_id') || 'unknown',
      where: `mattermost ${form.get('team_domain') || form.get('team_id')} ~${form.get('channel_name') || form.get('channel_id')}`,
      command: form.get('text') ?? '',
    }
    let followUp: Promise<ChatReply> | undefined
    const triggerId = form.get('trigger_id')
    const { answer } = await once(
      triggerId ? `mattermost:${triggerId}` : null,
      async () => {
        const reply = await deps.core.handle(request)
        followUp = reply.followUp
        return mattermostMessage(reply, slash)
      },
      mattermostMessage({ text: 'Still working on that request.', visibility: 'ephemeral' }),
    )
    follow('mattermost', form.get('response_url'), followUp, (r) => mattermostMessage(r, slash))
    return c.json(answer)
  })

  return app
}

/** The fields of Slack's block_actions payload that the hub reads. */
interface SlackInteraction {
  type?: string
  trigger_id?: string
  response_url?: string
  user?: { id?: string; username?: string; name?: string; team_id?: string }
  team?: { id?: string; domain?: string }
  channel?: { id?: string; name?: string }
  actions?: { action_id?: string; value?: string; action_ts?: string }[]
}
