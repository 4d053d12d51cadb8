import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { openDatabase, type Database } from './database.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { ResultStore } from './result-store.ts'
import { emptyCounts } from './status-counts.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

let db: Database
let store: ResultStore

beforeEach(() => {
  db = openDatabase(':memory:')
  store = new ResultStore(db)
})

afterEach(() => db.close())

/** One result per minute and region for `minutes` minutes, down every `downEvery`-th. */
function series(checkId: string, regions: string[], minutes: number, downEvery = 0): CheckResult[] {
  const results: CheckResult[] = []
  for (let m = 0; m < minutes; m++) {
    for (const region of regions) {
      const down = downEvery > 0 && m % downEvery === downEvery - 1
      results.push(
        makeResult({
          checkId,
          region,
          scheduledAt: T0 + m * MIN + 1_000,
          status: down ? 'down' : 'up',
          durationMs: 100 + m,
          ...(down ? { error: { code: 'TIMEOUT', message: 'no answer in 10s' } } : {}),
        }),
      )
    }
  }
  return results
}

describe('insert', () => {
  it('stores a batch delivered twice exactly once, and rollups match raw rows', () => {
    const batch = series('api', ['eu-west', 'us-east'], 30, 4)

    const first = store.insert(batch)
    const second = store.insert(batch)

    expect(first).toHaveLength(60)
    expect(second).toEqual([])
    expect(store.countRaw('api')).toBe(60)
    expect(store.countRollup('api')).toBe(60)
    expect(store.countRaw()).toBe(store.countRollup())
  })

  it('skips duplicates inside one batch and inside a partly new batch', () => {
    const [a, b, c] = series('api', ['eu-west'], 3)
    expect(store.insert([a!, a!, b!]).map((r) => r.id)).toEqual([a!.id, b!.id])

    const fresh = store.insert([b!, c!, a!])

    expect(fresh.map((r) => r.id)).toEqual([c!.id])
    expect(store.countRaw()).toBe(3)
    expect(store.countRollup()).toBe(3)
  })

  it('returns [] for an empty batch', () => {
    expect(store.insert([])).toEqual([])
  })

  it('puts a late result into the minute it was scheduled in, not the minute it arrived', () => {
    store.insert(series('api', ['eu-west'], 10))
    const late = makeResult({
      checkId: 'api',
      region: 'eu-west',
      scheduledAt: T0 + 3 * MIN + 30_000,
      status: 'down',
      durationMs: 900,
    })

    store.insert([late])

    const minutes = store.buckets('api', T0, T0 + 10 * MIN, MIN)
    expect(minutes[3]).toMatchObject({ start: T0 + 3 * MIN, up: 1, down: 1, durationMax: 900 })
    expect(minutes.filter((m) => m.down > 0)).toHaveLength(1)
  })

  it('rolls up counts per status and durations of conclusive runs only', () => {
    const at = T0 + 5_000
    store.insert([
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        scheduledAt: at,
        status: 'up',
        durationMs: 100,
      }),
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        scheduledAt: at + 1,
        status: 'degraded',
        durationMs: 800,
      }),
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        scheduledAt: at + 2,
        status: 'down',
        durationMs: 300,
      }),
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        scheduledAt: at + 3,
        status: 'inconclusive',
        durationMs: 5_000,
      }),
    ])

    expect(store.regionCounts('api', T0, T0 + MIN)).toEqual({
      'eu-west': {
        up: 1,
        degraded: 1,
        down: 1,
        inconclusive: 1,
        maintenance: 0,
        durationSum: 1_200,
        durationMax: 800,
      },
    })
  })

  it('rolls a whole batch back when one result breaks a constraint', () => {
    const good = makeResult({ checkId: 'api', region: 'eu-west', scheduledAt: T0 })
    const bad = {
      ...makeResult({ checkId: 'api', region: 'eu-west', scheduledAt: T0 }),
      status: 'sideways',
    }

    expect(() => store.insert([good, bad as CheckResult])).toThrow(/unknown status "sideways"/)
    expect(store.countRaw()).toBe(0)
    expect(store.countRollup()).toBe(0)
  })
})

