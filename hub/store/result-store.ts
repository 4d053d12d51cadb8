/**
 * Raw results and per-minute rollups in SQLite.
 *
 * Raw results are kept for a short retention (`pruneRaw`), compact (result-schema.ts),
 * and serve the "recent results" view and incident samples. Rollups (hub/history/) hold
 * counts per status, durations and a latency histogram for each (check, region) per
 * minute, hour and day: availability, charts and status-page bars read them, so they
 * stay cheap however long the hub has been running. The newest result of each (check,
 * region) is kept apart for the status page.
 *
 * In the hub, probes' results are written by a writer thread (result-writer.ts) through
 * `write`: committed to a journal before their batch is acked, folded into the per-check
 * tables and the rollups every few seconds. `insert` stores on the calling connection,
 * at once: for the results the hub measures itself, tests and tools.
 *
 * Ingest is exactly-once: a result (check, time, id) is stored once, and a rollup counts
 * it in the same transaction that moves it into the per-check tables, so a re-delivered
 * batch changes nothing.
 *
 * A result measured inside a maintenance window of its check is stored as it came, but
 * its rollup counts it as `maintenance` instead of under its status, so availability
 * and status bars read from rollups leave it out without knowing about windows.
 */
import type { CheckResult } from '../../checks/result.ts'
import { seriesOf } from '../../checks/spec.ts'
import { WAL_AUTOCHECKPOINT_PAGES, type Database } from './database.ts'
import { openResultTables, type MigrationReport } from './result-schema.ts'
import { addCounts, emptyCounts, type StatusCounts } from './status-counts.ts'
import { RollupStore } from '../history/rollup-store.ts'
import { RollupHistory } from '../history/history-reader.ts'
import type { Retention } from '../history/retention.ts'
import type { Logger } from '../../lib/logger.ts'
import { ResultNames } from './result-names.ts'
import { ResultReads } from './result-reads.ts'
import { encodeBatch } from './result-batch.ts'
import { decodeCheckEntries } from './result-blocks.ts'
import { ResultRows } from './result-rows.ts'
import { RawResultPruner } from './result-prune.ts'
import type { ResultWriter } from './result-writer.ts'

export type { StatusCounts } from './status-counts.ts'

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
  readonly #reads: ResultReads
  readonly #names: ResultNames
  readonly #rows: ResultRows
  readonly #insertBatch: (results: CheckResult[], options: InsertOptions) => CheckResult[]
  readonly #prune: (olderThan: number) => number
  #writer: ResultWriter | null = null
  /**
   * The newest result of each series stored through the writer, by check: the journal
   * reaches latest_results only when it is folded, and latestPerRegion must not wait.
   */
  readonly #latest = new Map<string, Map<string, CheckResult>>()

  /** The rollups ingest keeps current; write access for the state roller and retention. */
  readonly rollups: RollupStore
  /** Reads the rollups: windows, buckets, totals (hub/history/history-types.ts). */
  readonly history: RollupHistory
  /** What opening this database moved from an older hub's format. */
  readonly migrated: MigrationReport

  constructor(db: Database, options: { retention?: () => Retention; logger?: Logger } = {}) {
    this.#db = db
    this.rollups = new RollupStore(db)
    this.migrated = openResultTables(db)
    if (this.migrated.results > 0) {
      options.logger?.info({ ...this.migrated }, 'moved stored results to the compact format')
    }
    this.history = new RollupHistory(this.rollups, { retention: options.retention })
    const names = (this.#names = ResultNames.of(db))
    this.#reads = new ResultReads(db)
    this.#rows = new ResultRows(db, names, this.rollups)
    const insertBatch = db.transaction((results: CheckResult[], options: InsertOptions) => {
      const entries = decodeCheckEntries(encodeBatch(results, names))
      const fresh = this.#rows.insertNow(
        entries,
        (i) => options.inMaintenance?.(results[i]!) ?? false,
      )
      return results.filter((_, i) => fresh[i])
    })
    this.#insertBatch = (results, options) => {
      try {
        const inserted = insertBatch.immediate(results, options)
        this.#rows.settle()
        // insertNow stored every name handed out so far.
        const last = names.unpersisted().at(-1)
        if (last) names.persisted(last[0])
        return inserted
      } catch (error) {
        this.#rows.rollback()
        throw error
      }
    }
    const raw = new RawResultPruner(db)
    this.#prune = db.transaction((olderThan: number) => {
      let deleted = 0
      for (const check of raw.checks()) deleted += raw.prune(check, olderThan, Infinity)
      return deleted
    })
  }

  /**
   * Hands `write` to a writer thread (result-writer.ts) on this database. Without one,
   * `write` stores on this connection, as `insert` does.
   */
  attachWriter(writer: ResultWriter | null): void {
    this.#writer = writer
    writer?.onNamesStored((code) => this.#names.persisted(code))
    this.#rows.leaveJournalTo(writer !== null)
    // The writer's checkpointer thread checkpoints; this connection must not, on the event loop.
    this.#db.pragma(`wal_autocheckpoint = ${writer ? 0 : WAL_AUTOCHECKPOINT_PAGES}`)
  }

  /** True when `write` goes through a writer thread, and so settles later. */
  writesInBackground(): boolean {
    return this.#writer !== null
  }

  /**
   * Stores a batch in one transaction and returns the results that were new.
   * Duplicates (by check, time and id, within the batch or from an earlier delivery)
   * are skipped and not counted in rollups. A result is rolled up into the minute of its
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

  /**
   * Stores a batch through the writer thread, when one is attached, and resolves with
   * the results that were new once they are committed (durable: the batch may be acked).
   * They reach the rollups when the writer next folds its journal, within seconds; raw
   * reads and latestPerRegion see them at once. Asks `inMaintenance` of every result.
   */
  async write(results: CheckResult[], options: InsertOptions = {}): Promise<CheckResult[]> {
    if (results.length === 0) return []
    const writer = this.#writer
    if (!writer) return this.insert(results, options)
    const inMaintenance = options.inMaintenance
    const entries = encodeBatch(results, this.#names, (i) => inMaintenance?.(results[i]!) ?? false)
    const fresh = await writer.write(entries, [...this.#names.unpersisted()])
    const stored: CheckResult[] = []
    for (let i = 0; i < results.length; i++) {
      if (fresh[i] !== 1) continue
      const result = results[i]!
      stored.push(result)
      let series = this.#latest.get(result.checkId)
      if (!series) this.#latest.set(result.checkId, (series = new Map()))
      const name = seriesOf(result)
      const current = series.get(name)
      if (!current || isNewer(result, current)) series.set(name, result)
    }
    return stored
  }

  /**
   * The newest result of each region that ever reported, keyed by region (by probe id
   * for host checks, see `seriesOf`). Kept apart from raw results, so it survives `pruneRaw`.
   */
  latestPerRegion(checkId: string): Record<string, CheckResult> {
    const latest = this.#reads.latest(checkId)
    for (const [series, result] of this.#latest.get(checkId) ?? []) {
      const stored = latest.get(series)
      if (!stored || isNewer(result, stored)) latest.set(series, result)
    }
    return Object.fromEntries([...latest].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  }

  /** Up to `limit` raw results of a check (optionally of one region), newest first. */
  recent(checkId: string, limit: number, region?: string): CheckResult[] {
    return this.#reads.recent(checkId, limit, region)
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

  /** Number of raw results stored (folded or not), for one check or all. */
  countRaw(checkId?: string): number {
    return this.#reads.count(checkId)
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
