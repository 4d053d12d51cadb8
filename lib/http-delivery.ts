/**
 * What every HTTP channel shares: one POST of a JSON body that never throws, and the
 * outcome the notifier reads to decide whether and when to retry.
 */
import { request } from 'undici'

/**
 * The outcome of one delivery attempt. `status` is absent when no response came back.
 * `retryAfterMs` is the wait the receiver asked for (Retry-After on a 429 or 503).
 * `retryable` overrides the HTTP rule (network errors, 429 and 5xx retry) for channels
 * that are not HTTP, such as SMTP.
 */
export interface SendOutcome {
  ok: boolean
  status?: number
  error?: string
  retryAfterMs?: number
  retryable?: boolean
}

export interface SendOptions {
  /** Aborts the request, e.g. on hub shutdown. */
  signal?: AbortSignal
  /** Whole-request limit. Default 10 s: receivers are expected to answer quickly. */
  timeoutMs?: number
}

/** How much of an error response body to keep: enough for "invalid_token", not a whole HTML page. */
const ERROR_BODY_LIMIT = 200

/**
 * Parses a Retry-After header: delay-seconds or an HTTP date. Fractional seconds are
 * accepted too, which no service sends but which lets tests wait milliseconds.
 *
 * @example
 * parseRetryAfter('120') // 120000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', now) // ms from now until then, at least 0
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  // An HTTP date names its day and month; Date.parse alone would read "-5" as a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Replaces each secret in a message, in case a library echoes a URL that carries one. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => (secret ? out.split(secret).join('(secret)') : out), text)
}

/**
 * POSTs `body` with a JSON content type. Never throws: network errors, timeouts and
 * non-2xx answers come back as `{ ok: false }` so the caller decides whether to retry.
 * `secrets` are scrubbed from error text (a token in a URL path, say).
 */
export async function postJson(
  url: string,
  body: string,
  extraHeaders: Record<string, string>,
  { signal, timeoutMs = 10_000 }: SendOptions = {},
  secrets: readonly string[] = [],
): Promise<SendOutcome> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'vantage-hub',
  }
  // Lower-cased so a user's "Content-Type" replaces ours instead of being sent twice.
  for (const [name, value] of Object.entries(extraHeaders)) headers[name.toLowerCase()] = value
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    })
    const status = response.statusCode
    if (status >= 200 && status < 300) {
      await response.body.dump()
      return { ok: true, status }
    }
    const text = (await response.body.text()).trim().slice(0, ERROR_BODY_LIMIT)
    const outcome: SendOutcome = {
      ok: false,
      status,
      error: redact(`HTTP ${status}${text ? `: ${text}` : ''}`, secrets),
    }
    const header = response.headers['retry-after']
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header)
    if ((status === 429 || status === 503) && retryAfterMs !== undefined) {
      outcome.retryAfterMs = retryAfterMs
    }
    return outcome
  } catch (err) {
    if (signal?.aborted) return { ok: false, error: 'aborted' }
    if (timeout.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms` }
    const { code, message } = err as { code?: string; message?: string }
    const error = [code, message].filter(Boolean).join(' ') || String(err)
    return { ok: false, error: redact(error, secrets) }
  }
}
