import { describe, expect, it } from 'vitest'
import type { HistoryReader, RollupBucket } from '../history/history-types.ts'
import { componentBuckets, DAY_MS, dayStarts, MINUTE_MS, uptimeOf } from './history.ts'
import { RollupHistory } from './rollup-history.ts'
import { ManualClock } from '../../lib/clock.ts'
import { RollupHistory as HistoryReaderImpl } from '../history/history-reader.ts'
import { RollupStore } from '../history/rollup-store.ts'
import { StateRoller } from '../history/state-roller.ts'
import { openDatabase } from '../store/database.ts'

const NOW = Date.UTC(2026, 5, 1, 12)
const empty = {
  up: 0,
  degraded: 0,
  down: 0,
  inconclusive: 0,
  maintenance: 0,
  durationSum: 0,
  durationMax: 0,
}

function bucket(start: number, time: Partial<RollupBucket['time']>, p95?: number): RollupBucket {
  return {
    start,
    end: start + DAY_MS,
    runs: empty,
    time: {
      up: 0,
      degraded: 0,
      partial: 0,
      down: 0,
      insufficient: 0,
      unknown: 0,
      maintenance: 0,
      ...time,
    },
    slices: { valid: 0, bad: 0 },
    latency:
      p95 === undefined
        ? null
        : { count: 10, meanMs: 1, maxMs: 1, p50Ms: 1, p95Ms: p95, p99Ms: p95 },
  }
}

/** A reader over fixed day buckets, as the rollup store answers for the check as a whole. */
function reader(days: Record<string, RollupBucket[]>): HistoryReader {
  return {
    overall: (id, q) => (days[id] ?? []).filter((b) => b.start >= q.from && b.start < q.to),
    regions: () => ({}),
    total: (id) => ({ from: 0, to: 0, overall: days[id]![0]!, regions: {}, edgeGrain: 'day' }),
    firstResultAt: () => null,
    coverage: () => ({ minute: null, hour: null, day: null }),
  }
}

describe('RollupHistory', () => {
  it('reads minutes by quorum verdict from day rollups, leaving unknown time out', () => {
    const day = dayStarts(NOW)[0]!
    const history = new RollupHistory(
      reader({
        api: [
          bucket(
            day,
            {
              up: 1000 * MINUTE_MS,
              degraded: 100 * MINUTE_MS,
              partial: 20 * MINUTE_MS,
              insufficient: 10 * MINUTE_MS,
              down: 30 * MINUTE_MS,
              unknown: 200 * MINUTE_MS,
              maintenance: 80 * MINUTE_MS,
            },
            240,
          ),
        ],
      }),
      () => new Map(),
    )
    const days = history.days(['api'], day, day + DAY_MS)
    expect(days.get('api')).toEqual([
      { start: day, up: 1000, degraded: 130, down: 30, maintenance: 80 },
    ])
    const [bar] = componentBuckets(['api'], days, [day], DAY_MS, () => new Map())
    expect(bar).toMatchObject({ counted: 1160, major: 30, degraded: 130, maintenance: 80 })
    expect(uptimeOf([bar!])).toBe(1 - 30 / 1160)
    expect(history.latencyP95(['api'], day, day + DAY_MS)).toBe(240)
  })
})

describe('RollupHistory on the hub rollups', () => {
  it('shows the minutes the state roller kept, however often the check ran', () => {
    const db = openDatabase(':memory:')
    try {
      const T = Date.UTC(2026, 2, 1)
      const clock = new ManualClock(T)
      const rollups = new RollupStore(db)
      const reader = new HistoryReaderImpl(rollups)
      const roller = new StateRoller({ rollups, clock, maintenance: () => [] })
      roller.setChecks(
        [
          { id: 'fast', tags: [], series: ['eu', 'us'] },
          { id: 'slow', tags: [], series: ['eu', 'us'] },
        ],
        () => ({ status: 'up', regions: { eu: 'passing', us: 'passing' } }),
      )
      // The verdicts change at the same moments whether a check runs every 10 s or 5 min.
      clock.set(T + 10 * 3_600_000)
      for (const id of ['fast', 'slow'])
        roller.change({ checkId: id, series: null, state: 'down', at: clock.now() })
      clock.set(T + 10 * 3_600_000 + 30 * MINUTE_MS)
      for (const id of ['fast', 'slow'])
        roller.change({ checkId: id, series: null, state: 'up', at: clock.now() })
      clock.set(T + 12 * 3_600_000)
      roller.tick()
      const history = new RollupHistory(reader, () => new Map())
      const days = history.days(['fast', 'slow'], T, T + DAY_MS)
      expect(days.get('fast')![0]).toMatchObject({ down: 30 })
      expect(days.get('slow')![0]!.down).toBe(days.get('fast')![0]!.down)
      const [bar] = componentBuckets(['fast'], days, [T], DAY_MS, () => new Map())
      expect(bar!.major).toBe(30)
      expect(uptimeOf([bar!])).toBe(1 - 30 / bar!.counted)
    } finally {
      db.close()
    }
  })
})
