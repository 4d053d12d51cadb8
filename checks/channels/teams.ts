/**
 * The Microsoft Teams channel: an Adaptive Card posted to an incoming webhook, either a
 * Workflows ("Post to a channel when a webhook request is received") URL or a legacy
 * Office 365 connector URL; both accept this message shape. Teams answers 200 or 202,
 * 400 for a malformed card, and 429 when throttled.
 */
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import { alertsIn, facts, headline, tone, type PayloadContext, type Tone } from './alert-text.ts'
import { channelName, httpUrl } from './config-fields.ts'
import { FALLBACK_RATE_LIMIT, type RateLimit } from './rate-limit.ts'
import { postJson, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export const configSchema = z.strictObject({
  type: z.literal('teams'),
  name: channelName,
  /** A Workflows webhook URL or a legacy incoming webhook URL. It is a secret. */
  webhookUrl: httpUrl,
})
export type TeamsChannel = z.infer<typeof configSchema>

/** The fallback: the service documents no limit, or a looser one. */
export const rateLimit: RateLimit = FALLBACK_RATE_LIMIT

/** Several alerts may go out as one message. */
export const groupable = true

export interface TeamsPayload {
  type: 'message'
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive'
    contentUrl: null
    content: Record<string, unknown>
  }[]
}

/** Adaptive Card text colours for each tone. */
const COLOURS: Record<Tone, string> = {
  down: 'Attention',
  warning: 'Warning',
  info: 'Accent',
  ok: 'Good',
}

function factSet(event: AlertEvent, ctx: PayloadContext): Record<string, unknown> {
  return {
    type: 'FactSet',
    facts: facts(event, ctx)
      .filter(([label]) => label !== 'Status')
      .map(([title, value]) => ({ title, value })),
  }
}

/**
 * Builds the card: a coloured title, a fact set, and a link to the status page. A
 * group gets the group's title, then each alert's headline and facts.
 *
 * @example
 * buildPayload(fired, ctx).attachments[0].content.body[0].text
 * // 'DOWN: API health (api-health) in eu-west, us-east'
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): TeamsPayload {
  const alerts = alertsIn(event)
  const title = {
    type: 'TextBlock',
    text: headline(event),
    weight: 'Bolder',
    size: 'Medium',
    wrap: true,
    color: COLOURS[tone(event)],
  }
  const body: Record<string, unknown>[] =
    alerts.length === 1
      ? [title, factSet(event, ctx)]
      : [
          title,
          ...alerts.flatMap((alert) => [
            {
              type: 'TextBlock',
              text: headline(alert),
              weight: 'Bolder',
              wrap: true,
              separator: true,
              color: COLOURS[tone(alert)],
            },
            factSet(alert, ctx),
          ]),
        ]
  const content: Record<string, unknown> = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
  }
  if (ctx.statusUrl) {
    content.actions = [{ type: 'Action.OpenUrl', title: 'Status page', url: ctx.statusUrl }]
  }
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content },
    ],
  }
}

/** POSTs the card to the webhook. Never throws. */
export function send(
  channel: Pick<TeamsChannel, 'webhookUrl'>,
  payload: TeamsPayload,
  options: SendOptions = {},
): Promise<SendOutcome> {
  // The webhook URL carries its own signature: keep it out of any error text.
  return postJson(channel.webhookUrl, JSON.stringify(payload), {}, options, [channel.webhookUrl])
}
