import { describe, expect, it } from 'vitest'
import { openSliceOf, sliceOf } from './minute-slice.ts'

const MIN = 60_000

/** State time of a minute: up, degraded, partial, down, insufficient, unknown, maintenance. */
const minute = (up: number, down: number, other = 0, maintenance = 0) => [
  up,
  0,
  0,
  down,
  other,
  0,
  maintenance,
]

/** Bad minutes a DOWN span of `length` ms starting at `start` costs. */
function badMinutes(start: number, length: number): number {
  let bad = 0
  for (let m = Math.floor(start / MIN) * MIN; m < start + length; m += MIN) {
    const down = Math.max(0, Math.min(start + length, m + MIN) - Math.max(start, m))
    if (sliceOf(minute(MIN - down, down)).bad) bad += 1
  }
  return bad
}

describe('sliceOf', () => {
  it('is bad when DOWN covers at least half of the judged time, valid with any', () => {
    expect(sliceOf(minute(30_000, 30_000))).toEqual({ valid: true, bad: true })
    expect(sliceOf(minute(30_001, 29_999))).toEqual({ valid: true, bad: false })
    // Insufficient and maintenance time are not judged: 10 s of DOWN in 15 s judged is bad.
    expect(sliceOf(minute(5_000, 10_000, 20_000, 25_000))).toEqual({ valid: true, bad: true })
    expect(sliceOf(minute(0, 0, 30_000, 30_000))).toEqual({ valid: false, bad: false })
  })

  it('charges a 60 s DOWN span one bad minute wherever it falls, and longer spans their length on average', () => {
    for (let start = 0; start < MIN; start += 1_000) {
      // 30 s into a minute the span covers exactly half of two minutes: both are bad.
      expect(badMinutes(start, MIN)).toBe(start === 30_000 ? 2 : 1)
    }
    for (const length of [45_000, 90_000, 150_000]) {
      let total = 0
      for (let start = 0; start < MIN; start += 100) total += badMinutes(start, length)
      expect(total / (MIN / 100)).toBeCloseTo(length / MIN, 1)
    }
    // Shorter than half a minute costs nothing: the price of not charging alignment.
    for (let start = 0; start < MIN; start += 1_000) expect(badMinutes(start, 29_000)).toBe(0)
  })
})

describe('openSliceOf', () => {
  it('is bad only once the minute must close bad, and sliceOf once it has closed', () => {
    expect(openSliceOf(minute(10_000, 29_000), 21_000)).toEqual({ valid: true, bad: false })
    expect(openSliceOf(minute(10_000, 30_000), 20_000)).toEqual({ valid: true, bad: true })
    expect(openSliceOf(minute(0, 0, 5_000), 55_000)).toEqual({ valid: false, bad: false })
    for (const time of [minute(40_000, 20_000), minute(20_000, 40_000), minute(0, 0, MIN)]) {
      expect(openSliceOf(time, 0)).toEqual(sliceOf(time))
    }
  })
})
