import { describe, expect, it } from 'vitest'
import {
  formatAgo,
  formatClock,
  formatDateTime,
  formatLatency,
  formatPercent,
  formatSpan,
} from './format.ts'

describe('formatPercent', () => {
  it('shows two decimals, truncated so that almost 100% never reads as 100%', () => {
    expect(formatPercent(0.99996)).toBe('99.99%')
    expect(formatPercent(0.5)).toBe('50.00%')
    expect(formatPercent(2 / 3)).toBe('66.66%')
  })

  it('shows whole values and no data plainly', () => {
    expect(formatPercent(1)).toBe('100%')
    expect(formatPercent(0)).toBe('0%')
    expect(formatPercent(null)).toBe('—')
  })
})

describe('times and durations', () => {
  it('formats latencies in ms below a second', () => {
    expect(formatLatency(87.4)).toBe('87 ms')
    expect(formatLatency(1_240)).toBe('1.24 s')
  })

  it('formats spans coarsely', () => {
    expect(formatSpan(45_000)).toBe('45s')
    expect(formatSpan(12 * 60_000 + 30_000)).toBe('12m')
    expect(formatSpan(3 * 3_600_000 + 5 * 60_000)).toBe('3h 5m')
    expect(formatSpan(3 * 3_600_000 + 20_000)).toBe('3h')
    expect(formatSpan(52 * 3_600_000)).toBe('2d 4h')
    expect(formatSpan(48 * 3_600_000)).toBe('2d')
    expect(formatSpan(-5)).toBe('0s')
  })

  it('formats relative and absolute times in UTC', () => {
    const at = Date.UTC(2026, 0, 1, 12, 34, 56)
    expect(formatAgo(at, at + 500)).toBe('just now')
    expect(formatAgo(at, at + 12_000)).toBe('12s ago')
    expect(formatDateTime(at)).toBe('2026-01-01 12:34:56 UTC')
    expect(formatClock(at)).toBe('12:34')
  })
})
