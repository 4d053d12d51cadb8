import { describe, expect, it } from 'vitest'
import { growthPerHour, predictFull, UsageHistory } from './disk-trend.ts'

const HOUR = 3_600_000
const GB = 1e9

describe('growthPerHour', () => {
  it('is the least-squares slope, so one spike moves it little', () => {
    const steady = [0, 1, 2, 3].map((h) => ({ at: h * HOUR, usedBytes: 10 * GB + h * GB }))
    expect(growthPerHour(steady)).toBeCloseTo(GB)
    const spiked = steady.map((s, i) => (i === 1 ? { ...s, usedBytes: s.usedBytes + GB } : s))
    expect(growthPerHour(spiked)).toBeCloseTo(0.9 * GB)
  })

  it('needs two distinct times', () => {
    expect(growthPerHour([{ at: 0, usedBytes: 1 }])).toBeUndefined()
    expect(
      growthPerHour([
        { at: 5, usedBytes: 1 },
        { at: 5, usedBytes: 2 },
      ]),
    ).toBeUndefined()
  })
})

describe('predictFull', () => {
  const window = 4 * HOUR
  it('waits until the samples span a quarter of the window', () => {
    const samples = [
      { at: 0, usedBytes: 0 },
      { at: 0.5 * HOUR, usedBytes: GB },
    ]
    expect(predictFull(samples, 10 * GB, window)).toEqual({ kind: 'learning', needMs: 0.5 * HOUR })
  })

  it('extrapolates the growth to the free space', () => {
    const samples = [
      { at: 0, usedBytes: 0 },
      { at: HOUR, usedBytes: 2 * GB },
    ]
    expect(predictFull(samples, 10 * GB, window)).toEqual({
      kind: 'full-in',
      hours: 5,
      bytesPerHour: 2 * GB,
    })
  })

  it('says so when usage is flat or shrinking', () => {
    const samples = [
      { at: 0, usedBytes: 2 * GB },
      { at: HOUR, usedBytes: GB },
    ]
    expect(predictFull(samples, 10 * GB, window)).toMatchObject({ kind: 'not-growing' })
  })
})

describe('UsageHistory', () => {
  it('keeps the samples of the window per key', () => {
    const history = new UsageHistory()
    history.add('a', { at: 0, usedBytes: 1 }, 2 * HOUR)
    history.add('b', { at: 0, usedBytes: 9 }, 2 * HOUR)
    history.add('a', { at: HOUR, usedBytes: 2 }, 2 * HOUR)
    expect(history.add('a', { at: 2.5 * HOUR, usedBytes: 3 }, 2 * HOUR)).toEqual([
      { at: HOUR, usedBytes: 2 },
      { at: 2.5 * HOUR, usedBytes: 3 },
    ])
  })

  it('starts over when the clock steps back', () => {
    const history = new UsageHistory()
    history.add('a', { at: 10 * HOUR, usedBytes: 1 }, 6 * HOUR)
    expect(history.add('a', { at: 9 * HOUR, usedBytes: 2 }, 6 * HOUR)).toEqual([
      { at: 9 * HOUR, usedBytes: 2 },
    ])
  })
})
