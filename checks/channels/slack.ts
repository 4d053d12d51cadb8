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
 * Builds the message: a header, one field per fact, and a button to the status page.
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
  if (ctx.statusUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Status page' }, url: ctx.statusUrl },
      ],
    })
  }
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
