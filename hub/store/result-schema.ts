/**
 * The SQLite tables behind ResultStore, and the move from the first format.
 *
 * A raw result is a compact row (result-codec.ts): the columns queries use (check,
 * time, id, region, probe and status; names as codes into `result_names`) and one
 * binary body for the rest, about 60 bytes for an HTTP check's result where its JSON
 * took 680.
 *
 * Ingest writes what must be durable at once, and only that: each commit appends
 * rows to `results_journal`, whose pages fill in order, so a commit writes a few pages
 * whatever the number of checks. Every few seconds the writer folds the journal
 * (result-rows.ts) into the tables keyed per check, in one transaction: raw `results`
 * keyed (check, time, id), `latest_results`, and the rollups. A check's pages are then
 * written once per fold rather than once per batch, which is what made ingest write
 * 13 KiB per result. Readers see both: recent results and incident samples read the
 * journal too, the newest result per series comes from an overlay that ingest keeps.
 */
import type { Database } from './database.ts'
import { migrateLegacyMinutes } from '../history/legacy-minutes.ts'
import { encodeBatch } from './result-batch.ts'
import { ResultRows } from './result-rows.ts'
import { decodeCheckEntries } from './result-blocks.ts'
import { RollupStore } from '../history/rollup-store.ts'
import { ResultNames } from './result-names.ts'
import type { CheckResult } from '../../checks/result.ts'

