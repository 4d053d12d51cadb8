/**
 * Slack's request signatures, version 0
 * (https://api.slack.com/authentication/verifying-requests-from-slack): an HMAC-SHA256,
 * keyed with the app's signing secret, of `v0:<X-Slack-Request-Timestamp>:<raw body>`,
 * sent as `X-Slack-Signature: v0=<hex>`. It is checked over the body exactly as it
 * arrived, compared in constant time, and a timestamp more than five minutes away from
 * the hub's clock is refused, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** Slack's own advice: refuse requests whose timestamp is more than five minutes off. */
export const MAX_SIGNATURE_AGE_S = 5 * 60

export type SignatureCheck = { ok: true } | { ok: false; reason: string }

/** `v0=<hex>` for a body at a timestamp (seconds). */
export function slackSignature(secret: string, timestamp: string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret)
  mac.update(`v0:${timestamp}:`)
  mac.update(body)
  return `v0=${mac.digest('hex')}`
}

/**
 * @example
 * verifySlackSignature({ secret, timestamp: headers['x-slack-request-timestamp'],
 *   signature: headers['x-slack-signature'], body: rawBody, nowMs: Date.now() })
 */
export function verifySlackSignature(request: {
  secret: string
  timestamp: string | undefined
  signature: string | undefined
  body: string | Buffer
  nowMs: number
}): SignatureCheck {
  const { timestamp, signature } = request
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp' }
  }
  if (!signature) return { ok: false, reason: 'missing X-Slack-Signature' }
  const age = Math.abs(request.nowMs / 1_000 - Number(timestamp))
  if (age > MAX_SIGNATURE_AGE_S) {
    return {
      ok: false,
      reason: `the request timestamp is ${Math.round(age)} s from the hub's clock (at most ${MAX_SIGNATURE_AGE_S} s)`,
    }
  }
  const expected = Buffer.from(slackSignature(request.secret, timestamp, request.body))
  const given = Buffer.from(signature)
  // timingSafeEqual needs equal lengths; a wrong length is a wrong signature, said at once.
  const same = given.length === expected.length && timingSafeEqual(given, expected)
  return same ? { ok: true } : { ok: false, reason: 'the signature does not match' }
}

/** Compares a Mattermost slash-command token (or any shared secret) in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'vantage').update(given).digest()
  const b = createHmac('sha256', 'vantage').update(expected).digest()
  return timingSafeEqual(a, b)
}
