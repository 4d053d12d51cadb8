/**
 * The webhook channel: a JSON POST per alert event to a URL the user configured.
 * The payload shape is versioned and documented below, so receivers can rely on it.
 */
import { request } from 'undici'
import type { ChannelConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../types.ts'

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

/** The outcome of one POST. `status` is absent when no response came back. */
export interface SendOutcome {
  ok: boolean
  status?: number
  error?: string
}

export interface SendOptions {
  /** Aborts the request, e.g. on hub shutdown. */
  signal?: AbortSignal
  /** Whole-request limit. Default 10 s: receivers are expected to answer quickly. */
  timeoutMs?: number
}

/** How much of an error response body to keep: enough for "invalid_token", not a whole HTML page. */
const ERROR_BODY_LIMIT = 200

/** Builds the JSON body for an alert event; pure, so it is tested without a network. */
export function buildPayload(
  event: AlertEvent,
  ctx: { project: string; statusUrl?: string },
): WebhookPayload {
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
 * POSTs the payload. Never throws: network errors, timeouts and non-2xx answers come
 * back as `{ ok: false }` so the caller decides whether to retry.
 */
export async function send(
  channel: Pick<WebhookChannel, 'url' | 'headers'>,
  payload: WebhookPayload,
  { signal, timeoutMs = 10_000 }: SendOptions = {},
): Promise<SendOutcome> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'vantage-hub',
  }
  // Lower-cased so a user's "Content-Type" replaces ours instead of being sent twice.
  for (const [name, value] of Object.entries(channel.headers)) headers[name.toLowerCase()] = value
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const response = await request(channel.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    })
    const status = response.statusCode
    if (status >= 200 && status < 300) {
      await response.body.dump()
      return { ok: true, status }
    }
    const text = (await response.body.text()).trim().slice(0, ERROR_BODY_LIMIT)
    return { ok: false, status, error: `HTTP ${status}${text ? `: ${text}` : ''}` }
  } catch (err) {
    if (signal?.aborted) return { ok: false, error: 'aborted' }
    if (timeout.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms` }
    const { code, message } = err as { code?: string; message?: string }
    return { ok: false, error: [code, message].filter(Boolean).join(' ') || String(err) }
  }
}
