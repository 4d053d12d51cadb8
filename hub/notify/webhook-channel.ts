/**
 * The webhook channel: a JSON POST per alert event to a URL the user configured.
 * The payload shape is versioned and documented below, so receivers can rely on it.
 * With a `secret`, each request is signed so the receiver can tell it came from the
 * hub and is recent (see `sign`).
 */
import { createHmac } from 'node:crypto'
import type { ChannelConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../types.ts'
import type { PayloadContext } from './alert-text.ts'
import { postJson, type SendOptions, type SendOutcome } from './http-delivery.ts'

export type { SendOptions, SendOutcome }

/**
 * The body of every webhook request (`content-type: application/json`).
 * Fields that do not apply are `null`, never missing, so the shape stays fixed.
 *
 * @example
 * {
 *   "version": 1,
 *   "type": "alert.fired",
 *   "project": "Acme",
 *   "incidentId": "01KDX2Q4Q8M0N6V8S9T1A2B3C4",
 *   "check": { "id": "api-health", "name": "API health" },
 *   "at": "2026-01-01T00:02:00.000Z",
 *   "regions": ["eu-west", "us-east"],
 *   "quorum": 2,
 *   "error": { "code": "CONNECT_REFUSED", "message": "connect ECONNREFUSED 127.0.0.1:8081" },
 *   "durationMs": null,
 *   "statusUrl": "https://status.example.com/status/main"
 * }
 */
export interface WebhookPayload {
  /** Bumped only on a breaking change to this shape. */
  version: 1
  type: 'alert.fired' | 'alert.resolved'
  /** The monitoring project's name (`project` in monitors.ts). */
  project: string
  /** The same on `alert.fired` and its `alert.resolved`: use it to pair or dedupe them. */
  incidentId: string
  check: { id: string; name: string }
  /** When the hub made the transition (ISO 8601, UTC). */
  at: string
  /** On fired: the failing regions. On resolved: every region that failed during the incident. */
  regions: string[]
  /** How many regions had to fail at once for the alert to fire. */
  quorum: number
  /** The first error seen among the failing regions. */
  error: { code: string; message: string } | null
  /** On resolved: how long the outage lasted. */
  durationMs: number | null
  /** Link to the status page, when the hub knows its public URL. */
  statusUrl: string | null
}

export type WebhookChannel = Extract<ChannelConfig, { type: 'webhook' }>

/** The header names of a signed request. */
export const TIMESTAMP_HEADER = 'x-vantage-timestamp'
export const SIGNATURE_HEADER = 'x-vantage-signature'

/**
 * The signature header value: HMAC-SHA256, keyed with the channel's secret, over the
 * Unix timestamp in seconds, a dot and the exact body. The timestamp is signed so that
 * a receiver can reject old requests replayed by whoever captured one.
 *
 * @example
 * sign('s3cret', 1767225720, '{"version":1}') // 'sha256=5d1c...'
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** Builds the JSON body for an alert event; pure, so it is tested without a network. */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): WebhookPayload {
  return {
    version: 1,
    type: event.type === 'fired' ? 'alert.fired' : 'alert.resolved',
    project: ctx.project,
    incidentId: event.incidentId,
    check: { id: event.checkId, name: event.checkName },
    at: new Date(event.at).toISOString(),
    regions: event.regions,
    quorum: event.quorum,
    error: event.firstError,
    durationMs: event.durationMs ?? null,
    statusUrl: ctx.statusUrl ?? null,
  }
}

/**
 * POSTs the payload, signed when the channel has a secret. Never throws: network
 * errors, timeouts and non-2xx answers come back as `{ ok: false }` so the caller
 * decides whether to retry. Each attempt is signed with its own timestamp.
 */
export async function send(
  channel: Pick<WebhookChannel, 'url' | 'headers' | 'secret'>,
  payload: WebhookPayload,
  options: SendOptions & { now?: () => number } = {},
): Promise<SendOutcome> {
  const body = JSON.stringify(payload)
  const headers = { ...channel.headers }
  if (channel.secret) {
    const timestamp = Math.floor((options.now ?? Date.now)() / 1000)
    headers[TIMESTAMP_HEADER] = String(timestamp)
    headers[SIGNATURE_HEADER] = sign(channel.secret, timestamp, body)
  }
  return postJson(channel.url, body, headers, options)
}
