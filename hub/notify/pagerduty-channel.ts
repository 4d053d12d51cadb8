/**
 * The PagerDuty channel: Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/).
 * The incident id is the `dedup_key`, so a fired alert triggers one PagerDuty incident
 * and its resolve closes that same one. PagerDuty answers 202, 400 for an invalid event,
 * 429 when a routing key sends more than about 120 events a minute, and 5xx.
 */
import type { ChannelConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../types.ts'
import { facts, headline, type PayloadContext } from './alert-text.ts'
import { postJson, type SendOptions, type SendOutcome } from './http-delivery.ts'

export type PagerDutyChannel = Extract<ChannelConfig, { type: 'pagerduty' }>

/** The event without `routing_key`: `send` adds it, so payloads can be logged or shown. */
export type PagerDutyPayload =
  | {
      event_action: 'trigger'
      dedup_key: string
      payload: {
        summary: string
        source: string
        severity: 'critical'
        timestamp: string
        component: string
        group: string
        class: string
        custom_details: Record<string, string>
      }
      links: { href: string; text: string }[]
    }
  | { event_action: 'resolve'; dedup_key: string }

/** PagerDuty cuts summaries at 1024 characters; cut ourselves so the end is ours. */
const SUMMARY_LIMIT = 1024

/**
 * Builds the event: a trigger with severity critical on fired, a resolve on resolved.
 *
 * @example
 * buildPayload(resolved, ctx) // { event_action: 'resolve', dedup_key: '01KDX2Q4...' }
 */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): PagerDutyPayload {
  if (event.type === 'resolved') return { event_action: 'resolve', dedup_key: event.incidentId }
  const error = event.firstError ? `: ${event.firstError.code} ${event.firstError.message}` : ''
  return {
    event_action: 'trigger',
    dedup_key: event.incidentId,
    payload: {
      summary: `${headline(event)}${error}`.slice(0, SUMMARY_LIMIT),
      source: event.regions.join(', ') || 'vantage',
      severity: 'critical',
      timestamp: new Date(event.at).toISOString(),
      component: event.checkId,
      group: ctx.project,
      class: event.firstError?.code ?? 'DOWN',
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