/** Creates the result tables when missing; see `openResultTables`, which also migrates. */
export const RESULT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS result_names (
    code INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  -- Raw results in blocks of one check's results (result-blocks.ts), found through
  -- results_by_check by check and the time of the block's last result: recent() reads
  -- a check's newest blocks, retention deletes its oldest. A block spans at most
  -- MAX_BLOCK_SPAN_MS, so a range of time is a range of the index, and holds at most
  -- MAX_BLOCK_BYTES, so that four fit a page without overflow pages.
  CREATE TABLE IF NOT EXISTS results (
    id INTEGER PRIMARY KEY,
    check_code INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    n_up INTEGER NOT NULL,
    n_degraded INTEGER NOT NULL,
    n_down INTEGER NOT NULL,
    n_inconclusive INTEGER NOT NULL,
    body BLOB NOT NULL
  );
  CREATE INDEX IF NOT EXISTS results_by_check ON results (check_code, last_at);
  -- Committed results not folded yet: a row per batch and group of checks (check code
  -- modulo FOLD_GROUPS, result-rows.ts), its entries as the main thread encoded them
  -- (result-blocks.ts), in commit order.
  CREATE TABLE IF NOT EXISTS results_journal (
    seq INTEGER PRIMARY KEY,
    grp INTEGER NOT NULL,
    entries BLOB NOT NULL
  );
  -- The newest folded result of each (check, series); it outlives raw retention. The
  -- series is the region, or the probe for host checks (checks/spec.ts seriesOf).
  CREATE TABLE IF NOT EXISTS latest_results (
    check_code INTEGER NOT NULL,
    series INTEGER NOT NULL,
    scheduled_at INTEGER NOT NULL,
    id BLOB NOT NULL,
    region INTEGER NOT NULL,
    probe INTEGER NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (check_code, series)
  ) WITHOUT ROWID;

  -- Rollups live in hub/history/ (rollup-schema.ts), packed per hour and per day.
`

/** Old rows converted per transaction: the migration can stop anywhere and go on. */
const MIGRATE_CHUNK = 5_000

export interface MigrationReport {
  /** Raw results moved from the first format (JSON rows). */
  results: number
  /** Of those, rows whose JSON could not be read, kept from their columns. */
  unreadable: number
  /** Per-minute rollup rows of the earliest hubs, packed (hub/history/legacy-minutes.ts). */
  legacyMinutes: number
}

const columnsOf = (db: Database, table: string): Set<string> =>
  new Set(
    (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name),
  )

/**
 * Creates the result tables and brings a database of an older hub up to date: raw
 * results and the latest result per series stored as JSON move to the compact rows
 * (their rollups already count them, so nothing is counted twice). Idempotent and
 * resumable; quick once done.
 */
export function openResultTables(db: Database): MigrationReport {
  const report: MigrationReport = { results: 0, unreadable: 0, legacyMinutes: 0 }
  const resultsColumns = columnsOf(db, 'results')
  if (resultsColumns.has('json')) db.exec('ALTER TABLE results RENAME TO results_v1')
  if (columnsOf(db, 'latest_results').has('json')) {
    db.exec('ALTER TABLE latest_results RENAME TO latest_results_v1')
  }
  db.exec(RESULT_SCHEMA)
  if (columnsOf(db, 'results_v1').size > 0) Object.assign(report, migrateResults(db))
  if (columnsOf(db, 'latest_results_v1').size > 0) migrateLatest(db)
  report.legacyMinutes = migrateLegacyMinutes(db)
  return report
}

interface V1Row {
  rowid: number
  id: string
  check_id: string
  region: string
  probe_id: string
  scheduled_at: number
  status: CheckResult['status']
  duration_ms: number
  error_code: string | null
  json: string
}

/**
 * A stored JSON result with the fields every result has now: results of the earliest
 * hubs may lack some (no trigger, no assertions); columns fill in what they can.
 */
function normalizeV1(json: unknown, columns: Partial<V1Row>): CheckResult {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new TypeError('not a result')
  const r = json as Partial<CheckResult>
  const scheduledAt = r.scheduledAt ?? columns.scheduled_at
  if (typeof r.id !== 'string' || typeof scheduledAt !== 'number') throw new TypeError('no id')
  return {
    ...r,
    id: r.id,
    checkId: columns.check_id ?? String(r.checkId),
    kind: typeof r.kind === 'string' ? r.kind : 'unknown',
    configVersion: typeof r.configVersion === 'string' ? r.configVersion : '',
    probeId: String(r.probeId ?? columns.probe_id ?? ''),
    region: String(r.region ?? columns.region ?? ''),
    scheduledAt,
    startedAt: typeof r.startedAt === 'number' ? r.startedAt : scheduledAt,
    durationMs: typeof r.durationMs === 'number' ? r.durationMs : (columns.duration_ms ?? 0),
    status: r.status ?? columns.status ?? 'inconclusive',
    assertions: Array.isArray(r.assertions) ? r.assertions : [],
    trigger: r.trigger ?? 'schedule',
  }
}

/** A v1 row's result: its JSON, or what its columns say when the JSON is unreadable. */
function resultOfV1(row: V1Row): { result: CheckResult; readable: boolean } {
  try {
    return { result: normalizeV1(JSON.parse(row.json), row), readable: true }
  } catch {
    // Kept from its columns below.
  }
  return {
    readable: false,
    result: {
      id: row.id,
      checkId: row.check_id,
      kind: 'unknown',
      configVersion: '',
      probeId: row.probe_id,
      region: row.region,
      scheduledAt: row.scheduled_at,
      startedAt: row.scheduled_at,
      durationMs: row.duration_ms,
      status: row.status,
      error: {
        code: row.error_code ?? 'UNREADABLE',
        message: 'the stored result was not valid JSON',
      },
      assertions: [],
      trigger: 'schedule',
    },
  }
}

function migrateResults(db: Database): Omit<MigrationReport, 'legacyMinutes'> {
  const names = ResultNames.of(db)
  // Rollups counted these long ago, and the latest rows move apart: blocks only.
  const rows = new ResultRows(db, names, new RollupStore(db))
  const read = db.prepare<[number], V1Row>(
    `SELECT rowid, id, check_id, region, probe_id, scheduled_at, status, duration_ms,
       error_code, json FROM results_v1 ORDER BY rowid LIMIT ?`,
  )
  const remove = db.prepare<[number]>('DELETE FROM results_v1 WHERE rowid <= ?')
  let results = 0
  let unreadable = 0
  const chunk = db.transaction(() => {
    const v1 = read.all(MIGRATE_CHUNK)
    if (v1.length === 0) return 0
    const converted = v1.map((row) => {
      const { result, readable } = resultOfV1(row)
      if (!readable) unreadable += 1
      return result
    })
    rows.importEntries(decodeCheckEntries(encodeBatch(converted, names)))
    persistNames(names)
    remove.run(v1[v1.length - 1]!.rowid)
    results += v1.length
    return v1.length
  })
  while (committed(names, () => chunk.immediate()) === MIGRATE_CHUNK);
  db.exec('DROP TABLE results_v1')
  return { results, unreadable }
}

function migrateLatest(db: Database): void {
  const names = ResultNames.of(db)
  const insert = db.prepare(
    `INSERT INTO latest_results (series, check_code, scheduled_at, id, region, probe, status, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
  const move = db.transaction(() => {
    const rows = db
      .prepare<[], { check_id: string; region: string; json: string }>(
        'SELECT check_id, region, json FROM latest_results_v1',
      )
      .all()
    for (const row of rows) {
      let result: CheckResult
      try {
        result = normalizeV1(JSON.parse(row.json), { check_id: row.check_id })
      } catch {
        continue // the next result of the series takes its place
      }
      const [entry] = decodeCheckEntries(encodeBatch([result], names))
      insert.run(
        names.code(row.region),
        entry!.check,
        entry!.scheduledAt,
        entry!.id,
        entry!.region,
        entry!.probe,
        entry!.status,
        entry!.body,
      )
    }
    persistNames(names)
    db.exec('DROP TABLE latest_results_v1')
  })
  committed(names, () => move.immediate())
}

/** Stores the names handed out so far, in the caller's transaction. */
function persistNames(names: ResultNames): void {
  names.persist(names.unpersisted())
}

/** Runs a transaction that persists names; once it committed, they are stored. */
function committed<T>(names: ResultNames, transaction: () => T): T {
  const last = names.unpersisted().at(-1)?.[0]
  const value = transaction()
  const after = names.unpersisted().at(-1)?.[0]
  const stored = Math.max(last ?? 0, after ?? 0)
  if (stored > 0) names.persisted(stored)
  return value
}