describe('queries', () => {
  it('latestPerRegion returns the newest result of each region, even after a late delivery', () => {
    const results = series('api', ['eu-west', 'us-east'], 5)
    store.insert(results)
    store.insert([
      makeResult({ checkId: 'api', region: 'eu-west', scheduledAt: T0 - 10 * MIN, status: 'down' }),
    ])

    const latest = store.latestPerRegion('api')

    expect(Object.keys(latest).sort()).toEqual(['eu-west', 'us-east'])
    expect(latest['eu-west']).toEqual(results.at(-2))
    expect(latest['us-east']).toEqual(results.at(-1))
    expect(store.latestPerRegion('nope')).toEqual({})
  })

  it('recent returns results newest first, optionally for one region', () => {
    store.insert(series('api', ['eu-west', 'us-east'], 5))
    store.insert(series('other', ['eu-west'], 5))

    const recent = store.recent('api', 3)
    const inRegion = store.recent('api', 10, 'us-east')

    expect(recent.map((r) => r.scheduledAt)).toEqual([
      T0 + 4 * MIN + 1_000,
      T0 + 4 * MIN + 1_000,
      T0 + 3 * MIN + 1_000,
    ])
    expect(recent.every((r) => r.checkId === 'api')).toBe(true)
    expect(inRegion).toHaveLength(5)
    expect(inRegion.every((r) => r.region === 'us-east')).toBe(true)
    expect(inRegion[0]!.scheduledAt).toBeGreaterThan(inRegion[4]!.scheduledAt)
  })

  it('recent keeps the full result, with error, phases and assertions', () => {
    const result = makeResult({
      checkId: 'api',
      region: 'eu-west',
      scheduledAt: T0,
      status: 'down',
      error: { code: 'HTTP_STATUS', message: 'got 503, expected 200..399' },
      phases: { dnsMs: 1, connectMs: 2, ttfbMs: 30 },
      metrics: { bytes: 512 },
    })
    store.insert([result])

    expect(store.recent('api', 1)).toEqual([result])
  })

  it('regionCounts covers the minutes that start inside [from, to)', () => {
    store.insert(series('api', ['eu-west', 'us-east'], 60, 10))

    const all = store.regionCounts('api', T0, T0 + 60 * MIN)
    const firstHalf = store.regionCounts('api', T0, T0 + 30 * MIN)

    expect(all['eu-west']).toMatchObject({ up: 54, down: 6, degraded: 0, inconclusive: 0 })
    expect(all['us-east']).toMatchObject({ up: 54, down: 6 })
    expect(firstHalf['eu-west']).toMatchObject({ up: 27, down: 3 })
    expect(store.regionCounts('api', T0 + 60 * MIN, T0 + 61 * MIN)).toEqual({})
  })

  it('buckets sums regions and returns empty buckets for gaps', () => {
    store.insert(series('api', ['eu-west', 'us-east', 'ap-south'], 3))

    const buckets = store.buckets('api', T0 - 2 * MIN, T0 + 4 * MIN, MIN)

    expect(buckets.map((b) => b.start)).toEqual([-2, -1, 0, 1, 2, 3].map((m) => T0 + m * MIN))
    expect(buckets.map((b) => b.up)).toEqual([0, 0, 3, 3, 3, 0])
    expect(buckets[0]).toEqual({ start: T0 - 2 * MIN, ...emptyCounts() })
    expect(buckets[3]).toMatchObject({ durationSum: 3 * 101, durationMax: 101 })
  })

  it('buckets groups several minutes into one bucket', () => {
    store.insert(series('api', ['eu-west'], 10, 5))

    const buckets = store.buckets('api', T0, T0 + 10 * MIN, 5 * MIN)

    expect(buckets).toHaveLength(2)
    expect(buckets.map((b) => [b.up, b.down])).toEqual([
      [4, 1],
      [4, 1],
    ])
  })

  it('firstResultAt is the earliest scheduled time, and survives pruning', () => {
    expect(store.firstResultAt('api')).toBeNull()
    store.insert(series('api', ['us-east'], 5))
    store.insert([makeResult({ checkId: 'api', region: 'eu-west', scheduledAt: T0 + 500 })])

    expect(store.firstResultAt('api')).toBe(T0 + 500)
    store.pruneRaw(T0 + 60 * MIN)
    expect(store.countRaw('api')).toBe(0)
    expect(store.firstResultAt('api')).toBe(T0 + 500)
  })
})

describe('pruneRaw', () => {
  it('deletes raw results scheduled before the cut-off and keeps rollups and latest', () => {
    store.insert(series('api', ['eu-west', 'us-east'], 10))
    store.insert(series('web', ['eu-west'], 10))
    const latestBefore = store.latestPerRegion('api')

    const deleted = store.pruneRaw(T0 + 4 * MIN)

    expect(deleted).toBe(4 * 2 + 4)
    expect(store.countRaw('api')).toBe(12)
    expect(store.countRaw('web')).toBe(6)
    expect(store.recent('api', 100).every((r) => r.scheduledAt >= T0 + 4 * MIN)).toBe(true)
    expect(store.countRollup()).toBe(30)
    expect(store.latestPerRegion('api')).toEqual(latestBefore)
  })

  it('deletes nothing when everything is newer', () => {
    store.insert(series('api', ['eu-west'], 3))
    expect(store.pruneRaw(T0)).toBe(0)
    expect(store.countRaw()).toBe(3)
  })

  it('dedupes only within raw retention: a result re-delivered after pruning counts again', () => {
    // Probes drop results once acked and bound their outbox by age, far below raw
    // retention; this pins the documented limit so that changing it is deliberate.
    const batch = series('api', ['eu-west'], 3)
    store.insert(batch)
    store.pruneRaw(T0 + 10 * MIN)

    const again = store.insert(batch)

    expect(again).toHaveLength(3)
    expect(store.countRollup()).toBe(6)
  })
})

