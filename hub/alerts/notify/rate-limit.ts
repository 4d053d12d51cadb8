/**
 * Per-channel token buckets. A send over the limit is not dropped: `take` reserves
 * the next free token and says how long to wait for it, and the queue holds the
 * delivery until then.
 */
import type { RateLimit } from '../../../checks/channels/rate-limit.ts'

// Each channel module states its own limit; the registry looks it up by type.
export type { RateLimit }
export { rateLimitFor } from '../../../checks/channels/registry.ts'

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
