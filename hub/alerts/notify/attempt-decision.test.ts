import { describe, expect, it } from 'vitest'
import { decideAfterAttempt, type AttemptFacts } from './attempt-decision.ts'

const HOUR = 3_600_000
const facts = (overrides: Partial<AttemptFacts> = {}): AttemptFacts => ({
  outcome: { ok: false, status: 503, error: 'HTTP 503' },
  tries: 1,
  createdAt: 0,
  now: 1_000,
  stopping: false,
  retry: { attempts: 5, baseDelayMs: 1_000, maxAgeMs: 24 * HOUR },
  ...overrides,
})

describe('decideAfterAttempt', () => {
  it('finishes a delivered notification', () => {
    expect(decideAfterAttempt(facts({ outcome: { ok: true, status: 200 } }))).toEqual({
      action: 'delivered',
    })
  })

  it('retries a 5xx after the backoff, and a 429 after what the receiver asked', () => {
    const backoff = decideAfterAttempt(facts())
    expect(backoff.action).toBe('retry')
    expect(backoff.action === 'retry' && backoff.retryInMs).toBeGreaterThanOrEqual(500)
    expect(backoff.action === 'retry' && backoff.retryInMs).toBeLessThanOrEqual(1_000)
    const asked = decideAfterAttempt(
      facts({ outcome: { ok: false, status: 429, retryAfterMs: 7_000, error: 'HTTP 429' } }),
    )
    expect(asked).toEqual({ action: 'retry', at: 8_000, retryInMs: 7_000 })
  })

  it('fails what will not change on a retry: a 4xx, or a channel that says so', () => {
    expect(
      decideAfterAttempt(facts({ outcome: { ok: false, status: 400, error: 'bad' } })),
    ).toEqual({
      action: 'failed',
    })
    expect(
      decideAfterAttempt(facts({ outcome: { ok: false, retryable: false, error: 'auth' } })),
    ).toEqual({ action: 'failed' })
  })

  it('fails once the tries are used up', () => {
    expect(decideAfterAttempt(facts({ tries: 5 }))).toEqual({ action: 'failed' })
  })

  it('fails when the retry would come after the maximum age', () => {
    const late = facts({
      outcome: { ok: false, status: 429, retryAfterMs: HOUR, error: 'HTTP 429' },
      now: 23.5 * HOUR,
    })
    expect(decideAfterAttempt(late)).toEqual({ action: 'failed' })
  })

  it('leaves the notification queued when the hub is stopping', () => {
    expect(decideAfterAttempt(facts({ stopping: true }))).toEqual({ action: 'requeue' })
  })
})
