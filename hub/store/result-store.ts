/**
 * Raw results and per-minute rollups in SQLite.
 *
 * Raw rows are kept for a short retention (`pruneRaw`) and serve the "recent results"
 * view. Rollups (hub/history/) hold counts per status, durations and a latency histogram
 * for each (check, region) per minute, hour and day: availability, charts and
 * status-page bars read them, so they stay cheap however long the hub has been running.
 * The newest result of each (check, region) is kept apart for the status page.
 *
 * Ingest is exactly-once: a result id is stored once, and a rollup counts a result
 * only in the transaction that stored it, so a re-delivered batch changes nothing.
 *
 * A result measured inside a maintenance window of its check is stored as it came, but
 * its rollup counts it as `maintenance` instead of under its status, so availability
 * and status bars read from rollups leave it out without knowing about windows.
 */
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { seriesOf } from '../../checks/spec.ts'
import type { Database } from './database.ts'
import { migrateResultSchema, RESULT_SCHEMA } from './result-schema.ts'
import { addCounts, emptyCounts, type StatusCounts } from './status-counts.ts'
import { RollupStore, type RunSample } from '../history/rollup-store.ts'
import { RollupHistory } from '../history/history-reader.ts'
import type { Retention } from '../history/retention.ts'

export type { StatusCounts } from './status-counts.ts'

type JsonRow = { json: string }

/** How `insert` treats a batch. */
export interface InsertOptions {
  /**
   * True for a result measured (by `scheduledAt`) inside a maintenance window of its
   * check; its rollup counts it as maintenance. Asked once per new result.
   */
  inMaintenance?: (result: CheckResult) => boolean
}

/** Stores results and their per-minute rollups. Creates its tables when missing. */
export class ResultStore {
  readonly #db: Database
  readonly #insertResult
  readonly #upsertLatest
  readonly #latestPerRegion
  readonly #recent
  readonly #recentInRegion
  readonly #prune: (olderThan: number) => number
  readonly #insertBatch: (results: CheckResult[], options: InsertOptions) => CheckResult[]

  /** The rollups ingest keeps current; write access for the state roller and retention. */
  readonly rollups: RollupStore
  /** Reads the rollups: windows, buckets, totals (hub/history/history-types.ts). */
  readonly history: RollupHistory

