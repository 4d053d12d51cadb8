/**
 * Per-channel token buckets. A send over the limit is not dropped: `take` reserves
 * the next free token and says how long to wait for it, and the queue holds the
 * delivery until then.
 */
import type { ChannelConfig } from '../../../checks/validate.ts'

/** `tokens` sends per `perMs`; the bucket holds `tokens`, so a burst of that size passes. */
export interface RateLimit {
  tokens: number
  perMs: number
}

/**
 * PagerDuty's Events API allows about 120 events per minute per integration key and
 * Slack's incoming webhooks about one message per second; the rest document no limit
 * or a looser one, and 60/min keeps a storm from getting the hub's key blocked.
 */
export const DEFAULT_RATE_LIMITS: Partial<Record<ChannelConfig['type'], RateLimit>> = {
  pagerduty: { tokens: 120, perMs: 60_000 },
  slack: { tokens: 1, perMs: 1_000 },
}
export const FALLBACK_RATE_LIMIT: RateLimit = { tokens: 60, perMs: 60_000 }

export function rateLimitFor(type: ChannelConfig['type']): RateLimit {
  return DEFAULT_RATE_LIMITS[type] ?? FALLBACK_RATE_LIMIT
}

export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  /**
   * Takes a token from `key`'s bucket and returns the wait in ms before it may be used
   * (0: now). Tokens may go below zero: each caller reserves a later token, so waiting
   * callers are spaced out instead of all waking for the same one.
   */
  take(key: string, limit: RateLimit, now: number): number {
    const perMs = limit.tokens / limit.perMs
    const bucket = this.#buckets.get(key) ?? { tokens: limit.tokens, at: now }
    bucket.tokens = Math.min(limit.tokens, bucket.tokens + Math.max(0, now - bucket.at) * perMs)
    bucket.at = now
    bucket.tokens -= 1
    this.#buckets.set(key, bucket)
    return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens / perMs)
  }
}
