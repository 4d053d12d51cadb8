/**
 * Availability arithmetic, pure so that every edge is unit-tested.
 *
 * - Per region it is count-based: the share of conclusive runs that passed. One
 *   region's bad network shows there without making the whole check look down.
 * - Overall it is time-based: the share of the window not covered by a confirmed
 *   outage (the alert engine's quorum decision), so a single failing region that
 *   never reached the quorum does not cost the check availability.
 *
 * Inconclusive runs (a sick probe) count for neither side, and neither does
 * maintenance: runs inside a maintenance window are rolled up apart (so the counts
 * leave them out), and maintenance time leaves both the window and the outage time.
 */
import type { Outage } from '../alerts/alert-state.ts'
import type { StatusCounts } from '../store/status-counts.ts'

/** A time range in epoch ms, `from` inclusive, `to` exclusive. */
export interface TimeWindow {
  from: number
  to: number
}

/** Availability of one check over one window; null where there is nothing to measure. */
export interface Availability {
  /** Time-based: 1 − (time in confirmed outages) / (monitored time in the window). */
  overall: number | null
  /** Count-based, per region: (up + degraded) / (up + degraded + down). */
  regions: Record<string, number | null>
}

/**
 * Count-based availability: degraded runs still served, so they count as available.
 * Returns null when there was no conclusive run.
 *
 * @example countAvailability({ up: 9, degraded: 0, down: 1, inconclusive: 5, ... }) // 0.9
 */
export function countAvailability(c: StatusCounts): number | null {
  const conclusive = c.up + c.degraded + c.down
  return conclusive === 0 ? null : (c.up + c.degraded) / conclusive
}

/**
 * Time-based availability over `window`, which starts no earlier than
 * `monitoredSince` (a check added ten minutes ago is judged on those ten minutes).
 * Overlapping outages count once; an open outage (`endedAt` null) runs to the end of
 * the window. Time in `maintenance` is taken out of the window and out of the outages:
 * a planned hour of downtime in a day leaves 23 hours to judge. Returns null when
 * nothing in the window was monitored (or all of it was maintenance).
 *
 * @example
 * // a 6-minute outage in the last hour
 * const outage = { startedAt: now - 10 * MIN, endedAt: now - 4 * MIN, ... }
 * timeAvailability([outage], { from: now - HOUR, to: now }, 0) // 0.9
 */
export function timeAvailability(
  outages: Outage[],
  window: TimeWindow,
  monitoredSince: number | null,
  maintenance: TimeWindow[] = [],
): number | null {
  if (monitoredSince === null) return null
  const from = Math.max(window.from, monitoredSince)
  const to = window.to
  if (to <= from) return null
  const down = outages.map((outage) => ({ from: outage.startedAt, to: outage.endedAt ?? to }))
  const planned = coveredTime(maintenance, from, to)
  const judged = to - from - planned
  if (judged <= 0) return null
  const unplanned = coveredTime([...down, ...maintenance], from, to) - planned
  return 1 - unplanned / judged
}

/** Milliseconds of `[from, to)` covered by at least one of `spans`. */
function coveredTime(spans: TimeWindow[], from: number, to: number): number {
  const intervals = spans
    .map((span) => ({ start: Math.max(span.from, from), end: Math.min(span.to, to) }))
    .filter((interval) => interval.end > interval.start)
    .sort((a, b) => a.start - b.start)
  let covered = 0
  let run: { start: number; end: number } | null = null
  for (const interval of intervals) {
    if (run && interval.start <= run.end) {
      run.end = Math.max(run.end, interval.end)
    } else {
      if (run) covered += run.end - run.start
      run = { ...interval }
    }
  }
  if (run) covered += run.end - run.start
  return covered
}

/** What `checkAvailability` needs for one check and one window. */
export interface CheckAvailabilityInput {
  window: TimeWindow
  /** Rollup counts per region for the window (from `ResultStore.regionCounts`). */
  regionCounts: Record<string, StatusCounts>
  /** Confirmed outages that overlap the window. */
  outages: Outage[]
  /** When the check's first result was scheduled, or null when it has none. */
  monitoredSince: number | null
  /** Regions to report even without data (as null), e.g. the check's configured regions. */
  regions?: string[]
  /** The check's maintenance windows in the window: time that counts neither as up nor down. */
  maintenance?: TimeWindow[]
}

/**
 * Overall (time-based) and per-region (count-based) availability of one check.
 *
 * When no region has a conclusive run in the window and no outage touches it, the
 * overall figure is null rather than 100%: with every probe inconclusive (or silent),
 * nothing was actually measured, and a status page should say so.
 */
export function checkAvailability(input: CheckAvailabilityInput): Availability {
  const regions: Record<string, number | null> = {}
  for (const region of input.regions ?? []) regions[region] = null
  let measured = false
  for (const [region, counts] of Object.entries(input.regionCounts)) {
    const availability = countAvailability(counts)
    regions[region] = availability
    if (availability !== null) measured = true
  }
  const { from, to } = input.window
  const outageInWindow = input.outages.some(
    (outage) => outage.startedAt < to && (outage.endedAt === null || outage.endedAt > from),
  )
  const overall =
    measured || outageInWindow
      ? timeAvailability(input.outages, input.window, input.monitoredSince, input.maintenance)
      : null
  return { overall, regions }
}
