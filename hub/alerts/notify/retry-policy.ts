/**
 * When a failed notification is tried again: what the receiver asked for (Retry-After),
 * else an exponential backoff with jitter, and never for answers that will not change.
 */
import type { SendOutcome } from '../../../lib/http-delivery.ts'

export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number
  /** Delay before the second try; it doubles for each one after, with jitter. */
  baseDelayMs: number
  /** Past this age (since the event was queued) a delivery is failed instead of retried. */
  maxAgeMs?: number
}

/**
 * Twenty tries with doubling waits capped at an hour span about ten hours, and no
 * delivery is retried past a day: an alert that old misleads more than it helps.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 20,
  baseDelayMs: 2_000,
  maxAgeMs: 24 * 3_600_000,
}

/** The longest wait between two tries, so that a receiver back after an outage hears soon. */
const MAX_BACKOFF_MS = 3_600_000

/**
 * The longest Retry-After honoured as asked. The queue is durable, so a long wait
 * costs nothing, but a receiver asking for a day would outlive the delivery's max age.
 */
const MAX_RETRY_AFTER_MS = 3_600_000

/**
 * The wait before try number `attempt + 1`: exponential, with "equal jitter" (half
 * fixed, half random) so that many webhooks failing together do not retry in step,
 * while the wait still grows.
 */
export function retryDelayMs(attempt: number, baseDelayMs: number, random = Math.random): number {
  const ceiling = Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Network errors, 5xx and 429 may pass; any other answer will not change on a retry.
 * A channel that is not HTTP (email) says so itself.
 */
export function isRetryable(outcome: SendOutcome): boolean {
  if (outcome.retryable !== undefined) return outcome.retryable
  return outcome.status === undefined || outcome.status >= 500 || outcome.status === 429
}

/** The wait before the next try: what the receiver asked for, if it did, else the backoff. */
export function nextDelayMs(outcome: SendOutcome, attempt: number, policy: RetryPolicy): number {
  if (outcome.retryAfterMs !== undefined) return Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS)
  return retryDelayMs(attempt, policy.baseDelayMs)
}
