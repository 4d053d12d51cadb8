/**
 * The Opsgenie channel: the Alert API (https://docs.opsgenie.com/docs/alert-api). The
 * incident id is the alert's `alias`: a fired alert creates one Opsgenie alert, its
 * reminders and escalations create the same alias again (Opsgenie counts them on that
 * alert), an ack acknowledges it and the resolve closes it. Opsgenie answers 202 (the
 * request is queued), 400/422 for an invalid request, 429 when throttled, and 5xx.
 * Accounts in the EU use `url: 'https://api.eu.opsgenie.com'`.
 *
 * The notifier never groups Opsgenie alerts: each incident must keep its own alias. A
 * grouped event given here is described by its lead.
 */
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import { facts, headline, plainText, type PayloadContext } from './alert-text.ts'
import { channelName, httpUrl, secret } from './config-fields.ts'
import { FALLBACK_RATE_LIMIT, type RateLimit } from './rate-limit.ts'
import { postJson, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export const configSchema = z.strictObject({
  type: z.literal('opsgenie'),
  name: channelName,
  /** The API key of an API integration. It is a secret. */
  apiKey: secret('an API key'),
  /** Default `https://api.opsgenie.com`; EU accounts use `https://api.eu.opsgenie.com`. */
  url: httpUrl.default('https://api.opsgenie.com'),
})
export type OpsgenieChannel = z.infer<typeof configSchema>

/** The fallback: the service documents no limit, or a looser one. */
export const rateLimit: RateLimit = FALLBACK_RATE_LIMIT

/**
 * Never grouped: Opsgenie keeps one alert per alias (the incident id), so that an ack
 * or close reaches the right one; a message about several would break that.
 */
export const groupable = false

/** The request: where it goes below the API URL, and its body. */
export type OpsgeniePayload =
  | {
      action: 'create'
      path: '/v2/alerts'
      body: {
        message: string
        alias: string
        description: string
        priority: 'P1' | 'P2' | 'P3'
        source: string
        tags: string[]
        details: Record<string, string>
      }
    }
  | {
      action: 'acknowledge'
      path: string
      body: { source: string; user: string; note: string }
    }
  | { action: 'close'; path: string; body: { source: string; note: string } }

/** Opsgenie rejects messages longer than 130 characters. */
const MESSAGE_LIMIT = 130

/**
 * A check DOWN is P1; a broken probe, region or channel (the monitoring itself) P2;
 * degraded and flapping checks P3.
 */
function priorityOf(event: AlertEvent): 'P1' | 'P2' | 'P3' {
  if (
    event.type === 'flapping-started' ||
    event.type === 'anomaly' ||
    event.severity === 'degraded'
  )
    return 'P3'
  return (event.subject ?? 'check') === 'check' ? 'P1' : 'P2'
}

/** The path of an action on the alert whose alias is the incident id. */
function aliasPath(event: AlertEvent, action: 'acknowledge' | 'close'): string {
  return `/v2/alerts/${encodeURIComponent(event.incidentId)}/${action}?identifierType=alias`
}

/**
 * Builds an acknowledge on acknowledged, a close by alias on resolved and
 * flapping-stopped, and a create for the rest.
 *
 * @example
 * buildPayload(resolved, ctx).path // '/v2/alerts/01KDX2Q4.../close?identifierType=alias'
 * buildPayload(acknowledged, ctx).path // '/v2/alerts/01KDX2Q4.../acknowledge?identifierType=alias'
 */
export function buildPayload(grouped: AlertEvent, ctx: PayloadContext): OpsgeniePayload {
  const { grouped: _others, ...event } = grouped
  const source = `Vantage (${ctx.project})`
  if (event.type === 'acknowledged') {
    return {
      action: 'acknowledge',
      path: aliasPath(event, 'acknowledge'),
      body: { source, user: event.ackedBy ?? 'vantage', note: event.comment ?? headline(event) },
    }
  }
  if (event.type === 'resolved' || event.type === 'flapping-stopped') {
    return {
      action: 'close',
      path: aliasPath(event, 'close'),
      body: { source, note: headline(event) },
    }
  }
  return {
    action: 'create',
    path: '/v2/alerts',
    body: {
      message: headline(event).slice(0, MESSAGE_LIMIT),
      alias: event.incidentId,
      description: plainText(event, ctx),
      priority: priorityOf(event),
      source,
      // Opsgenie keeps at most 20 tags.
      tags: ['vantage', event.checkId, ...(event.tags ?? [])].slice(0, 20),
      details: Object.fromEntries(facts(event, ctx)),
    },
  }
}

/** POSTs the request with the channel's API key. Never throws. */
export function send(
  channel: Pick<OpsgenieChannel, 'apiKey' | 'url'>,
  payload: OpsgeniePayload,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const url = `${channel.url.replace(/\/+$/, '')}${payload.path}`
  const headers = { authorization: `GenieKey ${channel.apiKey}` }
  return postJson(url, JSON.stringify(payload.body), headers, options, [channel.apiKey])
}
