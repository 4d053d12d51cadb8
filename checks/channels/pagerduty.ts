/**
 * The PagerDuty channel: Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/).
 * The incident id is the `dedup_key`, so a fired alert triggers one PagerDuty incident;
 * its reminders and escalations trigger the same key again (PagerDuty folds them into
 * that incident), an ack acknowledges it and the resolve closes it. A flapping
 * incident has its own id, so it is its own PagerDuty incident. PagerDuty answers 202,
 * 400 for an invalid event, 429 when a routing key sends more than about 120 events a
 * minute, and 5xx.
 *
 * The notifier never groups PagerDuty events: each incident must keep its own key to
 * be acknowledged and resolved. A grouped event given here is described by its lead.
 */
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import { facts, headline, type PayloadContext } from './alert-text.ts'
import { channelName, httpUrl, secret } from './config-fields.ts'
import type { RateLimit } from './rate-limit.ts'
import { postJson, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export const configSchema = z.strictObject({
  type: z.literal('pagerduty'),
  name: channelName,
  /** The integration key of an Events API v2 integration. It is a secret. */
  routingKey: secret('an Events API v2 routing key'),
  /** Default `https://events.pagerduty.com/v2/enqueue`. */
  url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
})
export type PagerDutyChannel = z.infer<typeof configSchema>

/** PagerDuty's Events API allows about 120 events per minute per integration key. */
export const rateLimit: RateLimit = { tokens: 120, perMs: 60_000 }

/**
 * Never grouped: PagerDuty keeps one incident per dedup_key (the incident id), so that
 * an ack or resolve reaches the right one; a message about several would break that.
 */
export const groupable = false

/** The event without `routing_key`: `send` adds it, so payloads can be logged or shown. */
export type PagerDutyPayload =
  | {
      event_action: 'trigger'
      dedup_key: string
      payload: {
        summary: string
        source: string
        severity: 'critical' | 'error' | 'warning'
        timestamp: string
        component: string
        group: string
        class: string
        custom_details: Record<string, string>
      }
      links: { href: string; text: string }[]
    }
  | { event_action: 'acknowledge' | 'resolve'; dedup_key: string }

/** PagerDuty cuts summaries at 1024 characters; cut ourselves so the end is ours. */
const SUMMARY_LIMIT = 1024

/**
 * A check DOWN pages as critical; a broken probe, region or channel is an error of the
 * monitoring itself; degraded and flapping checks warn.
 */
function severityOf(event: AlertEvent): 'critical' | 'error' | 'warning' {
  if (
    event.type === 'flapping-started' ||
    event.type === 'anomaly' ||
    event.severity === 'degraded'
  )
    return 'warning'
  return (event.subject ?? 'check') === 'check' ? 'critical' : 'error'
}

/** PagerDuty's `class` when there is no error code: what kind of trouble this is. */
function classOf(event: AlertEvent): string {
  if (event.type === 'flapping-started') return 'FLAPPING'
  const subject = event.subject ?? 'check'
  if (subject !== 'check') return subject.toUpperCase()
  return event.severity === 'degraded' ? 'DEGRADED' : 'DOWN'
}

/**
 * Builds the event: acknowledge on acknowledged, resolve on resolved and
 * flapping-stopped, and a trigger (same dedup_key) for the rest.
 *
 * @example
 * buildPayload(resolved, ctx) // { event_action: 'resolve', dedup_key: '01KDX2Q4...' }
 * buildPayload(acknowledged, ctx) // { event_action: 'acknowledge', dedup_key: '01KDX2Q4...' }
 */
export function buildPayload(grouped: AlertEvent, ctx: PayloadContext): PagerDutyPayload {
  const { grouped: _others, ...event } = grouped
  const dedup_key = event.incidentId
  if (event.type === 'acknowledged') return { event_action: 'acknowledge', dedup_key }
  if (event.type === 'resolved' || event.type === 'flapping-stopped') {
    return { event_action: 'resolve', dedup_key }
  }
  const error = event.firstError ? `: ${event.firstError.code} ${event.firstError.message}` : ''
  return {
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: `${headline(event)}${error}`.slice(0, SUMMARY_LIMIT),
      source: event.regions.join(', ') || 'vantage',
      severity: severityOf(event),
      timestamp: new Date(event.at).toISOString(),
      component: event.checkId,
      group: ctx.project,
      class: event.firstError?.code ?? classOf(event),
      custom_details: Object.fromEntries(facts(event, ctx)),
    },
    links: ctx.statusUrl ? [{ href: ctx.statusUrl, text: 'Status page' }] : [],
  }
}

/** POSTs the event with the channel's routing key. Never throws. */
export function send(
  channel: Pick<PagerDutyChannel, 'routingKey' | 'url'>,
  payload: PagerDutyPayload,
  options: SendOptions = {},
): Promise<SendOutcome> {
  const body = JSON.stringify({ routing_key: channel.routingKey, ...payload })
  return postJson(channel.url, body, {}, options, [channel.routingKey])
}
