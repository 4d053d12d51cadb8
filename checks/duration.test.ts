import { describe, expect, it } from 'vitest'
import { formatDuration, isDuration, parseDuration } from './duration.ts'

describe('isDuration', () => {
  it('accepts single and compound durations', () => {
    for (const text of ['250ms', '30s', '5m', '1h', '1d', '1h30m', '1m30s', '1.5s', ' 5m ']) {
      expect(isDuration(text), text).toBe(true)
    }
  })

  it('rejects anything else', () => {
    for (const text of ['', '5', 'ms', '7x', '-5s', '1m30', '5 m', '1.5.5s', '1w', 's5']) {
      expect(isDuration(text), JSON.stringify(text)).toBe(false)
    }
  })
})

describe('parseDuration', () => {
  it('converts to milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration('1d')).toBe(86_400_000)
  })

  it('adds up compound durations and fractions', () => {
    expect(parseDuration('1m30s')).toBe(90_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('1.5s')).toBe(1_500)
    expect(parseDuration('1s500ms')).toBe(1_500)
  })

  it('ignores surrounding white space', () => {
    expect(parseDuration(' 5m ')).toBe(300_000)
  })

  it('rounds to whole milliseconds', () => {
    expect(parseDuration('0.0004s')).toBe(0)
    expect(parseDuration('1.0006s')).toBe(1_001)
  })

  it('throws an error that says what to write', () => {
    expect(() => parseDuration('7x')).toThrow('"7x" is not a duration (use e.g. 30s, 5m, 1h)')
  })
})

describe('formatDuration', () => {
  it('prints milliseconds below a second', () => {
    expect(formatDuration(0)).toBe('0ms')
    expect(formatDuration(250.4)).toBe('250ms')
  })

  it('prints the largest units first, skipping empty ones', () => {
    expect(formatDuration(90_000)).toBe('1m30s')
    expect(formatDuration(3_600_000)).toBe('1h')
    expect(formatDuration(86_400_000 * 2 + 5_000)).toBe('2d5s')
  })

  it('rounds to whole seconds from one second up', () => {
    expect(formatDuration(1_499)).toBe('1s')
    expect(formatDuration(999.6)).toBe('1s')
  })

  it('round-trips through parseDuration for whole seconds', () => {
    for (const ms of [1_000, 61_000, 3_661_000, 90_061_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  })
})
