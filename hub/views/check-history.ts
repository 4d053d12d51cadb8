/**
 * A check's history for charts and any availability window, built from rollups
 * (hub/history/) and outages: the same availability rules as the check view
 * (availability.ts), over any window from an hour to the whole retention.
 */
import type { CheckSpec } from '../../checks/spec.ts'
import type { Outage } from '../alerts/alert-state.ts'
import {
  GRAIN_MS,
  type Grain,
  type HistoryReader,
  type LatencySummary,
  type RollupBucket,
} from '../history/history-types.ts'
import {
  checkAvailability,
  countAvailability,
  type Availability,
  type TimeWindow,
} from './availability.ts'

const MIN = GRAIN_MS.minute
const HOUR = GRAIN_MS.hour
const DAY = GRAIN_MS.day

/** Windows that have a name; any other is asked for with from and to. */
export const NAMED_WINDOWS: Readonly<Record<string, number>> = {
  '1h': HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
  '90d': 90 * DAY,
}

/** Most buckets one history answer holds: a year of days, or 25 hours of minutes. */
export const MAX_BUCKETS = 1_500

export interface HistorySources {
  history: HistoryReader
  outages: (checkId: string, from: number, to: number) => Outage[]
  maintenanceWindows?: (
    check: { id: string; tags: string[] },
    from: number,
    to: number,
  ) => TimeWindow[]
}

/** A bucket with its availability: time-based overall, count-based for a region. */
export interface HistoryBucket extends RollupBucket {
  availability: number | null
}

export interface CheckHistoryView {
  checkId: string
  from: number
  to: number
  /** Bucket length in ms. */
  step: number
  /** The rollups the buckets were read from. */
  grain: Grain
  buckets: HistoryBucket[]
  /** Per region (probe id for host checks), for series with data in the range. */
  regions: Record<string, HistoryBucket[]>
}

/** A check over one window: availability, latency, runs, state time and slices. */
export interface WindowView {
  checkId: string
  from: number
  to: number
  /** The finest grain the window's edges were read at (see HistoryTotal.edgeGrain). */
  edgeGrain: Grain
  availability: Availability
  latency: LatencySummary | null
  runs: RollupBucket['runs']
  time: RollupBucket['time']
  slices: RollupBucket['slices']
  regionLatency: Record<string, LatencySummary | null>
}

/** A history request that cannot be answered, with the reason in the caller's terms. */
export class HistoryRequestError extends Error {}

/** The grain a step is read at: the coarsest one it is a multiple of. */
export function grainFor(step: number): Grain {
  if (step % DAY === 0) return 'day'
  if (step % HOUR === 0) return 'hour'
  if (step % MIN === 0) return 'minute'
  throw new HistoryRequestError(`step must be a whole number of minutes, got ${step} ms`)
}

/**
 * Buckets of `step` over `[from, to)` for one check.
 *
 * @example buildCheckHistory(sources, spec, { from: now - 30 * DAY, to: now, step: DAY }, now)
 */
export function buildCheckHistory(
  sources: HistorySources,
  spec: CheckSpec,
  range: { from: number; to: number; step: number },
  now: number,
): CheckHistoryView {
  const { from, to, step } = range
  if (!(to > from)) throw new HistoryRequestError(`to (${to}) must be after from (${from})`)
  const grain = grainFor(step)
  const count = Math.ceil(to / step) - Math.floor(from / step)
  if (count > MAX_BUCKETS) {
    throw new HistoryRequestError(
      `${count} buckets of ${step} ms is more than ${MAX_BUCKETS}; ask for a larger step or a shorter range`,
    )
  }
  const oldest = sources.history.coverage(now)[grain]
  if (oldest !== null && from < oldest) {
    throw new HistoryRequestError(
      `${grain} rollups reach back to ${new Date(oldest).toISOString()}; ask for a larger step or a later from`,
    )
  }
  const query = { from, to, grain, step }
  const overall = sources.history.overall(spec.id, query)
  const first = overall[0]?.start ?? from
  const last = overall.at(-1)?.end ?? to
  const outages = sources.outages(spec.id, first, last)
  const maintenance = sources.maintenanceWindows?.(spec, first, last) ?? []
  const monitoredSince = sources.history.firstResultAt(spec.id)
  const buckets = overall.map((bucket) => ({
    ...bucket,
    availability: checkAvailability({
      window: { from: bucket.start, to: Math.min(bucket.end, now) },
      regionCounts: { all: bucket.runs },
      outages,
      monitoredSince,
      maintenance,
    }).overall,
  }))
  const regions: Record<string, HistoryBucket[]> = {}
  for (const [region, series] of Object.entries(sources.history.regions(spec.id, query))) {
    regions[region] = series.map((bucket) => ({
      ...bucket,
      availability: countAvailability(bucket.runs),
    }))
  }
  return { checkId: spec.id, from: first, to: last, step, grain, buckets, regions }
}

/**
 * One check over `[from, to)`, from the coarsest rollups that answer it exactly.
 *
 * @example buildWindowView(sources, spec, now - 90 * DAY, now).availability.overall
 */
export function buildWindowView(
  sources: HistorySources,
  spec: CheckSpec,
  from: number,
  to: number,
  regions: string[] = [],
): WindowView {
  if (!(to > from)) throw new HistoryRequestError(`to (${to}) must be after from (${from})`)
  const total = sources.history.total(spec.id, from, to)
  const window = { from, to }
  const availability = checkAvailability({
    window,
    regionCounts: Object.fromEntries(Object.entries(total.regions).map(([r, b]) => [r, b.runs])),
    outages: sources.outages(spec.id, from, to),
    monitoredSince: sources.history.firstResultAt(spec.id),
    regions,
    maintenance: sources.maintenanceWindows?.(spec, from, to) ?? [],
  })
  return {
    checkId: spec.id,
    from: total.from,
    to: total.to,
    edgeGrain: total.edgeGrain,
    availability,
    latency: total.overall.latency,
    runs: total.overall.runs,
    time: total.overall.time,
    slices: total.overall.slices,
    regionLatency: Object.fromEntries(
      Object.entries(total.regions).map(([r, b]) => [r, b.latency]),
    ),
  }
}
