import { describe, expect, it } from 'vitest'
import { latencyWindowSchema } from '../../checks/specs/latency-window.ts'
import { judgeLimits, longestBaselineMs } from './latency-limits.ts'
import { addToWindow, newLatencyWindow } from './latency-window.ts'

const T0 = Date.UTC(2026, 0, 5)
const DAY = 86_400_000

function windowOf(history: number, recent: number[], baselineMs: number | null) {
  const window = newLatencyWindow()
  let at = T0
  for (let i = 0; i < 2 * 24 * 60; i++) addToWindow(window, (at += 60_000), history, 20, baselineMs)
  for (const ms of recent) addToWindow(window, (at += 60_000), ms, 20, baselineMs)
  return { window, at }
}

describe('latency limits', () => {
  it('says how far p50 is above its baseline median', () => {
    const limits = latencyWindowSchema.parse({ p50: { above: '2x', baseline: '7d' } })
    expect(longestBaselineMs(limits)).toBe(7 * DAY)
    const { window, at } = windowOf(180, Array(20).fill(412), longestBaselineMs(limits))
    expect(judgeLimits(limits, window, at)).toEqual({
      reasons: ['p50 412 ms, 2.3× its 7-day median (180 ms)'],
      p50Ms: 412,
      medianMs: 180,
    })
  })

  it('says when p95 is above a fixed time, and nothing below it', () => {
    const limits = latencyWindowSchema.parse({ p95: { above: '1.5s' } })
    const slow = windowOf(100, [...Array(18).fill(200), 1700, 1800], null)
    expect(judgeLimits(limits, slow.window, slow.at).reasons).toEqual(['p95 1.71 s, above 1.50 s'])
    const fine = windowOf(100, Array(20).fill(200), null)
    expect(judgeLimits(limits, fine.window, fine.at).reasons).toEqual([])
  })

  it('waits for a full window of runs', () => {
    const limits = latencyWindowSchema.parse({ p95: { above: '1s' } })
    const window = newLatencyWindow()
    for (let i = 0; i < 19; i++) addToWindow(window, T0 + i, 5000, 20, null)
    expect(judgeLimits(limits, window, T0 + 19).reasons).toEqual([])
  })
})
