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
import { RESULT_SCHEMA } from '../store/result-schema.ts'
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

interface SampleRow {
  id: string
  region: string
  probe_id: string
  scheduled_at: number
  status: CheckStatus
  duration_ms: number
  json: string
}

function errorOf(json: string): SampleResult['error'] {
  try {
    const error = (JSON.parse(json) as { error?: { code?: unknown; message?: unknown } }).error
    if (!error) return null
    return { code: String(error.code ?? ''), message: String(error.message ?? '') }
  } catch {
    // A corrupt row must not take the incident view down with it.
    return { code: 'UNREADABLE', message: 'the stored result is not valid JSON' }
  }
}

/**
 * @example
 * const runs = new IncidentResults(db)
 * runs.failedRuns('api', incident.startedAt, incident.endedAt ?? Date.now())
 */
export class IncidentResults {
  readonly #oldestRaw
  readonly #rawCounts
  readonly #history: RollupHistory
  readonly #samples

  /** Creates the result tables when missing, so it can be built before the ResultStore. */
  constructor(db: Database) {
    db.exec(RESULT_SCHEMA)
    this.#oldestRaw = db.prepare<[string], { oldest: number | null }>(
      'SELECT MIN(scheduled_at) AS oldest FROM results WHERE check_id = ?',
    )
    this.#rawCounts = db.prepare<[string, number, number], { status: CheckStatus; n: number }>(
      `SELECT status, COUNT(*) AS n FROM results
       WHERE check_id = ? AND scheduled_at >= ? AND scheduled_at < ?
       GROUP BY status`,
    )
    this.#history = new RollupHistory(new RollupStore(db))
    // Ranked per region, so the first rows are the first failure of each region and a
    // region that failed later still shows up before a second sample of the first one.
    this.#samples = db.prepare<[string, string, number, number, number], SampleRow>(
      `SELECT id, region, probe_id, scheduled_at, status, duration_ms, json FROM (
         SELECT *, ROW_NUMBER() OVER (PARTITION BY region ORDER BY scheduled_at, id) AS nth
         FROM results
         WHERE check_id = ? AND status IN (SELECT value FROM json_each(?))
           AND scheduled_at >= ? AND scheduled_at < ?
       )
       ORDER BY nth, scheduled_at, id
       LIMIT ?`,
    )
  }

  /**
   * Conclusive runs scheduled in `[from, to)`, by status. Where raw rows were pruned,
   * whole rollup minutes (hours past minute retention) stand in: up to and including the minute of the oldest raw
   * row, so the minute that was pruned halfway is counted once, from its rollup.
   */
  counts(checkId: string, from: number, to: number): RunCounts {
    const counts: RunCounts = { up: 0, degraded: 0, down: 0 }
    if (to <= from) return counts
    const oldest = this.#oldestRaw.get(checkId)?.oldest ?? null
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
      for (const { status, n } of this.#rawCounts.all(checkId, rawFrom, to)) {
        if (status !== 'inconclusive') counts[status] += n
      }
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
    const rows = this.#samples.all(checkId, JSON.stringify(failed), from, to, limit)
    return rows.map((row) => ({
      id: row.id,
      region: row.region,
      probeId: row.probe_id,
      scheduledAt: row.scheduled_at,
      status: row.status,
      error: errorOf(row.json),
      durationMs: row.duration_ms,
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
