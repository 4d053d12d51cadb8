/**
 * The history read API: what the hub keeps of every check over time, at three grains
 * (minute, hour, day), for charts, availability and latency over any window, SLOs and
 * status pages. Everything outside hub/history/ reads history through `HistoryReader`
 * and these types only, so how rollups are stored and pruned can change behind them.
 *
 * A bucket describes one series of a check: the check as a whole (by its quorum
 * verdict), or one region (one probe for host checks). Buckets are aligned to their
 * grain in UTC and cover `[start, end)`. See docs/history.md.
 */
import type { StatusCounts } from '../store/status-counts.ts'

export type { StatusCounts } from '../store/status-counts.ts'

export type Grain = 'minute' | 'hour' | 'day'

export const GRAIN_MS: Readonly<Record<Grain, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
}

/**
 * Milliseconds spent in each state. For the check as a whole these are its quorum
 * verdicts (CheckAlertStatus); for a region, its series state: `up` is passing, `down`
 * failing, and `partial` and `insufficient` stay 0. `unknown` is time without a verdict:
 * before the first result, while the hub was not running, and for a region also while
 * it was inconclusive or offline. `maintenance` is time inside a maintenance window,
 * whatever the state was. The fields of a bucket add up to the time the hub recorded,
 * at most `end - start`.
 */
export interface StateTime {
  up: number
  degraded: number
  partial: number
  down: number
  insufficient: number
  unknown: number
  maintenance: number
}

/** The states of StateTime, in display order. */
export const STATE_TIME_KEYS = [
  'up',
  'degraded',
  'partial',
  'down',
  'insufficient',
  'unknown',
  'maintenance',
] as const satisfies readonly (keyof StateTime)[]

/**
 * Latency of the conclusive runs in a bucket, outside maintenance. Percentiles come from
 * a histogram with log buckets 10 % wide, so they are within 5 % of the true value;
 * `meanMs` and `maxMs` are exact.
 */
export interface LatencySummary {
  count: number
  meanMs: number
  maxMs: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
}

/**
 * Minute slices of the check as a whole, what SLOs are computed from: `valid` minutes had
 * a verdict (up, degraded, partial or down) outside maintenance; `bad` minutes are the
 * valid ones in which the check was DOWN by quorum at any moment. Zero for a region.
 */
export interface Slices {
  valid: number
  bad: number
}

/** One series of one check over one bucket. */
export interface RollupBucket {
  start: number
  end: number
  /** Runs by status; summed over regions for the check as a whole. */
  runs: StatusCounts
  time: StateTime
  slices: Slices
  latency: LatencySummary | null
}

/**
 * Buckets over `[from, to)` read at `grain`, each `step` long (a multiple of the grain,
 * default one grain); `from` and `to` are rounded out to multiples of the step counted
 * from the epoch (so a 6h step starts at 00:00, 06:00, ... UTC).
 */
export interface HistoryQuery {
  from: number
  to: number
  grain: Grain
  step?: number
}

/** A check's totals over a window, per series. */
export interface HistoryTotal {
  from: number
  to: number
  overall: RollupBucket
  /** By region (probe id for host checks), for every series with data in the window. */
  regions: Record<string, RollupBucket>
  /**
   * The finest grain the total could be built from at its edges: `minute` while minute
   * rollups still cover `from`, else `hour`, else `day`. A window edge inside a coarser
   * bucket is rounded out to it.
   */
  edgeGrain: Grain
}

/**
 * Reads rollups. Every method answers from the coarsest rollups that give the exact
 * answer: days where a whole day is asked, then hours, then minutes.
 *
 * @example
 * const days = history.overall('api', { from: now - 90 * DAY, to: now, grain: 'day' })
 * const uptime = days.map((d) => 1 - d.time.down / (d.time.up + d.time.degraded + d.time.partial + d.time.down))
 * history.total('api', now - 30 * DAY, now).overall.latency?.p95Ms
 */
export interface HistoryReader {
  /** The check as a whole: every bucket of the range, oldest first, empty ones included. */
  overall(checkId: string, query: HistoryQuery): RollupBucket[]
  /** The same per region (per probe id for host checks), for series with data in the range. */
  regions(checkId: string, query: HistoryQuery): Record<string, RollupBucket[]>
  /** Totals over `[from, to)`, exact to the minute where minute rollups are kept. */
  total(checkId: string, from: number, to: number): HistoryTotal
  /** When the check's first stored result was scheduled, or null. Survives every pruning. */
  firstResultAt(checkId: string): number | null
  /** The oldest time each grain still covers under the retention in force, or null when kept for ever. */
  coverage(now: number): Record<Grain, number | null>
}
