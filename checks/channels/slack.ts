/**
 * The Slack channel: a message through an incoming webhook
 * (https://api.slack.com/messaging/webhooks). Slack answers 200 "ok", 400 with a
 * reason such as "invalid_payload", 404/410 for a removed webhook, and 429 with
 * Retry-After when a webhook posts more than about one message a second.
 */
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import { alertsIn, facts, headline, tone, type PayloadContext, type Tone } from './alert-text.ts'
import { channelName, httpUrl } from './config-fields.ts'
import type { RateLimit } from './rate-limit.ts'
import { postJson, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export const configSchema = z.strictObject({
  type: z.literal('slack'),
  name: channelName,
  /** The incoming webhook URL (`https://hooks.slack.com/services/...`). It is a secret. */
  webhookUrl: httpUrl,
})
export type SlackChannel = z.infer<typeof configSchema>

/** Slack's incoming webhooks allow about one message per second. */
export const rateLimit: RateLimit = { tokens: 1, perMs: 1_000 }

/** Several alerts may go out as one message. */
export const groupable = true

/** The Block Kit message; `text` is the fallback that notifications and old clients show. */
export interface SlackPayload {
  text: string
  blocks: Record<string, unknown>[]
}

/**
 * The action ids of the Ack and Silence 1h buttons on a check's alert. Pressing one posts
 * to the hub's Slack interactions URL (hub/api/chat-routes.ts), which checks the presser's
 * role as for the typed command; without the hub's Slack app the buttons do nothing.
 */
export const ALERT_ACTIONS = { ack: 'vantage_ack', silence1h: 'vantage_silence_1h' } as const

/** Alerts that someone can still act on: the ones that get the buttons. */
const ACTIONABLE = new Set<AlertEvent['type']>(['fired', 'reminder', 'escalated'])

/** Slack mrkdwn treats these three as markup; anything from a target's error is escaped. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const ICONS: Record<Tone, string> = {
  down: ':red_circle:',
  warning: ':large_orange_circle:',
  info: ':large_blue_circle:',
  ok: ':large_green_circle:',
}

/**
 * Slack allows 50 blocks in a message; each grouped alert takes two, so a group shows
 * this many and says how many more there were.
 */
const GROUPED_SHOWN = 20

/** One field per fact; Slack allows at most 10 fields in a section. */
function factFields(event: AlertEvent, ctx: PayloadContext): Record<string, unknown> {
  const fields = facts(event, ctx)
    .filter(([label]) => label !== 'Status')
    .map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${escape(value)}` }))
  return { type: 'section', fields: fields.slice(0, 10) }
}

/**
 * Builds the message: a header, one field per fact, a button to the status page and, on
 * an alert someone can act on, Ack and Silence 1h buttons.
 * A group gets the group's header, then each alert's headline and facts.
 *
 * @example
 * buildPayload(fired, { project: 'Acme' }).text
 * // ':red_circle: DOWN: API health (api-health) in eu-west, us-east'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): SlackPayload {
  const title = `${ICONS[tone(event)]} ${headline(event)}`
  const alerts = alertsIn(event)
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
  ]
  if (alerts.length === 1) {
    blocks.push(factFields(event, ctx))
  } else {
    for (const alert of alerts.slice(0, GROUPED_SHOWN)) {
      const text = `${ICONS[tone(alert)]} *${escape(headline(alert))}*`
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } }, factFields(alert, ctx))
    }
    const more = alerts.length - GROUPED_SHOWN
    if (more > 0) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] })
    }
  }
  const buttons: Record<string, unknown>[] = []
  if (ctx.statusUrl) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Status page' },
      url: ctx.statusUrl,
    })
  }
  // One alert only: a group's buttons could not say which of its alerts they act on.
  if (alerts.length === 1 && (event.subject ?? 'check') === 'check' && ACTIONABLE.has(event.type)) {
    buttons.push(
      {
        type: 'button',
        action_id: ALERT_ACTIONS.ack,
        text: { type: 'plain_text', text: 'Ack' },
        value: event.incidentId,
        style: 'primary',
      },
      {
        type: 'button',
        action_id: ALERT_ACTIONS.silence1h,
        text: { type: 'plain_text', text: 'Silence 1h' },
        value: event.checkId,
      },
    )
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons })
  // Slack shows `text` in notifications, where a long group headline would be cut anyway.
  return { text: title.slice(0, 3_000), blocks }
}

/** POSTs the message to the webhook. Never throws. */
export function send(
  channel: Pick<SlackChannel, 'webhookUrl'>,
  payload: SlackPayload,
  options: SendOptions = {},
): Promise<SendOutcome> {
  // The webhook URL is the credential: keep it out of any error text.
  return postJson(channel.webhookUrl, JSON.stringify(payload), {}, options, [channel.webhookUrl])
}
