import { describe, expect, it } from 'vitest'
import {
  componentBuckets,
  DAY_MS,
  dayStarts,
  formatUptime,
  MINUTE_MS,
  uptimeOf,
  weightedOutage,
  type Span,
} from './history.ts'
import { OutageHistory } from './outage-history.ts'
import { dayBar } from './day-bar.ts'

const T0 = Date.UTC(2026, 2, 1)
const NOW = T0 + 90 * DAY_MS + 10 * 3_600_000

/** Outages as the incident store keeps them, for a check run every `everyMs`. */
function historyWith(
  outages: Record<string, Array<[number, number]>>,
  maintenance: Array<[number, number]> = [],
  firstResultAt = T0 - DAY_MS,
) {
  return new OutageHistory({
    outages: (checkId, from, to) =>
      (outages[checkId] ?? [])
        .filter(([s, e]) => s < to && e > from)
        .map(([startedAt, endedAt]) => ({ incidentId: 'x', checkId, startedAt, endedAt })),
    maintenanceWindows: (_check, from, to) =>
      maintenance.filter(([s, e]) => s < to && e > from).map(([f, t]) => ({ from: f, to: t })),
    firstResultAt: () => firstResultAt,
    tagsOf: () => [],
    now: () => NOW,
  })
}

function bars(history: OutageHistory, ids: string[]) {
  const starts = dayStarts(NOW)
  const days = history.days(ids, starts[0]!, starts.at(-1)! + DAY_MS)
  return componentBuckets(ids, days, starts, DAY_MS, (lo, hi) => history.downSpans(ids, lo, hi))
}

describe('component history', () => {
  it('makes 90 bars whose minutes add up exactly to the 90-day uptime', () => {
    const day10 = dayStarts(NOW)[10]!
    const history = historyWith(
      {
        api: [
          [day10 + 3_600_000, day10 + 3_600_000 + 11 * MINUTE_MS],
          // An outage across midnight is split between the two days.
          [day10 + DAY_MS - 5 * MINUTE_MS, day10 + DAY_MS + 7 * MINUTE_MS],
        ],
        web: [[day10 + 3_600_000 + 5 * MINUTE_MS, day10 + 3_600_000 + 20 * MINUTE_MS]],
      },
      [[day10 + 2 * 3_600_000, day10 + 4 * 3_600_000]],
    )
    const buckets = bars(history, ['api', 'web'])
    expect(buckets).toHaveLength(90)
    // api down 60:00-60:11, web down 60:05-60:20: all down 6 min, some down 14 min.
    expect(buckets[10]).toMatchObject({ major: 6 + 0, partial: 14 + 5 })
    expect(buckets[11]).toMatchObject({ major: 0, partial: 7 })
    expect(buckets[10]!.maintenance).toBe(120)

    const lost = buckets.reduce((sum, b) => sum + weightedOutage(b), 0)
    const counted = buckets.reduce((sum, b) => sum + b.counted, 0)
    expect(uptimeOf(buckets)).toBe(1 - lost / counted)
    // What the tooltips say adds up to the same figure.
    const labels = buckets.map(dayBar)
    const fromLabels = labels.reduce((sum, b) => {
      const major = Number(/(\d+) min major/.exec(b.label)?.[1] ?? 0)
      const partial = Number(/(\d+) min partial/.exec(b.label)?.[1] ?? 0)
      return sum + major + 0.3 * partial
    }, 0)
    expect(fromLabels).toBeCloseTo(lost, 9)
    expect(labels[10]!.label).toMatch(
      /^\d+ \w{3}: 99\.\d\d %, 6 min major outage, 19 min partial outage, 120 min maintenance$/,
    )
  })

  it('counts the same minutes whatever the check interval', () => {
    // The hub records when the quorum confirmed DOWN and when it recovered: a check run
    // every 10 s and one run every 5 min down over the same span give the same bars.
    const day = dayStarts(NOW)[50]!
    const spans: Record<string, Array<[number, number]>> = {
      fast: [[day + 100 * MINUTE_MS + 10_000, day + 130 * MINUTE_MS + 20_000]],
      slow: [[day + 100 * MINUTE_MS, day + 130 * MINUTE_MS]],
    }
    const history = historyWith(spans)
    const fast = bars(history, ['fast'])
    const slow = bars(history, ['slow'])
    expect(fast[50]!.major).toBe(31)
    expect(slow[50]!.major).toBe(30)
    expect(formatUptime(uptimeOf(fast))).toBe(formatUptime(uptimeOf(slow)))
  })

  it('never rounds a lost minute up to 100 %', () => {
    expect(formatUptime(1 - 1 / 129_600)).toBe('99.99 %')
    expect(formatUptime(1)).toBe('100.00 %')
    expect(formatUptime(null)).toBe('no data')
  })

  it('leaves maintenance out and counts nothing before the first result', () => {
    const history = historyWith({}, [], NOW - 2 * DAY_MS)
    const buckets = bars(history, ['api'])
    expect(buckets.slice(0, 87).every((b) => b.counted === 0)).toBe(true)
    expect(dayBar(buckets[0]!).label).toMatch(/no data$/)
    expect(uptimeOf(buckets)).toBe(1)
  })

  it('counts one check down of two as a partial outage, without reading spans', () => {
    const spansRead: Span[][] = []
    const day = dayStarts(NOW)[3]!
    const rows = (down: number) => [
      { start: day, up: 1440 - down, degraded: 0, down, maintenance: 0 },
    ]
    const out = componentBuckets(
      ['a', 'b'],
      new Map([
        ['a', rows(30)],
        ['b', rows(0)],
      ]),
      [day],
      DAY_MS,
      () => {
        spansRead.push([])
        return new Map()
      },
    )
    expect(out[0]).toMatchObject({ major: 0, partial: 30, counted: 1440 })
    expect(spansRead).toHaveLength(0)
  })
})
