/**
 * What happens to a notification after one attempt: a pure decision from the attempt's
 * outcome, the tries so far, the retry policy and the time, so that every branch is
 * tested without a network or a queue.
 */
import type { SendOutcome } from '../../../lib/http-delivery.ts'
import { isRetryable, nextDelayMs, type RetryPolicy } from './retry-policy.ts'

export type AttemptDecision =
  /** The receiver took it. */
  | { action: 'delivered' }
  /** It will not pass (a 4xx), tries are used up, or a retry would come too late. */
  | { action: 'failed' }
  /** Try again at `at`. */
  | { action: 'retry'; at: number; retryInMs: number }
  /** The hub is stopping: leave it queued, as it was, for the next start. */
  | { action: 'requeue' }

export interface AttemptFacts {
  outcome: SendOutcome
  /** Tries made, this one included. */
  tries: number
  /** When the notification was queued. */
  createdAt: number
  now: number
  /** The hub is shutting down and aborted the attempt. */
  stopping: boolean
  retry: RetryPolicy
}

export function decideAfterAttempt(facts: AttemptFacts): AttemptDecision {
  const { outcome, tries, retry, now } = facts
  if (outcome.ok) return { action: 'delivered' }
  if (facts.stopping) return { action: 'requeue' }
  const retryInMs = nextDelayMs(outcome, tries, retry)
  const maxAgeMs = retry.maxAgeMs ?? Number.POSITIVE_INFINITY
  const tooOld = now + retryInMs - facts.createdAt > maxAgeMs
  if (!isRetryable(outcome) || tries >= retry.attempts || tooOld) return { action: 'failed' }
  return { action: 'retry', at: now + retryInMs, retryInMs }
}