  constructor(db: Database, options: { retention?: () => Retention } = {}) {
    this.#db = db
    db.exec(RESULT_SCHEMA)
    this.rollups = new RollupStore(db)
    migrateResultSchema(db)
    this.history = new RollupHistory(this.rollups, { retention: options.retention })

    // ON CONFLICT (id) rather than OR IGNORE: only a duplicate id is skipped, while a
    // row that breaks another constraint still fails loudly instead of vanishing.
    this.#insertResult = db.prepare<
      [string, string, string, string, number, CheckStatus, number, string | null, string]
    >(
      `INSERT INTO results (id, check_id, region, probe_id, scheduled_at, status, duration_ms, error_code, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    )
    // A late result (replayed from a probe's outbox) must not hide a newer one.
    this.#upsertLatest = db.prepare<[string, string, number, string, string]>(
      `INSERT INTO latest_results (check_id, region, scheduled_at, id, json) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (check_id, region) DO UPDATE SET
         scheduled_at = excluded.scheduled_at, id = excluded.id, json = excluded.json
       WHERE (excluded.scheduled_at, excluded.id) > (latest_results.scheduled_at, latest_results.id)`,
    )
    this.#latestPerRegion = db.prepare<[string], JsonRow>(
      'SELECT json FROM latest_results WHERE check_id = ? ORDER BY region',
    )
    this.#recent = db.prepare<[string, number], JsonRow>(
      'SELECT json FROM results WHERE check_id = ? ORDER BY scheduled_at DESC, id DESC LIMIT ?',
    )
    this.#recentInRegion = db.prepare<[string, string, number], JsonRow>(
      `SELECT json FROM results WHERE check_id = ? AND region = ?
       ORDER BY scheduled_at DESC, id DESC LIMIT ?`,
    )
    const checkIds = db.prepare<[], { checkId: string }>(
      'SELECT DISTINCT check_id AS checkId FROM latest_results',
    )
    const pruneCheck = db.prepare<[string, number]>(
      'DELETE FROM results WHERE check_id = ? AND scheduled_at < ?',
    )
    // Every stored result has a latest_results row, so its check ids cover all raw rows.
    this.#prune = db.transaction((olderThan: number) => {
      let deleted = 0
      for (const { checkId } of checkIds.all()) {
        deleted += pruneCheck.run(checkId, olderThan).changes
      }
      return deleted
    })
    this.#insertBatch = db.transaction((results: CheckResult[], options: InsertOptions) =>
      this.#insertInTransaction(results, options),
    )
  }

  /**
   * Stores a batch in one transaction and returns the results that were new.
   * Duplicates (by id, within the batch or from an earlier delivery) are skipped and
   * not counted in rollups. A result is rolled up into the minute of its
   * `scheduledAt`, so late deliveries land where they belong, and judged against
   * maintenance windows at that time too.
   *
   * @example
   * const fresh = store.insert(batch.results) // feed only `fresh` to the alert engine
   * store.insert(batch.results, { inMaintenance: silences.resultPredicate(checks) })
   */
  insert(results: CheckResult[], options: InsertOptions = {}): CheckResult[] {
    if (results.length === 0) return []
    return this.#insertBatch(results, options)
  }

  #insertInTransaction(results: CheckResult[], options: InsertOptions): CheckResult[] {
    const inserted: CheckResult[] = []
    const runs: RunSample[] = []
    const newest = new Map<string, { result: CheckResult; json: string }>()
    for (const result of results) {
      const json = JSON.stringify(result)
      const { changes } = this.#insertResult.run(
        result.id,
        result.checkId,
        result.region,
        result.probeId,
        result.scheduledAt,
        result.status,
        result.durationMs,
        result.error?.code ?? null,
        json,
      )
      if (changes === 0) continue
      inserted.push(result)

      // Latest results and rollups are per series: the region, or the probe of a host check.
      const series = seriesOf(result)
      const pair = `${result.checkId}\u0000${series}`
      const current = newest.get(pair)?.result
      if (!current || isNewer(result, current)) newest.set(pair, { result, json })
      runs.push({
        checkId: result.checkId,
        series,
        at: result.scheduledAt,
        status: result.status,
        durationMs: result.durationMs,
        maintenance: options.inMaintenance?.(result) ?? false,
      })
    }
    for (const { result, json } of newest.values()) {
      this.#upsertLatest.run(result.checkId, seriesOf(result), result.scheduledAt, result.id, json)
    }
    // A batch holds several results per (check, region) and per minute; the rollups fold
    // them, so each row touched is written once.
    this.rollups.addRuns(runs)
    return inserted
  }

  /**
   * The newest result of each region that ever reported, keyed by region (by probe id
   * for host checks, see `seriesOf`). Kept apart from raw results, so it survives `pruneRaw`.
   */
  latestPerRegion(checkId: string): Record<string, CheckResult> {
    const latest: Record<string, CheckResult> = {}
    for (const { json } of this.#latestPerRegion.all(checkId)) {
      const result = JSON.parse(json) as CheckResult
      latest[seriesOf(result)] = result
    }
    return latest
  }

  /** Up to `limit` raw results of a check (optionally of one region), newest first. */
  recent(checkId: string, limit: number, region?: string): CheckResult[] {
    const rows =
      region === undefined
        ? this.#recent.all(checkId, limit)
        : this.#recentInRegion.all(checkId, region, limit)
    return rows.map(({ json }) => JSON.parse(json) as CheckResult)
  }

  /**
   * Counts per region (per probe id for host checks) over the rollup minutes that start
   * in `[from, to)`. Regions without results in the range are absent.
   */
  regionCounts(checkId: string, from: number, to: number): Record<string, StatusCounts> {
    return this.regionCountsOver(checkId, [{ from, to }])[0]!
  }

  /** regionCounts for several windows, from one read of the check's rollups. */
  regionCountsOver(
    checkId: string,
    windows: readonly { from: number; to: number }[],
  ): Record<string, StatusCounts>[] {
    return this.history.totals(checkId, windows, { latency: false }).map((total) => {
      const counts: Record<string, StatusCounts> = {}
      for (const [region, { runs }] of Object.entries(total.regions)) {
        if (runs.up + runs.degraded + runs.down + runs.inconclusive + runs.maintenance > 0) {
          counts[region] = runs
        }
      }
      return counts
    })
  }

  /**
   * Counts summed over regions in consecutive buckets of `bucketMs` starting at `from`,
   * up to `to` (a last partial bucket is included). Every bucket is present, with zero
   * counts when it has no results, so that a status bar can show the gaps.
   * A rollup minute goes to the bucket its start falls in; use whole minutes.
   *
   * @example store.buckets('api', hourAgo, now, 60_000) // 60 one-minute buckets
   */
  buckets(
    checkId: string,
    from: number,
    to: number,
    bucketMs: number,
  ): Array<{ start: number } & StatusCounts> {
    if (!(bucketMs > 0)) throw new RangeError(`bucketMs must be positive, got ${bucketMs}`)
    const buckets: Array<{ start: number } & StatusCounts> = []
    for (let start = from; start < to; start += bucketMs) buckets.push({ start, ...emptyCounts() })
    if (to <= from) return buckets
    const minutes = this.history.overall(checkId, { from, to, grain: 'minute' })
    for (const minute of minutes) {
      if (minute.start < from || minute.start >= to) continue
      const bucket = buckets[Math.floor((minute.start - from) / bucketMs)]
      if (bucket) addCounts(bucket, minute.runs)
    }
    return buckets
  }

  /** When the check's first stored result was scheduled (survives raw pruning), or null. */
  firstResultAt(checkId: string): number | null {
    return this.rollups.firstResultAt(checkId)
  }

  /** Number of raw results stored, for one check or all. */
  countRaw(checkId?: string): number {
    const row =
      checkId === undefined
        ? this.#db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM results').get()
        : this.#db
            .prepare<[string], { n: number }>(
              'SELECT COUNT(*) AS n FROM results WHERE check_id = ?',
            )
            .get(checkId)
    return row?.n ?? 0
  }

  /** Number of results counted in rollups (all statuses, and maintenance), for one check or all. */
  countRollup(checkId?: string): number {
    return this.rollups.countRuns(checkId)
  }

  /**
   * Deletes raw results scheduled before `olderThan` and returns how many went.
   * Rollups and each region's latest result are kept. Run it often (e.g. hourly) so
   * each run deletes a small slice: the delete holds the write lock while it runs.
   *
   * Dedupe looks at raw ids, so retention must stay well above the longest time a probe
   * may hold a result before delivering it (its outbox age limit): a result re-delivered
   * after its raw row was pruned would be stored and counted again.
   */
  pruneRaw(olderThan: number): number {
    return this.#prune(olderThan)
  }
}

/** Orders results as `recent` does: by scheduledAt, then by id (ULIDs sort by creation). */
function isNewer(a: CheckResult, b: CheckResult): boolean {
  return a.scheduledAt > b.scheduledAt || (a.scheduledAt === b.scheduledAt && a.id > b.id)
}
