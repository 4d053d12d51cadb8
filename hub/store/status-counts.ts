/**
 * Counts of results per status over a span of time: what a rollup row holds and
 * what availability is computed from.
 */

/** Results of one check (and region) over a time range, from rollups. */
export interface StatusCounts {
  up: number
  degraded: number
  down: number
  inconclusive: number
  /**
   * Runs measured inside a maintenance window of their check, whatever their status:
   * they count neither as up nor as down, and their durations are left out too.
   */
  maintenance: number
  /** Sum of `durationMs` over conclusive runs (up, degraded, down) outside maintenance. */
  durationSum: number
  /** Largest `durationMs` of a conclusive run, 0 when there was none. */
  durationMax: number
}

/** Rollups are per minute: the finest grain a status page or an SLO window needs. */
export const ROLLUP_MS = 60_000

/** Start of the rollup minute that holds `at`. */
export function minuteStart(at: number): number {
  return Math.floor(at / ROLLUP_MS) * ROLLUP_MS
}

/** A `StatusCounts` with nothing in it. */
export function emptyCounts(): StatusCounts {
  return {
    up: 0,
    degraded: 0,
    down: 0,
    inconclusive: 0,
    maintenance: 0,
    durationSum: 0,
    durationMax: 0,
  }
}

/** Adds `from` into `into` (in place) and returns `into`. */
export function addCounts(into: StatusCounts, from: StatusCounts): StatusCounts {
  into.up += from.up
  into.degraded += from.degraded
  into.down += from.down
  into.inconclusive += from.inconclusive
  into.maintenance += from.maintenance
  into.durationSum += from.durationSum
  into.durationMax = Math.max(into.durationMax, from.durationMax)
  return into
}
