import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../store/database.ts'
import { RollupStore, type RunSample, type TimeSample } from './rollup-store.ts'
import { RollupHistory } from './history-reader.ts'
import { OVERALL_SERIES } from './rollup-schema.ts'
import { sliceOf } from './minute-slice.ts'
import { dayTotal } from './rollup-pack.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 2, 1)

let db: Database
let rollups: RollupStore
let history: RollupHistory

beforeEach(() => {
  db = openDatabase(':memory:')
  rollups = new RollupStore(db)
  history = new RollupHistory(rollups)
})
afterEach(() => db.close())

function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

/** Three days of runs in two regions, and state time for the check as a whole. */
function seed(random: () => number) {
  const runs: RunSample[] = []
  const times: TimeSample[] = []
  for (let m = 0; m < 3 * 24 * 60; m++) {
    const minute = T0 + m * MIN
    for (const series of ['eu', 'us']) {
      const roll = random()
      runs.push({
        checkId: 'api',
        series,
        at: minute + Math.floor(random() * MIN),
        status: roll < 0.05 ? 'down' : roll < 0.08 ? 'inconclusive' : 'up',
        durationMs: 50 + random() * 500,
        maintenance: roll > 0.99,
      })
    }
    const down = random() < 0.03 ? Math.floor(random() * MIN) : 0
    const time = [MIN - down, 0, 0, down, 0, 0, 0]
    times.push({ checkId: 'api', series: OVERALL_SERIES, minute, time, ...sliceOf(time) })
  }
  // Written in pieces, as batches arrive.
  for (let i = 0; i < runs.length; i += 500) rollups.addRuns(runs.slice(i, i + 500))
  for (let i = 0; i < times.length; i += 60) rollups.addTime(times.slice(i, i + 60))
  return { runs, times }
}

function brute(runs: RunSample[], times: TimeSample[], from: number, to: number) {
  const inWindow = runs.filter((r) => Math.floor(r.at / MIN) * MIN >= from && r.at < to)
  const conclusive = inWindow.filter((r) => !r.maintenance && r.status !== 'inconclusive')
  const minutes = times.filter((t) => t.minute >= from && t.minute < to)
  return {
    up: conclusive.filter((r) => r.status === 'up').length,
    down: conclusive.filter((r) => r.status === 'down').length,
    maintenance: inWindow.filter((r) => r.maintenance).length,
    durationSum: conclusive.reduce((sum, r) => sum + Math.round(r.durationMs), 0),
    bad: minutes.filter((t) => t.bad).length,
    valid: minutes.length,
    downMs: minutes.reduce((sum, t) => sum + t.time[3]!, 0),
  }
}

describe('RollupHistory', () => {
  it('totals any window exactly, from days, hours and minutes', () => {
    const random = seeded(11)
    const { runs, times } = seed(random)
    for (let i = 0; i < 40; i++) {
      const from = T0 + Math.floor(random() * 3 * DAY)
      const to = from + Math.floor(random() * (T0 + 3 * DAY - from))
      const total = history.total('api', from, to)
      const start = Math.ceil(from / MIN) * MIN
      const expected = brute(runs, times, start, Math.max(start, Math.ceil(to / MIN) * MIN))
      const { runs: got } = total.overall
      expect(total.edgeGrain).toBe('minute')
      expect([got.up, got.down, got.maintenance, got.durationSum]).toEqual([
        expected.up,
        expected.down,
        expected.maintenance,
        expected.durationSum,
      ])
      expect(total.overall.slices).toEqual({ valid: expected.valid, bad: expected.bad })
      expect(total.overall.time.down).toBe(expected.downMs)
    }
  })

  it('gives every bucket of a range, empty ones included, at any step', () => {
    const { runs } = seed(seeded(5))
    const hours = history.overall('api', { from: T0 - 2 * HOUR, to: T0 + 6 * HOUR, grain: 'hour' })
    expect(hours).toHaveLength(8)
    expect(hours[0]!.runs.up + hours[1]!.runs.up).toBe(0)
    const sixHours = history.overall('api', {
      from: T0,
      to: T0 + DAY,
      grain: 'hour',
      step: 6 * HOUR,
    })
    expect(sixHours.map((b) => b.start)).toEqual([0, 1, 2, 3].map((i) => T0 + i * 6 * HOUR))
    const firstSix = runs.filter((r) => r.at < T0 + 6 * HOUR && !r.maintenance && r.status === 'up')
    expect(sixHours[0]!.runs.up).toBe(firstSix.length)
    const days = history.overall('api', { from: T0, to: T0 + 3 * DAY, grain: 'day' })
    expect(days.reduce((n, d) => n + d.slices.valid, 0)).toBe(3 * 24 * 60)
    const regions = history.regions('api', { from: T0, to: T0 + DAY, grain: 'day' })
    expect(Object.keys(regions)).toEqual(['eu', 'us'])
    expect(regions.eu![0]!.latency!.p95Ms).toBeGreaterThan(400)
    expect(() =>
      history.overall('api', { from: T0, to: T0 + DAY, grain: 'hour', step: 90 * MIN }),
    ).toThrow(/multiple of a hour/)
  })

  it('rounds a window out to the hour where minutes were pruned, and says so', () => {
    seed(seeded(3))
    db.prepare('DELETE FROM rollup_minutes WHERE hour_start < ?').run(T0 + DAY)
    const total = history.total('api', T0 + 90 * MIN, T0 + 2 * DAY)
    expect(total.edgeGrain).toBe('hour')
    expect(total.from).toBe(T0 + HOUR)
    expect(total.overall.slices.valid).toBe((2 * DAY) / MIN - 60)
  })

  it('rounds out to the day where only day totals are left', () => {
    seed(seeded(4))
    for (const row of db
      .prepare<[], { day_start: number; check_id: string; series: string; cells: Buffer }>(
        'SELECT * FROM rollup_days',
      )
      .all()) {
      if (row.day_start !== T0) continue
      db.prepare(
        'UPDATE rollup_days SET cells = ?, hours = 0 WHERE day_start = ? AND series = ?',
      ).run(dayTotal(row.cells), row.day_start, row.series)
    }
    db.prepare('DELETE FROM rollup_minutes WHERE hour_start < ?').run(T0 + DAY)
    const total = history.total('api', T0 + 5 * HOUR, T0 + 2 * DAY)
    expect(total.edgeGrain).toBe('day')
    expect(total.from).toBe(T0)
    expect(total.overall.slices.valid).toBe((2 * DAY) / MIN)
  })

  it('keeps the first result time', () => {
    rollups.addRuns([
      { checkId: 'api', series: 'eu', at: T0 + 5, status: 'up', durationMs: 1, maintenance: false },
    ])
    rollups.addRuns([
      { checkId: 'api', series: 'eu', at: T0 + 2, status: 'up', durationMs: 1, maintenance: false },
    ])
    expect(new RollupHistory(new RollupStore(db)).firstResultAt('api')).toBe(T0 + 2)
    expect(history.firstResultAt('nope')).toBeNull()
  })
})
