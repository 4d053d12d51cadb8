/**
 * Read-only queries over the result tables for one incident's time range: how many
 * runs failed, how many were conclusive, and sample failing results for the report.
 *
 * Raw results are pruned after a short retention while rollups are kept, so counts
 * come from raw rows where they still exist and from minute rollups before that: an
 * old incident's report still says how many runs failed, to the minute. Samples need
 * raw rows, so an incident older than raw retention has none.
 */
import type { CheckStatus } from '../../checks/result.ts'
import type { Database } from '../store/database.ts'
import { openResultTables } from '../store/result-schema.ts'
import { ResultReads } from '../store/result-reads.ts'
import { ROLLUP_MS, minuteStart } from '../store/status-counts.ts'
import { RollupHistory } from '../history/history-reader.ts'
import { RollupStore } from '../history/rollup-store.ts'

/** One stored result as an incident shows it. */
export interface SampleResult {
  id: string
  region: string
  probeId: string
  /** Epoch ms. */
  scheduledAt: number
  status: CheckStatus
  error: { code: string; message: string } | null
  durationMs: number
}

/** Runs of one check over a range, by status; inconclusive runs are left out. */
export interface RunCounts {
  up: number
  degraded: number
  down: number
}

/** What counts as a failed run unless a caller says otherwise. */
const FAILED: readonly CheckStatus[] = ['down']

/**
 * @example
 * const runs = new IncidentResults(db)
 * runs.failedRuns('api', incident.startedAt, incident.endedAt ?? Date.now())
 */
export class IncidentResults {
  readonly #raw: ResultReads
  readonly #history: RollupHistory

  /** Creates the result tables when missing, so it can be built before the ResultStore. */
  constructor(db: Database) {
    this.#history = new RollupHistory(new RollupStore(db))
    openResultTables(db)
    this.#raw = new ResultReads(db)
  }

  /**
   * Conclusive runs scheduled in `[from, to)`, by status. Where raw rows were pruned,
   * whole rollup minutes (hours past minute retention) stand in: up to and including the minute of the oldest raw
   * row, so the minute that was pruned halfway is counted once, from its rollup.
   */
  counts(checkId: string, from: number, to: number): RunCounts {
    const counts: RunCounts = { up: 0, degraded: 0, down: 0 }
    if (to <= from) return counts
    const oldest = this.#raw.oldest(checkId)
    let rawFrom = from
    if (oldest === null || oldest > from) {
      const split = oldest === null ? to : Math.min(to, minuteStart(oldest) + ROLLUP_MS)
      for (const { runs } of Object.values(
        this.#history.total(checkId, minuteStart(from), split).regions,
      )) {
        add(counts, runs)
      }
      rawFrom = split
    }
    if (rawFrom < to) {
      const raw = this.#raw.countByStatus(checkId, rawFrom, to)
      counts.up += raw.up ?? 0
      counts.degraded += raw.degraded ?? 0
      counts.down += raw.down ?? 0
    }
    return counts
  }

  /** Runs in `[from, to)` whose status is one of `failed` (default: down). */
  failedRuns(
    checkId: string,
    from: number,
    to: number,
    failed: readonly CheckStatus[] = FAILED,
  ): number {
    const counts = this.counts(checkId, from, to)
    return failed.reduce((sum, status) => sum + (status === 'inconclusive' ? 0 : counts[status]), 0)
  }

  /** Conclusive runs (up, degraded or down) in `[from, to)`. */
  totalRuns(checkId: string, from: number, to: number): number {
    const { up, degraded, down } = this.counts(checkId, from, to)
    return up + degraded + down
  }

  /**
   * Up to `limit` failing results in `[from, to)`: the first of each region, oldest
   * first, then each region's second, and so on. Only raw rows have samples.
   */
  samples(
    checkId: string,
    from: number,
    to: number,
    limit: number,
    failed: readonly CheckStatus[] = FAILED,
  ): SampleResult[] {
    if (limit <= 0 || to <= from) return []
    return this.#raw.samples(checkId, failed, from, to, limit).map((result) => ({
      id: result.id,
      region: result.region,
      probeId: result.probeId,
      scheduledAt: result.scheduledAt,
      status: result.status,
      error: result.error ? { code: result.error.code, message: result.error.message } : null,
      durationMs: result.durationMs,
    }))
  }

  /** When the check's first result was scheduled (rollups keep it past raw pruning), or null. */
  monitoredSince(checkId: string): number | null {
    return this.#history.firstResultAt(checkId)
  }
}

function add(into: RunCounts, from: RunCounts): void {
  into.up += from.up
  into.degraded += from.degraded
  into.down += from.down
}
