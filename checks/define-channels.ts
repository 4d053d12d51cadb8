/**
 * The notification channels of the checks-as-code API: `channels.webhook(...)` and the
 * rest, with their input types. The hub validates them on deploy (`channelSchema` in
 * validate.ts); define.ts re-exports all of it, so `import { channels } from 'vantage'`
 * keeps working.
 *
 * @example
 * channels: [channels.console(), channels.slack('team', { webhookUrl: process.env.SLACK_WEBHOOK_URL! })]
 */
export interface ConsoleChannelInput {
  type: 'console'
  name: string
}
export interface WebhookChannelProps {
  /** Receives a JSON POST for every alert fired or resolved. */
  url: string
  /** Extra request headers, e.g. an auth header. Default: none. */
  headers?: Record<string, string>
  /**
   * Signs each request: `x-vantage-signature: sha256=<hex>`, an HMAC-SHA256 over
   * `x-vantage-timestamp + '.' + body`. Default: unsigned. Read it from the environment.
   */
  secret?: string
}
export interface WebhookChannelInput extends WebhookChannelProps {
  type: 'webhook'
  name: string
}
export interface SlackChannelProps {
  /** The incoming webhook URL (`https://hooks.slack.com/services/...`). It is a secret. */
  webhookUrl: string
}
export interface SlackChannelInput extends SlackChannelProps {
  type: 'slack'
  name: string
}
export interface PagerDutyChannelProps {
  /** The integration key of an Events API v2 integration. It is a secret. */
  routingKey: string
  /** Default `https://events.pagerduty.com/v2/enqueue`. */
  url?: string
}
export interface PagerDutyChannelInput extends PagerDutyChannelProps {
  type: 'pagerduty'
  name: string
}
export interface EmailChannelProps {
  smtp: {
    host: string
    port: number
    /** Implicit TLS, as on port 465. Default false: STARTTLS when the server offers it. */
    secure?: boolean
    /** Default: no authentication. */
    user?: string
    pass?: string
  }
  /** The sender, e.g. `'Vantage <alerts@example.com>'`. */
  from: string
  /** At least one recipient. */
  to: string[]
}
export interface EmailChannelInput extends EmailChannelProps {
  type: 'email'
  name: string
}
export interface TeamsChannelProps {
  /** A Workflows webhook URL or a legacy incoming webhook URL. It is a secret. */
  webhookUrl: string
}
export interface TeamsChannelInput extends TeamsChannelProps {
  type: 'teams'
  name: string
}
export interface OpsgenieChannelProps {
  /** The API key of an API integration. It is a secret. */
  apiKey: string
  /** Default `https://api.opsgenie.com`; EU accounts use `https://api.eu.opsgenie.com`. */
  url?: string
}
export interface OpsgenieChannelInput extends OpsgenieChannelProps {
  type: 'opsgenie'
  name: string
}
export interface TelegramChannelProps {
  /** The token BotFather gave (`123456:ABC...`). It is a secret. */
  botToken: string
  /** The chat, group or channel id (`-100...`), or `@channelname`. */
  chatId: string | number
  /** Default `https://api.telegram.org`. */
  apiUrl?: string
}
export interface TelegramChannelInput extends TelegramChannelProps {
  type: 'telegram'
  name: string
}
export type ChannelInput =
  | ConsoleChannelInput
  | WebhookChannelInput
  | SlackChannelInput
  | PagerDutyChannelInput
  | EmailChannelInput
  | TeamsChannelInput
  | OpsgenieChannelInput
  | TelegramChannelInput

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
}
