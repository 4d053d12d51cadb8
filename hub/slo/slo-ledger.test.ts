import { describe, expect, it } from 'vitest'
import { LONG_WINDOWS, SHORT_WINDOWS, SloLedger } from './slo-ledger.ts'
import { burnRate, errorBudget } from './slo-math.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const T0 = Date.UTC(2026, 1, 1)

function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

describe('SloLedger', () => {
  it('sums every window as a ratio of sums, equal to a brute-force count over 30 days of random minutes', () => {
    // Outages come in bursts, some minutes are not judged, and a few never reach the
    // ledger at all (gaps, which count as not judged).
    const total = 31 * 24 * 60
    const ledger2 = new SloLedger()
    const random2 = seeded(99)
    const truth: { valid: boolean; bad: boolean }[] = []
    for (let m = 0; m < total; m++) {
      const valid = random2() > 0.02
      const bad = valid && (random2() < 0.004 || (m % 5_000 > 4_980 && random2() < 0.9))
      const gap = random2() < 0.001
      truth.push(gap ? { valid: false, bad: false } : { valid, bad })
      if (!gap) {
        ledger2.add('api', T0 + m * MIN, { valid, bad })
      }
    }
    const now = T0 + total * MIN + 17_000
    const brute = (from: number, to: number) => {
      let valid = 0
      let bad = 0
      for (let m = Math.max(0, from); m < to; m++) {
        if (truth[m]!.valid) valid += 1
        if (truth[m]!.bad) bad += 1
      }
      return { valid, bad }
    }
    for (const length of SHORT_WINDOWS) {
      const got = ledger2.minutes('api', length, now)
      const want = brute(total - (length - 1), total)
      expect(got).toEqual(want)
      expect(Math.abs(burnRate(got, 99.9) - burnRate(want, 99.9))).toBeLessThan(1e-9)
    }
    const hourNow = Math.floor(now / HOUR)
    for (const hours of LONG_WINDOWS) {
      const fromMinute = (hourNow - hours) * 60 - T0 / MIN
      const got = ledger2.hours('api', hours, now)
      const want = brute(fromMinute, total)
      expect(got).toEqual(want)
      const a = errorBudget(got, 99.9)
      const b = errorBudget(want, 99.9)
      expect(Math.abs(a.remainingShare - b.remainingShare)).toBeLessThan(1e-9)
      // A ratio of sums, not an average of daily ratios.
      expect(a.consumedShare).toBeCloseTo(want.bad / (0.001 * want.valid), 9)
    }
    expect([...ledger2.keys()]).toEqual(['api'])
  })

  it('carries over a restart from hour and minute slices loaded in order', () => {
    const ledger = new SloLedger()
    for (let h = 0; h < 10 * 24; h++)
      ledger.addHour('api', T0 + h * HOUR, { valid: 60, bad: h === 5 ? 3 : 0 })
    const now = T0 + 10 * 24 * HOUR + 30 * MIN
    for (let m = 0; m < 30; m++)
      ledger.add('api', T0 + 10 * 24 * HOUR + m * MIN, { valid: true, bad: m === 2 })
    ledger.settle('api', now)
    expect(ledger.hours('api', 7 * 24, now)).toEqual({ valid: 7 * 24 * 60 + 30, bad: 1 })
    expect(ledger.hours('api', 30 * 24, now)).toEqual({ valid: 10 * 24 * 60 + 30, bad: 4 })
    expect(ledger.minutes('api', 30, now)).toEqual({ valid: 29, bad: 1 })
    // Later minutes keep counting; an hour later the open hour has moved on.
    for (let m = 30; m < 90; m++)
      ledger.add('api', T0 + 10 * 24 * HOUR + m * MIN, { valid: true, bad: false })
    expect(ledger.hours('api', 30 * 24, now + HOUR)).toEqual({ valid: 10 * 24 * 60 + 90, bad: 4 })
    expect(() => ledger.minutes('api', 7, now)).toThrow(/no running sum for a 7-minute window/)
  })
})
