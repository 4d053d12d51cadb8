/**
 * The webhook channel: a JSON POST per alert event (or group of them) to a URL the
 * user configured.
 * The payload shape is versioned and documented below, so receivers can rely on it.
 * With a `secret`, each request is signed so the receiver can tell it came from the
 * hub and is recent (see `sign`).
 */
import { createHmac } from 'node:crypto'
import { z } from 'zod'
import type { AlertEvent, AlertEventType, AlertSubject, SloAlertDetail } from '../alert-event.ts'
import type { PayloadContext } from './alert-text.ts'
import { channelName, httpUrl, secret } from './config-fields.ts'
import { FALLBACK_RATE_LIMIT, type RateLimit } from './rate-limit.ts'
import { postJson, type SendOptions, type SendOutcome } from '../../lib/http-delivery.ts'

export type { SendOptions, SendOutcome }

/**
 * One alert as a webhook receiver sees it. Fields that do not apply are `null`, never
 * missing, so the shape stays fixed.
 */
export interface WebhookAlert {
  /** `alert.` and the event type: fired, resolved, reminder, escalated, acknowledged, flapping-started, flapping-stopped, anomaly. */
  type: `alert.${AlertEventType}`
  /** What raised it: a check, a region (`check.id` is `region:<name>`), a probe, a notification channel or an SLO. */
  subject: AlertSubject
  /** For checks: `down`, or `degraded` when the check pages on degraded results; for SLOs `page` or `ticket`. */
  severity: 'down' | 'degraded' | 'page' | 'ticket'
  /** The same on every event of one incident: use it to pair or dedupe them. */
  incidentId: string
  check: { id: string; name: string }
  /** When the hub made the transition (ISO 8601, UTC). */
  at: string
  /** While broken: the failing regions. On resolved: every region that failed during the incident. */
  regions: string[]
  /** How many regions had to fail at once for the alert to fire. */
  quorum: number
  /** The first error seen among the failing regions. */
  error: { code: string; message: string } | null
  /** On resolved: how long the outage lasted. */
  durationMs: number | null
  /** The check's tags. */
  tags: string[]
  /** One line for region, probe and channel alerts. */
  summary: string | null
  /** On acknowledged: who, and what they said. */
  acknowledgedBy: string | null
  comment: string | null
  /** On escalated: the level reached (1 = the first `escalate` entry). */
  level: number | null
  /** For SLO alerts: the SLO, objective, alert kind, window pair, burn rates and budget left. */
  slo?: SloAlertDetail
}

/**
 * The body of every webhook request (`content-type: application/json`): the alert,
 * and the other alerts sent with it when grouping joined several into one request.
 *
 * @example
 * {
 *   "version": 1,
 *   "project": "Acme",
 *   "type": "alert.fired",
 *   "subject": "check",
 *   "severity": "down",
 *   "incidentId": "01KDX2Q4Q8M0N6V8S9T1A2B3C4",
 *   "check": { "id": "api-health", "name": "API health" },
 *   "at": "2026-01-01T00:02:00.000Z",
 *   "regions": ["eu-west", "us-east"],
 *   "quorum": 2,
 *   "error": { "code": "CONNECT_REFUSED", "message": "connect ECONNREFUSED 127.0.0.1:8081" },
 *   "durationMs": null,
 *   "tags": ["api"],
 *   "summary": null,
 *   "acknowledgedBy": null,
 *   "comment": null,
 *   "level": null,
 *   "statusUrl": "https://status.example.com/status/main",
 *   "grouped": []
 * }
 */
export interface WebhookPayload extends WebhookAlert {
  /** Bumped only on a breaking change to this shape. */
  version: 1
  /** The monitoring project's name (`project` in monitors.ts). */
  project: string
  /** Link to the status page, when the hub knows its public URL. */
  statusUrl: string | null
  /** Alerts that fired within the same group wait and share this one's group key. */
  grouped: WebhookAlert[]
}

export const configSchema = z.strictObject({
  type: z.literal('webhook'),
  name: channelName,
  /** Receives a JSON POST for every alert fired or resolved. */
  url: httpUrl,
  /** Extra request headers, e.g. an auth header. Default: none. */
  headers: z.record(z.string(), z.string()).default({}),
  /**
   * Signs each request: `x-vantage-signature: sha256=<hex>`, an HMAC-SHA256 over
   * `x-vantage-timestamp + '.' + body`. Default: unsigned. Read it from the environment.
   */
  secret: secret('a signing secret').optional(),
})
export type WebhookChannel = z.infer<typeof configSchema>

/** The fallback: the service documents no limit, or a looser one. */
export const rateLimit: RateLimit = FALLBACK_RATE_LIMIT

/** Several alerts may go out as one message. */
export const groupable = true

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

function toWebhookAlert(event: AlertEvent): WebhookAlert {
  return {
    type: `alert.${event.type}`,
    subject: event.subject ?? 'check',
    severity: event.severity ?? 'down',
    incidentId: event.incidentId,
    check: { id: event.checkId, name: event.checkName },
    at: new Date(event.at).toISOString(),
    regions: event.regions,
    quorum: event.quorum,
    error: event.firstError,
    durationMs: event.durationMs ?? null,
    tags: event.tags ?? [],
    summary: event.summary ?? null,
    acknowledgedBy: event.ackedBy ?? null,
    comment: event.comment ?? null,
    level: event.level ?? null,
    ...(event.slo ? { slo: event.slo } : {}),
  }
}

/** Builds the JSON body for an alert event; pure, so it is tested without a network. */
export function buildPayload(event: AlertEvent, ctx: PayloadContext): WebhookPayload {
  return {
    version: 1,
    project: ctx.project,
    ...toWebhookAlert(event),
    statusUrl: ctx.statusUrl ?? null,
    grouped: (event.grouped ?? []).map(toWebhookAlert),
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
