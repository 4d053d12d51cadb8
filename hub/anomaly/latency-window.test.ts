import { describe, expect, it } from 'vitest'
import { addToWindow, baselineMedian, newLatencyWindow, percentileOf } from './latency-window.ts'

const HOUR = 3_600_000
const WEEK = 7 * 24 * HOUR
const T0 = Date.UTC(2026, 0, 5)

describe('the latency window', () => {
  it('keeps the last runs and reads percentiles from them', () => {
    const window = newLatencyWindow()
    for (let i = 1; i <= 30; i++) addToWindow(window, T0 + i * 60_000, i * 10, 20, null)
    expect(window.recent).toHaveLength(20)
    expect(percentileOf(window, 50)).toBe(205)
    expect(percentileOf(window, 95)).toBeCloseTo(290.5)
  })

  it('knows the baseline median once a fourteenth of the period is covered', () => {
    const window = newLatencyWindow()
    let at = T0
    const minutes = (hours: number, ms: number) => {
      for (let i = 0; i < hours * 60; i++) addToWindow(window, (at += 60_000), ms, 20, WEEK)
    }
    minutes(11, 100)
    expect(baselineMedian(window, WEEK, at)).toBeNull()
    minutes(2, 100)
    expect(baselineMedian(window, WEEK, at)).toBe(100)
    minutes(10, 300)
    expect(baselineMedian(window, WEEK, at)).toBe(100)
    minutes(6, 300)
    expect(baselineMedian(window, WEEK, at)).toBe(300)
  })

  it('forgets buckets older than the period, and starts over when the period changes', () => {
    const window = newLatencyWindow()
    for (let h = 0; h < 24 * 8; h++) addToWindow(window, T0 + h * HOUR, 100, 20, WEEK)
    expect(window.buckets.length).toBeLessThanOrEqual(169)
    expect(window.buckets[0]![0]).toBeGreaterThanOrEqual(T0 + 24 * 8 * HOUR - WEEK - HOUR)
    addToWindow(window, T0 + 24 * 8 * HOUR, 100, 20, 24 * HOUR)
    expect(window.buckets).toEqual([])
  })
})
