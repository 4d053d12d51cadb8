/**
 * Raw results and per-minute rollups in SQLite.
 *
 * Raw rows are kept for a short retention (`pruneRaw`) and serve the "recent results"
 * view. Rollups hold counts per status for each (check, region, minute) and are kept:
 * availability and status-page bars read them, so they stay cheap however long the
 * hub has been running. The newest result of each (check, region) is kept apart for
 * the status page.
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
import { addCounts, emptyCounts, minuteStart, type StatusCounts } from './status-counts.ts'

export type { StatusCounts } from './status-counts.ts'

/** Sums the counters of rollup rows; shared by every aggregate query. */
const SUM_COUNTS = `
  COALESCE(SUM(up), 0) AS up,
  COALESCE(SUM(degraded), 0) AS degraded,
  COALESCE(SUM(down), 0) AS down,
  COALESCE(SUM(inconclusive), 0) AS inconclusive,
  COALESCE(SUM(maintenance), 0) AS maintenance,
  COALESCE(SUM(duration_sum), 0) AS durationSum,
  COALESCE(MAX(duration_max), 0) AS durationMax
`

type JsonRow = { json: string }

/** What one batch adds to one rollup row. */
interface RollupDelta {
  checkId: string
  region: string
  minute: number
  firstAt: number
  counts: StatusCounts
}

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
  readonly #upsertRollup
  readonly #latestPerRegion
  readonly #recent
  readonly #recentInRegion
  readonly #regionCounts
  readonly #minuteCounts
  readonly #firstResultAt
  readonly #prune: (olderThan: number) => number
  readonly #insertBatch: (results: CheckResult[], options: InsertOptions) => CheckResult[]

  constructor(db: Database) {
    this.#db = db
    db.exec(RESULT_SCHEMA)
    migrateResultSchema(db)

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
    this.#upsertRollup = db.prepare<
      [string, number, string, number, number, number, number, number, number, number, number]
    >(
      `INSERT INTO rollup_minute
         (check_id, minute_start, region, up, degraded, down, inconclusive, maintenance,
          duration_sum, duration_max, first_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (check_id, minute_start, region) DO UPDATE SET
         up = up + excluded.up,
         degraded = degraded + excluded.degraded,
         down = down + excluded.down,
         inconclusive = inconclusive + excluded.inconclusive,
         maintenance = maintenance + excluded.maintenance,
         duration_sum = duration_sum + excluded.duration_sum,
         duration_max = max(duration_max, excluded.duration_max),
         first_at = min(first_at, excluded.first_at)`,
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
    this.#regionCounts = db.prepare<[string, number, number], StatusCounts & { region: string }>(
      `SELECT region, ${SUM_COUNTS} FROM rollup_minute
       WHERE check_id = ? AND minute_start >= ? AND minute_start < ?
       GROUP BY region`,
    )
    this.#minuteCounts = db.prepare<
      [string, number, number],
      StatusCounts & { minuteStart: number }
    >(
      `SELECT minute_start AS minuteStart, ${SUM_COUNTS} FROM rollup_minute
       WHERE check_id = ? AND minute_start >= ? AND minute_start < ?
       GROUP BY minute_start`,
    )
    this.#firstResultAt = db.prepare<{ checkId: string }, { first: number | null }>(
      `SELECT MIN(first_at) AS first FROM rollup_minute
       WHERE check_id = :checkId
         AND minute_start = (SELECT MIN(minute_start) FROM rollup_minute WHERE check_id = :checkId)`,
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
    // A batch holds several results per (check, region) and per minute; folding them
    // here turns one upsert per result into one per row touched.
    const rollups = new Map<string, RollupDelta>()
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

      const minute = minuteStart(result.scheduledAt)
      const key = `${pair}\u0000${minute}`
      let delta = rollups.get(key)
      if (!delta) {
        const { checkId, scheduledAt } = result
        delta = { checkId, region: series, minute, firstAt: scheduledAt, counts: emptyCounts() }
        rollups.set(key, delta)
      }
      delta.firstAt = Math.min(delta.firstAt, result.scheduledAt)
      if (options.inMaintenance?.(result)) {
        delta.counts.maintenance += 1
      } else if (result.status === 'inconclusive') {
        delta.counts.inconclusive += 1
      } else {
        delta.counts[result.status] += 1
        delta.counts.durationSum += result.durationMs
        delta.counts.durationMax = Math.max(delta.counts.durationMax, result.durationMs)
      }
    }
    for (const { result, json } of newest.values()) {
      this.#upsertLatest.run(result.checkId, seriesOf(result), result.scheduledAt, result.id, json)
    }
    for (const { checkId, region, minute, firstAt, counts } of rollups.values()) {
      this.#upsertRollup.run(
        checkId,
        minute,
        region,
        counts.up,
        counts.degraded,
        counts.down,
        counts.inconclusive,
        counts.maintenance,
        counts.durationSum,
        counts.durationMax,
        firstAt,
      )
    }
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
    const counts: Record<string, StatusCounts> = {}
    for (const { region, ...row } of this.#regionCounts.all(checkId, from, to)) counts[region] = row
    return counts
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
    for (const { minuteStart: start, ...counts } of this.#minuteCounts.all(checkId, from, to)) {
      const bucket = buckets[Math.floor((start - from) / bucketMs)]
      if (bucket) addCounts(bucket, counts)
    }
    return buckets
  }

  /** When the check's first stored result was scheduled (survives raw pruning), or null. */
  firstResultAt(checkId: string): number | null {
    return this.#firstResultAt.get({ checkId })?.first ?? null
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
    const total = 'COALESCE(SUM(up + degraded + down + inconclusive + maintenance), 0) AS n'
    const row =
      checkId === undefined
        ? this.#db.prepare<[], { n: number }>(`SELECT ${total} FROM rollup_minute`).get()
        : this.#db
            .prepare<[string], { n: number }>(
              `SELECT ${total} FROM rollup_minute WHERE check_id = ?`,
            )
            .get(checkId)
    return row?.n ?? 0
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
