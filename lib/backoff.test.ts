import { describe, expect, it } from 'vitest'
import { Backoff, sleep } from './backoff.ts'

describe('Backoff', () => {
  it('grows exponentially from 2 s and caps at 30 s', () => {
    const upper = new Backoff({ random: () => 0.999999 })
    const delays = Array.from({ length: 8 }, () => upper.next())
    expect(delays.map((d) => Math.round(d / 1000))).toEqual([2, 4, 8, 16, 30, 30, 30, 30])
  })

  it('keeps at least half of the ceiling so a fleet never reconnects at once with zero delay', () => {
    const lower = new Backoff({ random: () => 0 })
    expect([lower.next(), lower.next(), lower.next()]).toEqual([1_000, 2_000, 4_000])
  })

  it('starts over after reset', () => {
    const backoff = new Backoff({ random: () => 0 })
    backoff.next()
    backoff.next()
    backoff.reset()
    expect(backoff.next()).toBe(1_000)
  })
})

describe('sleep', () => {
  it('returns at once when the signal aborts', async () => {
    const controller = new AbortController()
    const waiting = sleep(60_000, controller.signal)
    controller.abort()
    await expect(waiting).resolves.toBeUndefined()
  })
})
