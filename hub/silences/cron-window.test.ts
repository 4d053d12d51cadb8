import { describe, expect, it } from 'vitest'
import {
  covers,
  cronProblem,
  currentWindow,
  nextStart,
  parseCron,
  windowsBetween,
} from './cron-window.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi)
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())

/** The next `count` fire times after `from`, as ISO text. */
function fires(cron: string, from: number, count: number): string[] {
  const times: string[] = []
  let t = from
  for (let i = 0; i < count; i++) {
    t = nextStart(cron, t)!
    times.push(iso(t)!)
  }
  return times
}

describe('parseCron', () => {
  it('names the field and the range of a value out of range', () => {
    expect(() => parseCron('61 * * * *')).toThrow('minute field "61" is out of range 0-59')
    expect(() => parseCron('0 24 * * *')).toThrow('hour field "24" is out of range 0-23')
    expect(() => parseCron('0 0 0 * *')).toThrow('day-of-month field "0" is out of range 1-31')
    expect(() => parseCron('0 0 * 13 *')).toThrow('month field "13" is out of range 1-12')
    expect(() => parseCron('0 0 * * 8')).toThrow('day-of-week field "8" is out of range 0-7')
  })

  it('rejects a wrong field count, bad steps, backwards ranges and junk', () => {
    expect(() => parseCron('0 2 * *')).toThrow('has 4 fields; cron needs five')
    expect(() => parseCron('')).toThrow('has 0 fields')
    expect(() => parseCron('*/0 * * * *')).toThrow('minute field "*/0" has step "0"')
    expect(() => parseCron('5-1 * * * *')).toThrow('minute field "5-1" runs backwards')
    expect(() => parseCron('0 0 L * *')).toThrow('day-of-month field "L" is not a number')
    expect(() => parseCron('1,,2 * * * *')).toThrow(
      'minute field "" is not a number, range or step',
    )
  })

  it('rejects an expression that never fires', () => {
    expect(() => parseCron('0 0 30 2 *')).toThrow('never fires')
  })

  it('reports problems as text for validation', () => {
    expect(cronProblem('0 2 * * 0')).toBeUndefined()
    expect(cronProblem('0 2 * * 9')).toBe('day-of-week field "9" is out of range 0-7')
  })
})

describe('nextStart', () => {
  const SUNDAY = at(2026, 1, 4) // 2026-01-04 is a Sunday

  it('steps through lists, ranges and steps', () => {
    expect(fires('*/15 * * * *', at(2026, 1, 1, 10, 7), 3)).toEqual([
      '2026-01-01T10:15:00.000Z',
      '2026-01-01T10:30:00.000Z',
      '2026-01-01T10:45:00.000Z',
    ])
    expect(fires('10-30/10 8,20 * * *', at(2026, 1, 1), 4)).toEqual([
      '2026-01-01T08:10:00.000Z',
      '2026-01-01T08:20:00.000Z',
      '2026-01-01T08:30:00.000Z',
      '2026-01-01T20:10:00.000Z',
    ])
    expect(fires('5/20 0 * * *', at(2026, 1, 1), 3)).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:25:00.000Z',
      '2026-01-01T00:45:00.000Z',
    ])
  })

  it('is strictly after the given instant', () => {
    expect(iso(nextStart('0 2 * * *', at(2026, 1, 1, 2)))).toBe('2026-01-02T02:00:00.000Z')
    expect(iso(nextStart('0 2 * * *', at(2026, 1, 1, 1, 59) + 30_000))).toBe(
      '2026-01-01T02:00:00.000Z',
    )
  })

  it('takes 0 and 7 for Sunday, and weekday and month names', () => {
    expect(iso(nextStart('0 2 * * 0', at(2026, 1, 1)))).toBe(iso(SUNDAY + 2 * HOUR))
    expect(iso(nextStart('0 2 * * 7', at(2026, 1, 1)))).toBe(iso(SUNDAY + 2 * HOUR))
    expect(iso(nextStart('0 2 * * SUN', at(2026, 1, 1)))).toBe(iso(SUNDAY + 2 * HOUR))
    expect(fires('0 0 * * 5-7', at(2026, 1, 1), 4)).toEqual([
      '2026-01-02T00:00:00.000Z', // Friday
      '2026-01-03T00:00:00.000Z',
      '2026-01-04T00:00:00.000Z', // Sunday, as 7
      '2026-01-09T00:00:00.000Z',
    ])
    expect(iso(nextStart('0 0 1 mar *', at(2026, 1, 1)))).toBe('2026-03-01T00:00:00.000Z')
  })

  it('fires on either day field when both are restricted (Vixie cron)', () => {
    // the 13th, or any Friday
    expect(fires('0 0 13 * 5', at(2026, 1, 1), 4)).toEqual([
      '2026-01-02T00:00:00.000Z', // Friday
      '2026-01-09T00:00:00.000Z', // Friday
      '2026-01-13T00:00:00.000Z', // Tuesday the 13th
      '2026-01-16T00:00:00.000Z',
    ])
  })

  it('needs both day fields when one starts with *', () => {
    // odd days that are Fridays: Vixie treats */2 as unrestricted
    expect(fires('0 0 */2 * 5', at(2026, 1, 1), 2)).toEqual([
      '2026-01-09T00:00:00.000Z',
      '2026-01-23T00:00:00.000Z',
    ])
  })

  it('skips months without the day, and finds the next leap day', () => {
    expect(fires('0 12 31 * *', at(2026, 1, 31, 13), 2)).toEqual([
      '2026-03-31T12:00:00.000Z',
      '2026-05-31T12:00:00.000Z',
    ])
    expect(iso(nextStart('0 0 29 2 *', at(2026, 1, 1)))).toBe('2028-02-29T00:00:00.000Z')
  })

  it('crosses the end of a year', () => {
    expect(iso(nextStart('30 23 31 12 *', at(2026, 12, 31, 23, 30)))).toBe(
      '2027-12-31T23:30:00.000Z',
    )
  })
})

