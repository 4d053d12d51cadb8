import { describe, expect, it } from 'vitest'
import { isRetryable, nextDelayMs, retryDelayMs } from './retry-policy.ts'

describe('retryDelayMs', () => {
  it('doubles with each attempt and keeps at least half of it fixed', () => {
    expect(retryDelayMs(1, 1_000, () => 0)).toBe(500)
    expect(retryDelayMs(1, 1_000, () => 1)).toBe(1_000)
    expect(retryDelayMs(3, 1_000, () => 0)).toBe(2_000)
    expect(retryDelayMs(3, 1_000, () => 0.5)).toBe(3_000)
  })

  it('never waits more than an hour', () => {
    expect(retryDelayMs(30, 1_000, () => 1)).toBe(3_600_000)
  })
})

describe('isRetryable', () => {
  it.each([
    [{ ok: false }, true],
    [{ ok: false, status: 503 }, true],
    [{ ok: false, status: 429 }, true],
    [{ ok: false, status: 400 }, false],
    [{ ok: false, status: 404 }, false],
    [{ ok: false, status: 500, retryable: false }, false],
  ])('%j -> %s', (outcome, retryable) => {
    expect(isRetryable(outcome)).toBe(retryable)
  })
})

describe('nextDelayMs', () => {
  it('honours Retry-After up to an hour', () => {
    const policy = { attempts: 5, baseDelayMs: 1_000 }
    expect(nextDelayMs({ ok: false, status: 429, retryAfterMs: 120_000 }, 1, policy)).toBe(120_000)
    expect(nextDelayMs({ ok: false, status: 429, retryAfterMs: 86_400_000 }, 1, policy)).toBe(
      3_600_000,
    )
  })
})
