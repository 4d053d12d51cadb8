/**
 * How fast the hub may send to one channel. Each remote channel module exports its
 * `rateLimit`; the hub's notifier spaces sends by it (hub/alerts/notify/rate-limit.ts).
 */

/** `tokens` sends per `perMs`; the bucket holds `tokens`, so a burst of that size passes. */
export interface RateLimit {
  tokens: number
  perMs: number
}

/**
 * For services that document no limit, or a looser one: 60/min keeps a storm from
 * getting the hub's key blocked.
 */
export const FALLBACK_RATE_LIMIT: RateLimit = { tokens: 60, perMs: 60_000 }
