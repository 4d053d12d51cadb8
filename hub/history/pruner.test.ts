import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../lib/clock.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { DEFAULT_RETENTION, parseRetention, RetentionError, type Retention } from './retention.ts'
import { Pruner } from './pruner.ts'
import { StatusLog } from './status-log.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const T0 = Date.UTC(2026, 0, 1)

let db: Database
let store: ResultStore
let clock: ManualClock
let retention: Retention

beforeEach(() => {
  db = openDatabase(':memory:')
  store = new ResultStore(db)
  clock = new ManualClock(T0)
  retention = { ...DEFAULT_RETENTION, rawMs: 2 * DAY, minuteMs: 4 * DAY, hourMs: 6 * DAY }
})
afterEach(() => db.close())

/** One result an hour for `days` days in two regions. */
function seed(days: number) {
  for (let h = 0; h < days * 24; h++) {
    store.insert(
      ['eu', 'us'].map((region) =>
        makeResult({ checkId: 'api', region, scheduledAt: T0 + h * HOUR, durationMs: 100 }),
      ),
    )
  }
}

describe('Pruner', () => {
  it('deletes each grain past its retention in small batches, and days keep their totals', async () => {
    seed(10)
    clock.set(T0 + 10 * DAY)
    const before = store.history.total('api', T0, T0 + 10 * DAY).overall.runs.up
    const pruner = new Pruner({
      db,
      retention: () => retention,
      clock,
      batchRows: 7,
      budgetMs: 10_000,
    })
    const report = await pruner.run()
    expect(report.results).toBe(8 * 24 * 2)
    expect(store.countRaw()).toBe(2 * 24 * 2)
    expect(report.rollup_minutes).toBe(6 * 24 * 2)
    // Days before day 4 lose their hours, not their totals; the others that ended are sealed.
    expect(report['days reduced']).toBe(4 * 2)
    expect(report['sealed days']).toBe(9 * 2)
    const total = store.history.total('api', T0, T0 + 10 * DAY)
    expect(total.overall.runs.up).toBe(before)
    const hours = store.history.overall('api', { from: T0, to: T0 + DAY, grain: 'hour' })
    expect(hours.every((h) => h.runs.up === 0)).toBe(true)
    expect(store.history.overall('api', { from: T0, to: T0 + DAY, grain: 'day' })[0]!.runs.up).toBe(
      48,
    )
    expect(await pruner.run()).toEqual({
      results: 0,
      rollup_minutes: 0,
      'sealed days': 0,
      'days reduced': 0,
    })
  })

  it('stops when its time budget is spent and goes on at the next run', async () => {
    seed(4)
    clock.set(T0 + 4 * DAY)
    const pruner = new Pruner({ db, retention: () => retention, clock, batchRows: 5, budgetMs: 0 })
    expect((await pruner.run()).results).toBe(5)
    for (let i = 0; i < 40; i++) await pruner.run()
    expect(store.countRaw()).toBe(2 * 24 * 2)
  })

  it('prunes the status log, sent notifications and closed dispatch records, and old incidents when asked', async () => {
    const log = new StatusLog(db)
    log.record('api', 'down', T0)
    log.record('api', 'up', T0 + 5 * DAY)
    const incidents = new IncidentStore(db)
    const old = incidents.open({ checkId: 'api', at: T0, regions: [], firstError: null })
    incidents.addEvent(old, T0, 'note', {})
    incidents.resolve(old, T0 + HOUR)
    db.exec(`CREATE TABLE notification_queue (id INTEGER PRIMARY KEY, state TEXT, created_at INTEGER);
      INSERT INTO notification_queue VALUES (1, 'delivered', ${T0}), (2, 'pending', ${T0}), (3, 'failed', ${T0 + 20 * DAY});
      CREATE TABLE alert_dispatch (incident_id TEXT PRIMARY KEY, closed_at INTEGER);
      INSERT INTO alert_dispatch VALUES ('a', ${T0}), ('b', NULL);`)
    clock.set(T0 + 40 * DAY)
    const pruner = new Pruner({
      db,
      retention: () => ({ ...retention, incidentMs: 30 * DAY, minuteMs: 38 * DAY }),
      clock,
    })
    const report = await pruner.run()
    expect(report).toMatchObject({
      status_changes: 1,
      notification_queue: 1,
      alert_dispatch: 1,
      incidents: 1,
    })
    expect(log.between('api', T0, T0 + 40 * DAY)).toEqual([{ at: T0 + 5 * DAY, status: 'up' }])
    expect(incidents.get(old)).toBeNull()
    expect(db.prepare('SELECT COUNT(*) AS n FROM incident_events').get()).toEqual({ n: 0 })
  })
})

describe('parseRetention', () => {
  it('takes durations and "forever", and refuses the rest with every flag named', () => {
    expect(parseRetention({ retainRaw: '3d', retainDays: 'forever' })).toMatchObject({
      rawMs: 3 * DAY,
      dayMs: null,
    })
    let error: RetentionError | undefined
    try {
      parseRetention({ retainRaw: 'forever', retainMinutes: 'soon', retainHours: '1d' })
    } catch (e) {
      error = e as RetentionError
    }
    expect(error?.errors).toEqual([
      '--retain-raw: "forever" is not allowed here; give a duration such as 30d',
      '--retain-minutes: "soon" is not a duration (e.g. 7d, 30d, 396d) or "forever"',
      '--retain-hours must be at least --retain-minutes: a coarser grain is kept at least as long as a finer one',
    ])
  })
})
