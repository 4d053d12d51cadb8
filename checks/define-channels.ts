/**
 * The notification channels of the checks-as-code API: `channels.webhook(...)` and the
 * rest. Their props are the input form of each channel module's `configSchema`
 * (channels/<type>.ts), which documents every option; the hub validates them on
 * deploy. define.ts re-exports all of it, so `import { channels } from 'vantage-monitoring'`
 * keeps working.
 *
 * @example
 * channels: [channels.console(), channels.slack('team', { webhookUrl: process.env.SLACK_WEBHOOK_URL! })]
 */
import type { ChannelInputOf, ChannelType } from './channels/registry.ts'

/** The options of `channels.<type>(name, props)`: the channel without its type and name. */
type PropsOf<T extends ChannelType> = Omit<ChannelInputOf<T>, 'type' | 'name'>

export type ConsoleChannelInput = ChannelInputOf<'console'>
export type WebhookChannelProps = PropsOf<'webhook'>
export type WebhookChannelInput = ChannelInputOf<'webhook'>
export type SlackChannelProps = PropsOf<'slack'>
export type SlackChannelInput = ChannelInputOf<'slack'>
export type PagerDutyChannelProps = PropsOf<'pagerduty'>
export type PagerDutyChannelInput = ChannelInputOf<'pagerduty'>
export type EmailChannelProps = PropsOf<'email'>
export type EmailChannelInput = ChannelInputOf<'email'>
export type TeamsChannelProps = PropsOf<'teams'>
export type TeamsChannelInput = ChannelInputOf<'teams'>
export type OpsgenieChannelProps = PropsOf<'opsgenie'>
export type OpsgenieChannelInput = ChannelInputOf<'opsgenie'>
export type TelegramChannelProps = PropsOf<'telegram'>
export type TelegramChannelInput = ChannelInputOf<'telegram'>
export type ChannelInput = { [T in ChannelType]: ChannelInputOf<T> }[ChannelType]

/** One factory per channel type: a channel without one fails to compile here. */
type ChannelFactories = {
  [T in ChannelType]: (name: string, props: PropsOf<T>) => ChannelInputOf<T>
}

/**
 * Notification channels. Channels stay on the hub; probes never see them, and the API
 * and deploy plans show their names and types only. Take tokens and keys from the
 * environment rather than writing them in monitors.ts.
 */
export const channels = {
  /**
   * Prints one line per alert on the hub's standard output.
   * @example channels.console()
   */
  console(name = 'console'): ConsoleChannelInput {
    return { type: 'console', name }
  },
  /**
   * POSTs a JSON document per alert, signed when given a secret.
   * @example
   * channels.webhook('ops', { url: 'https://hooks.example.com/x', secret: process.env.HOOK_SECRET })
   */
  webhook(name: string, props: WebhookChannelProps): WebhookChannelInput {
    return { type: 'webhook', name, ...props }
  },
  /**
   * Posts a message to a Slack channel through an incoming webhook.
   * @example channels.slack('team', { webhookUrl: process.env.SLACK_WEBHOOK_URL! })
   */
  slack(name: string, props: SlackChannelProps): SlackChannelInput {
    return { type: 'slack', name, ...props }
  },
  /**
   * Pages through PagerDuty Events API v2: trigger on fired, resolve on resolved, one
   * PagerDuty incident per Vantage incident.
   * @example channels.pagerduty('oncall', { routingKey: process.env.PD_ROUTING_KEY! })
   */
  pagerduty(name: string, props: PagerDutyChannelProps): PagerDutyChannelInput {
    return { type: 'pagerduty', name, ...props }
  },
  /**
   * Sends an email per alert over SMTP.
   * @example
   * channels.email('mail', {
   *   smtp: { host: 'smtp.example.com', port: 587, user: 'vantage', pass: process.env.SMTP_PASS },
   *   from: 'Vantage <alerts@example.com>',
   *   to: ['oncall@example.com'],
   * })
   */
  email(name: string, props: EmailChannelProps): EmailChannelInput {
    return { type: 'email', name, ...props }
  },
  /**
   * Posts an Adaptive Card to a Microsoft Teams channel.
   * @example channels.teams('teams', { webhookUrl: process.env.TEAMS_WEBHOOK_URL! })
   */
  teams(name: string, props: TeamsChannelProps): TeamsChannelInput {
    return { type: 'teams', name, ...props }
  },
  /**
   * Creates an Opsgenie alert on fired and closes it on resolved.
   * @example channels.opsgenie('genie', { apiKey: process.env.OPSGENIE_API_KEY! })
   */
  opsgenie(name: string, props: OpsgenieChannelProps): OpsgenieChannelInput {
    return { type: 'opsgenie', name, ...props }
  },
  /**
   * Sends a Telegram message from a bot to a chat.
   * @example
   * channels.telegram('tg', { botToken: process.env.TELEGRAM_BOT_TOKEN!, chatId: '-1001234567890' })
   */
  telegram(name: string, props: TelegramChannelProps): TelegramChannelInput {
    return { type: 'telegram', name, ...props }
  },
} satisfies ChannelFactories