describe('on a file', () => {
  it('keeps results across reopening, with WAL on', () => {
    const file = join(tempDir('vantage-store-'), 'data', 'hub.db')
    const first = openDatabase(file)
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(first.pragma('foreign_keys', { simple: true })).toBe(1)
    new ResultStore(first).insert(series('api', ['eu-west'], 3))
    first.close()

    const second = openDatabase(file)
    const reopened = new ResultStore(second)
    expect(reopened.countRaw('api')).toBe(3)
    expect(reopened.countRollup('api')).toBe(3)
    second.close()
  })
})

describe('maintenance', () => {
  /** Minutes 10 to 19 are maintenance. */
  const inMaintenance = (result: CheckResult) =>
    result.scheduledAt >= T0 + 10 * MIN && result.scheduledAt < T0 + 20 * MIN

  it('rolls results inside a window up as maintenance, whatever their status', () => {
    const batch = series('api', ['eu-west'], 30, 2)
    store.insert(batch, { inMaintenance })

    const inside = store.regionCounts('api', T0 + 10 * MIN, T0 + 20 * MIN)
    expect(inside['eu-west']).toEqual({ ...emptyCounts(), maintenance: 10 })
    const all = store.regionCounts('api', T0, T0 + 30 * MIN)['eu-west']!
    expect(all).toMatchObject({ up: 10, down: 10, maintenance: 10 })
    // Durations are those of the 20 judged runs only: 100 + m for m outside 10..19.
    const judged = [...Array(30).keys()].filter((m) => m < 10 || m >= 20)
    expect(all.durationSum).toBe(judged.reduce((sum, m) => sum + 100 + m, 0))
    expect(all.durationMax).toBe(129)
  })

  it('keeps every raw result and the latest one as they came', () => {
    const batch = series('api', ['eu-west'], 20, 2)
    store.insert(batch, { inMaintenance })

    expect(store.countRaw('api')).toBe(20)
    expect(store.countRollup('api')).toBe(20)
    expect(store.recent('api', 1)).toEqual([batch.at(-1)])
    expect(store.latestPerRegion('api')['eu-west']).toEqual(batch.at(-1))
    expect(store.firstResultAt('api')).toBe(T0 + 1_000)
  })

  it('asks only about new results, so a re-delivery counts nothing twice', () => {
    const batch = series('api', ['eu-west'], 20)
    const asked: string[] = []
    const spy = (result: CheckResult) => {
      asked.push(result.id)
      return inMaintenance(result)
    }
    store.insert(batch, { inMaintenance: spy })
    store.insert(batch, { inMaintenance: spy })

    expect(asked).toHaveLength(20)
    expect(store.countRollup('api')).toBe(20)
    expect(store.buckets('api', T0, T0 + 20 * MIN, 10 * MIN)).toMatchObject([
      { up: 10, maintenance: 0 },
      { up: 0, maintenance: 10 },
    ])
  })

  it('adds the maintenance column to rollups made by an older hub, keeping their counts', () => {
    const old = openDatabase(':memory:')
    try {
      old.exec(`CREATE TABLE rollup_minute (
        check_id TEXT NOT NULL, minute_start INTEGER NOT NULL, region TEXT NOT NULL,
        up INTEGER NOT NULL, degraded INTEGER NOT NULL, down INTEGER NOT NULL,
        inconclusive INTEGER NOT NULL, duration_sum REAL NOT NULL, duration_max REAL NOT NULL,
        first_at INTEGER NOT NULL, PRIMARY KEY (check_id, minute_start, region)
      ) WITHOUT ROWID`)
      old.exec(
        `INSERT INTO rollup_minute VALUES ('api', ${T0}, 'eu-west', 5, 0, 1, 0, 600, 150, ${T0})`,
      )

      const migrated = new ResultStore(old)
      migrated.insert(series('api', ['eu-west'], 1), { inMaintenance: () => true })

      expect(migrated.regionCounts('api', T0, T0 + MIN)['eu-west']).toMatchObject({
        up: 5,
        down: 1,
        maintenance: 1,
      })
    } finally {
      old.close()
    }
  })
})
