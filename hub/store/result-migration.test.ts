/**
 * A hub upgraded in place keeps its history: a database written in the first format
 * (a JSON row per result, as hubs stored them until the compact rows) opens with every
 * result readable, the same counts, and nothing counted twice.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { seriesOf } from '../../checks/spec.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { RollupStore } from '../history/rollup-store.ts'
import { openDatabase, type Database } from './database.ts'
import { ResultStore } from './result-store.ts'
import { ResultWriter } from './result-writer.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1, 12)

/** The first format's tables, as hub/store/result-schema.ts created them. */
const V1_SCHEMA = `
  CREATE TABLE results (
    id TEXT PRIMARY KEY,
    check_id TEXT NOT NULL,
    region TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('up', 'degraded', 'down', 'inconclusive')),
    duration_ms REAL NOT NULL,
    error_code TEXT,
    json TEXT NOT NULL
  );
  CREATE INDEX results_check_time ON results (check_id, scheduled_at);
  CREATE TABLE latest_results (
    check_id TEXT NOT NULL,
    region TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    id TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (check_id, region)
  );
`

/** Writes results the way a first-format hub did: raw rows, latest rows, rollups. */
function writeV1(db: Database, results: CheckResult[]): void {
  const rollups = new RollupStore(db)
  const insert = db.prepare(
    `INSERT INTO results (id, check_id, region, probe_id, scheduled_at, status, duration_ms, error_code, json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const latest = db.prepare(
    `INSERT INTO latest_results (check_id, region, scheduled_at, id, json) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (check_id, region) DO UPDATE SET scheduled_at = excluded.scheduled_at,
       id = excluded.id, json = excluded.json WHERE excluded.scheduled_at > latest_results.scheduled_at`,
  )
  db.transaction(() => {
    for (const r of results) {
      const json = JSON.stringify(r)
      insert.run(
        r.id,
        r.checkId,
        r.region,
        r.probeId,
        r.scheduledAt,
        r.status,
        r.durationMs,
        r.error?.code ?? null,
        json,
      )
      latest.run(r.checkId, seriesOf(r), r.scheduledAt, r.id, json)
    }
    rollups.addRuns(
      results.map((r) => ({
        checkId: r.checkId,
        series: seriesOf(r),
        at: r.scheduledAt,
        status: r.status,
        durationMs: r.durationMs,
        maintenance: false,
      })),
    )
  })()
}

function history(n: number): CheckResult[] {
  return Array.from({ length: n }, (_, i) =>
    makeResult({
      checkId: `check-${i % 7}`,
      region: ['eu-west', 'us-east', 'ap-south'][i % 3]!,
      probeId: `probe-${i % 3}`,
      scheduledAt: T0 + i * 10_000,
      status: i % 11 === 0 ? 'down' : 'up',
      durationMs: 10 + (i % 40) + 0.125,
      ...(i % 11 === 0 ? { error: { code: 'TIMEOUT', message: `no answer in ${i} ms` } } : {}),
      ...(i % 5 === 0 ? { phases: { dnsMs: 1, ttfbMs: 12.5 }, metrics: { n: i } } : {}),
    }),
  )
}

let dbs: Database[] = []
afterEach(() => {
  for (const db of dbs) db.close()
  dbs = []
})

function v1Database(results: CheckResult[]): { file: string; db: Database } {
  const file = join(tempDir('vantage-migrate-'), 'hub.db')
  const db = openDatabase(file)
  dbs.push(db)
  db.exec(V1_SCHEMA)
  writeV1(db, results)
  return { file, db }
}

const tables = (db: Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((t) => t.name)

describe('opening a database of the first format', () => {
  it('moves every result to the compact rows, readable as it was stored', () => {
    const results = history(12_345)
    const { db } = v1Database(results)
    // One row a hub could not read back: kept from its columns.
    db.prepare("UPDATE results SET json = '{' WHERE id = ?").run(results[1]!.id)

    const store = new ResultStore(db)

    expect(store.migrated).toMatchObject({ results: 12_345, unreadable: 1 })
    expect(tables(db)).not.toContain('results_v1')
    expect(tables(db)).not.toContain('latest_results_v1')
    expect(store.countRaw()).toBe(12_345)
    expect(store.countRollup()).toBe(12_345)
    const ofCheck = results.filter((r) => r.checkId === 'check-3')
    expect(store.recent('check-3', 10_000)).toEqual([...ofCheck].reverse())
    expect(store.recent('check-3', 5, 'us-east')).toEqual(
      ofCheck
        .filter((r) => r.region === 'us-east')
        .slice(-5)
        .reverse(),
    )
    const damaged = store.recent('check-1', 10_000).find((r) => r.id === results[1]!.id)
    expect(damaged).toMatchObject({
      kind: 'unknown',
      status: results[1]!.status,
      error: { code: 'UNREADABLE' },
    })
    for (const region of ['eu-west', 'us-east', 'ap-south']) {
      expect(store.latestPerRegion('check-5')[region]).toEqual(
        results.filter((r) => r.checkId === 'check-5' && r.region === region).at(-1),
      )
    }
  })

  it('stores nothing twice that the old format held, and counts nothing twice', () => {
    const results = history(600)
    const { db } = v1Database(results)
    const store = new ResultStore(db)
    expect(store.insert(results)).toEqual([])
    const next = makeResult({ checkId: 'check-0', scheduledAt: T0 + 60 * MIN })
    expect(store.insert([...results.slice(0, 10), next])).toEqual([next])
    expect(store.countRaw()).toBe(601)
    expect(store.countRollup()).toBe(601)
  })

  it('goes on where an interrupted move stopped', () => {
    const results = history(300)
    const { db } = v1Database(results.slice(0, 200))
    new ResultStore(db)
    // As if the hub had stopped with 100 rows of the old table still to move.
    db.exec(
      V1_SCHEMA.replace('CREATE TABLE results ', 'CREATE TABLE results_v1 ')
        .replace(/CREATE INDEX[^;]*;/, '')
        .replace(/CREATE TABLE latest_results[\s\S]*/, ''),
    )
    const insert = db.prepare(
      `INSERT INTO results_v1 (id, check_id, region, probe_id, scheduled_at, status, duration_ms, error_code, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    for (const r of results.slice(200)) {
      insert.run(
        r.id,
        r.checkId,
        r.region,
        r.probeId,
        r.scheduledAt,
        r.status,
        r.durationMs,
        null,
        JSON.stringify(r),
      )
    }

    const store = new ResultStore(db)

    expect(store.migrated.results).toBe(100)
    expect(store.countRaw()).toBe(300)
    expect(store.recent('check-2', 1000)).toEqual(
      results.filter((r) => r.checkId === 'check-2').reverse(),
    )
  })

  it('then takes new results through the writer thread, deduped against the old ones', async () => {
    const results = history(100)
    const { file, db } = v1Database(results)
    const store = new ResultStore(db)
    const writer = await ResultWriter.start({ file })
    store.attachWriter(writer)
    try {
      const next = makeResult({ checkId: 'check-0', scheduledAt: T0 + 60 * MIN })
      expect(await store.write([...results, next])).toEqual([next])
      await writer.flush()
      expect(store.countRaw()).toBe(101)
      expect(store.countRollup()).toBe(101)
    } finally {
      await writer.close()
    }
  })
})
