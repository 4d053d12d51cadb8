import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { IncidentResults } from './incident-results.ts'
import { ResultStore } from '../store/result-store.ts'
import { decodeBlock, encodeBlock } from '../store/result-blocks.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)
const timeout = { code: 'TIMEOUT', message: 'no answer in 10s' }
const refused = { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED' }

let db: Database
let store: ResultStore
let runs: IncidentResults

beforeEach(() => {
  db = openDatabase(':memory:')
  store = new ResultStore(db)
  runs = new IncidentResults(db)
})

afterEach(() => db.close())

function result(
  minute: number,
  region: string,
  status: CheckResult['status'],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return makeResult({
    checkId: 'api',
    region,
    probeId: `${region}-1`,
    scheduledAt: T0 + minute * MIN + 1_000,
    status,
    ...(status === 'down' ? { error: timeout } : {}),
    ...extra,
  })
}

/**
 * Ten minutes, two regions: eu down from minute 3 to 6, us down from minute 4 to 6,
 * one inconclusive run in us at minute 8 and a degraded one in eu at minute 9.
 */
function outageScenario(): void {
  const results: CheckResult[] = []
  for (let m = 0; m < 10; m++) {
    results.push(result(m, 'eu-west', m >= 3 && m <= 6 ? 'down' : m === 9 ? 'degraded' : 'up'))
    results.push(result(m, 'us-east', m >= 4 && m <= 6 ? 'down' : m === 8 ? 'inconclusive' : 'up'))
  }
  store.insert(results)
}

describe('IncidentResults counts', () => {
  it('counts failed and conclusive runs in a range from raw rows', () => {
    outageScenario()

    expect(runs.failedRuns('api', T0 + 3 * MIN, T0 + 7 * MIN)).toBe(7)
    expect(runs.totalRuns('api', T0 + 3 * MIN, T0 + 7 * MIN)).toBe(8)
    // Inconclusive runs count for neither side.
    expect(runs.totalRuns('api', T0, T0 + 10 * MIN)).toBe(19)
    expect(runs.counts('api', T0, T0 + 10 * MIN)).toEqual({ up: 11, degraded: 1, down: 7 })
    expect(runs.failedRuns('api', T0, T0 + 10 * MIN, ['degraded', 'down'])).toBe(8)
    expect(runs.failedRuns('other', T0, T0 + 10 * MIN)).toBe(0)
    expect(runs.totalRuns('api', T0 + 5 * MIN, T0 + 5 * MIN)).toBe(0)
  })

  it('falls back to minute rollups where raw rows were pruned', () => {
    outageScenario()
    // Prunes minutes 0 to 5: results sit 1 s into their minute, the cut 30 s into minute 5.
    store.pruneRaw(T0 + 5 * MIN + 30_000)

    // The oldest raw row is in minute 6: minutes 3 to 6 come from rollups, 7 to 9 from raw rows.
    expect(runs.counts('api', T0 + 3 * MIN, T0 + 7 * MIN)).toEqual({ up: 1, degraded: 0, down: 7 })
    expect(runs.counts('api', T0 + 3 * MIN, T0 + 10 * MIN)).toEqual({ up: 5, degraded: 1, down: 7 })
    expect(runs.failedRuns('api', T0 + 3 * MIN, T0 + 7 * MIN)).toBe(7)
    // Entirely before raw retention: rollups only.
    expect(runs.totalRuns('api', T0, T0 + 3 * MIN)).toBe(6)
  })

  it('counts from rollups alone once every raw row is gone', () => {
    outageScenario()
    store.pruneRaw(T0 + 60 * MIN)

    expect(runs.failedRuns('api', T0 + 3 * MIN, T0 + 7 * MIN)).toBe(7)
    expect(runs.samples('api', T0, T0 + 10 * MIN, 5)).toEqual([])
  })

  it('knows when the check was first monitored, after pruning too', () => {
    outageScenario()
    store.pruneRaw(T0 + 60 * MIN)

    expect(runs.monitoredSince('api')).toBe(T0 + 1_000)
    expect(runs.monitoredSince('other')).toBeNull()
  })
})

describe('IncidentResults samples', () => {
  it('gives the first failure of each region first, then more, with errors', () => {
    outageScenario()

    const samples = runs.samples('api', T0, T0 + 10 * MIN, 4)

    expect(samples.map((s) => [s.region, s.scheduledAt - T0])).toEqual([
      ['eu-west', 3 * MIN + 1_000],
      ['us-east', 4 * MIN + 1_000],
      ['eu-west', 4 * MIN + 1_000],
      ['us-east', 5 * MIN + 1_000],
    ])
    expect(samples[0]).toMatchObject({
      probeId: 'eu-west-1',
      status: 'down',
      error: timeout,
      durationMs: 42,
    })
    expect(samples[0]!.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
  })

  it('keeps to the range, the statuses asked for and the limit', () => {
    outageScenario()
    store.insert([result(5, 'ap-south', 'down', { error: refused })])

    // Same minute: ties go by id, which sorts by when the result was made.
    expect(runs.samples('api', T0 + 5 * MIN, T0 + 6 * MIN, 10).map((s) => s.region)).toEqual([
      'eu-west',
      'us-east',
      'ap-south',
    ])
    expect(runs.samples('api', T0, T0 + 10 * MIN, 0)).toEqual([])
    expect(runs.samples('api', T0 + 9 * MIN, T0 + 10 * MIN, 10)).toEqual([])
    expect(
      runs.samples('api', T0 + 9 * MIN, T0 + 10 * MIN, 10, ['degraded']).map((s) => s.status),
    ).toEqual(['degraded'])
  })

  it('shows a result it cannot read as such instead of failing', () => {
    outageScenario()
    // Each down result's body loses its format byte; the blocks around them stay whole.
    type Block = { id: number; first_at: number; body: Uint8Array }
    for (const row of db.prepare<[], Block>('SELECT id, first_at, body FROM results').all()) {
      const entries = decodeBlock(row.body, row.first_at).map((entry) =>
        entry.status === 2
          ? { ...entry, body: Uint8Array.of(99, ...entry.body.subarray(1)) }
          : entry,
      )
      db.prepare('UPDATE results SET body = ? WHERE id = ?').run(encodeBlock(entries), row.id)
    }

    const [sample] = runs.samples('api', T0, T0 + 10 * MIN, 1)
    expect(sample?.error?.code).toBe('UNREADABLE')
  })
})
