/**
 * The Slack channel: a message through an incoming webhook
 * (https://api.slack.com/messaging/webhooks). Slack answers 200 "ok", 400 with a
 * reason such as "invalid_payload", 404/410 for a removed webhook, and 429 with
 * Retry-After when a webhook posts more than about one message a second.
 */
import type { ChannelConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../types.ts'
import { facts, headline, type PayloadContext } from './alert-text.ts'
import { postJson, type SendOptions, type SendOutcome } from './http-delivery.ts'

export type SlackChannel = Extract<ChannelConfig, { type: 'slack' }>

/** The Block Kit message; `text` is the fallback that notifications and old clients show. */
export interface SlackPayload {
  text: string
  blocks: Record<string, unknown>[]
}

/** Slack mrkdwn treats these three as markup; anything from a target's error is escaped. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Builds the message: a header, one field per fact, and a button to the status page.
 *
 * @example
 * buildPayload(fired, { project: 'Acme' }).text
 * // ':red_circle: DOWN: API health (api-health) in 2 regions'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): SlackPayload {
  const icon = event.type === 'fired' ? ':red_circle:' : ':large_green_circle:'
  const title = `${icon} ${headline(event)}`
  const fields = facts(event, ctx)
    .filter(([label]) => label !== 'Status')
    .map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${escape(value)}` }))
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: true } },
    // Slack allows at most 10 fields in a section.
    { type: 'section', fields: fields.slice(0, 10) },
  ]
  if (ctx.statusUrl) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Status page' }, url: ctx.statusUrl },
      ],
    })
  }
  return { text: title, blocks }
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