describe('currentWindow', () => {
  const weekly = '0 2 * * 0' // Sundays 02:00 UTC

  it('covers [fire, fire + duration), end exclusive', () => {
    const start = at(2026, 1, 4, 2)
    expect(currentWindow(weekly, HOUR, start)).toEqual({ start, end: start + HOUR })
    expect(currentWindow(weekly, HOUR, start + HOUR - 1)).toEqual({ start, end: start + HOUR })
    expect(currentWindow(weekly, HOUR, start + HOUR)).toBeNull()
    expect(currentWindow(weekly, HOUR, start - 1)).toBeNull()
    expect(covers(weekly, HOUR, start + 30 * MIN)).toBe(true)
  })

  it('answers the same whether asked in order, out of order or again (memo)', () => {
    const start = at(2026, 1, 4, 2)
    const times = [0, 10, 59, 60, 61, 30, -1, 45, 60, 10].map((m) => start + m * MIN)
    const answers = times.map((t) => covers(weekly, HOUR, t))
    expect(answers).toEqual([true, true, true, false, false, true, false, true, false, true])
  })

  it('covers a window that crosses midnight and a month end', () => {
    // 23:30 on the last day of January, for two hours
    const cron = '30 23 31 1 *'
    const start = at(2026, 1, 31, 23, 30)
    expect(currentWindow(cron, 2 * HOUR, at(2026, 2, 1, 1, 0))).toEqual({
      start,
      end: start + 2 * HOUR,
    })
    expect(covers(cron, 2 * HOUR, at(2026, 2, 1, 1, 30))).toBe(false)
  })

  it('gives the latest of overlapping windows', () => {
    // every 15 minutes for an hour: always covered, by the latest fire
    const t = at(2026, 1, 1, 10, 20)
    expect(currentWindow('*/15 * * * *', HOUR, t)).toEqual({
      start: at(2026, 1, 1, 10, 15),
      end: at(2026, 1, 1, 11, 15),
    })
  })

  it('handles durations that are not whole minutes', () => {
    const start = at(2026, 1, 4, 2)
    expect(covers(weekly, 90_000, start + 89_999)).toBe(true)
    expect(covers(weekly, 90_000, start + 90_000)).toBe(false)
  })

  it('is null for a zero duration', () => {
    expect(currentWindow(weekly, 0, at(2026, 1, 4, 2))).toBeNull()
  })
})

describe('windowsBetween', () => {
  it('lists windows in a span, clipped and merged', () => {
    const day = '0 2 * * *'
    expect(windowsBetween(day, HOUR, at(2026, 1, 1, 2, 30), at(2026, 1, 3))).toEqual([
      { start: at(2026, 1, 1, 2, 30), end: at(2026, 1, 1, 3) },
      { start: at(2026, 1, 2, 2), end: at(2026, 1, 2, 3) },
    ])
    expect(windowsBetween('*/15 * * * *', 20 * MIN, at(2026, 1, 1), at(2026, 1, 1, 1))).toEqual([
      { start: at(2026, 1, 1), end: at(2026, 1, 1, 1) },
    ])
    expect(windowsBetween(day, HOUR, at(2026, 1, 1, 3), at(2026, 1, 2, 2))).toEqual([])
  })
})
