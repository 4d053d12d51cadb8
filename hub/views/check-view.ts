/**
 * The per-check view model: one place that turns specs, stored results, alert state
 * and outages into what the JSON API returns and the status page renders, so the two
 * never disagree.
 */
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { targetOf } from '../../checks/kinds.ts'
import { describeSelector, regionsOf, type CheckKind, type CheckSpec } from '../../checks/spec.ts'
import { checkAvailability, type Availability, type TimeWindow } from './availability.ts'
import type { ResultStore } from '../store/result-store.ts'
import type { ReadModel } from './read-model.ts'
import { ROLLUP_MS, minuteStart, type StatusCounts } from '../store/status-counts.ts'
import type {
  CheckAlertState,
  CheckAlertStatus,
  Outage,
  RegionAlertState,
  RegionLatency,
} from '../alerts/alert-state.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Availability windows shown for every check, longest last. */
export const AVAILABILITY_WINDOWS = { '1h': HOUR, '24h': DAY } as const
export type AvailabilityWindow = keyof typeof AVAILABILITY_WINDOWS

/** Minutes in the status bar and in the detail view. */
export const BAR_MINUTES = 60
/** Raw results in the detail view. */
export const RECENT_RESULTS = 50
/** How far back the detail view lists outages. */
export const OUTAGE_HISTORY_MS = 7 * DAY

/** Where a check's results, alert state and outages come from. */
export interface CheckViewSources {
  results: ResultStore
  /**
   * The hub's read model (read-model.ts): where given, newest results, first times,
   * outages and the 1 h and 24 h counts come from memory instead of a query per check.
   */
  readModel?: ReadModel
  alertState: (checkId: string) => CheckAlertState
  outages: (checkId: string, from: number, to: number) => Outage[]
  /**
   * The check's maintenance time within [from, to) (Silences.maintenanceWindows), left
   * out of its availability. Default: none.
   */
  maintenanceWindows?: (
    check: { id: string; tags: string[] },
    from: number,
    to: number,
  ) => TimeWindow[]
}

/** The gist of one result, as pages and lists show it. */
export interface ResultSummary {
  status: CheckStatus
  /** When the run started (epoch ms). */
  at: number
  durationMs: number
  /**
   * The latency people care about: the ping's average RTT where there is one (a ping
   * run lasts `count` × interval, which says nothing about the network), else the run.
   */
  latencyMs: number
  error: { code: string; message: string } | null
  probeId: string
}

/** One region of a check: the alert engine's view and the last result. */
export interface RegionView {
  state: RegionAlertState
  latest: ResultSummary | null
  /**
   * The latency watch's view (hub/anomaly/): the newest latency against the detector's
   * baseline, the `expect.latency` figures, and why the region is degraded by latency.
   * Absent for checks without a latency, or before the region's first served run.
   */
  latency?: RegionLatency
}

/** A check as the API lists it and the status page shows it. */
export interface CheckView {
  id: string
  name: string
  kind: CheckKind
  /** What is checked: the URL of an HTTP check, the host of a ping. */
  target: string
  tags: string[]
  every: string
  enabled: boolean
  state: {
    status: CheckAlertStatus
    failingRegions: string[]
    since: number | null
    incidentId: string | null
    /** Failing regions needed for DOWN. */
    quorum?: number
    /** True while the check flaps: its alerts are held back. */
    flapping?: boolean
    /** Regions set aside by a region-connectivity alert. */
    inhibitedRegions?: string[]
  }
  /** What the keys of `regions` are: region names, or probe ids for host checks. */
  seriesBy: 'region' | 'probe'
  /**
   * Every configured region, in configured order. For host checks: every probe that
   * reported in the last 24 hours or has an alert state, by probe id.
   */
  regions: Record<string, RegionView>
  availability: Record<AvailabilityWindow, Availability>
}

/** One minute of a status bar: counts over all regions, and the worst status seen. */
export interface MinuteBar extends StatusCounts {
  start: number
  /**
   * The worst conclusive status in the minute; `inconclusive` only when nothing else
   * ran; null without results.
   */
  status: CheckStatus | null
}

/** A check with its recent history, for `GET /api/v1/checks/:id`. */
export interface CheckDetailView extends CheckView {
  /** Newest first. */
  recent: CheckResult[]
  /** The last `BAR_MINUTES` minutes, oldest first, the current (partial) minute last. */
  minutes: MinuteBar[]
  /** Confirmed outages of the last 7 days, oldest first. */
  outages: Outage[]
}

/** The URL, host or other thing a check watches. */
export function checkTarget(spec: CheckSpec): string {
  const what = targetOf(spec)
  return 'on' in spec ? `${what} on ${describeSelector(spec.on)}` : what
}

/**
 * The status a minute of results is shown as. Down wins over degraded over up;
 * inconclusive says nothing about the target, so it shows only when nothing else ran.
 */
export function worstStatus(counts: StatusCounts): CheckStatus | null {
  if (counts.down > 0) return 'down'
  if (counts.degraded > 0) return 'degraded'
  if (counts.up > 0) return 'up'
  if (counts.inconclusive > 0) return 'inconclusive'
  return null
}

function summarize(result: CheckResult): ResultSummary {
  return {
    status: result.status,
    at: result.startedAt,
    durationMs: result.durationMs,
    latencyMs: result.metrics?.rttAvgMs ?? result.durationMs,
    error: result.error ?? null,
    probeId: result.probeId,
  }
}

/** The newest result of each series: from the read model where there is one. */
function latestOf(sources: CheckViewSources, checkId: string): Record<string, ResultSummary> {
  const model = sources.readModel
  const out: Record<string, ResultSummary> = {}
  if (!model) {
    for (const [series, result] of Object.entries(sources.results.latestPerRegion(checkId))) {
      out[series] = summarize(result)
    }
    return out
  }
  for (const [series, run] of model.latest(checkId)) {
    const { status, at, durationMs, latencyMs, error, probeId } = run
    out[series] = { status, at, durationMs, latencyMs, error, probeId }
  }
  return out
}

/** Counts per series over each window: from the read model where it keeps them. */
function countsOf(
  sources: CheckViewSources,
  checkId: string,
  windows: readonly { from: number; to: number }[],
) {
  return (
    sources.readModel?.regionCounts(checkId, windows) ??
    sources.results.regionCountsOver(checkId, windows)
  )
}

/** Builds the view of one check at `now`. */
export function buildCheckView(sources: CheckViewSources, spec: CheckSpec, now: number): CheckView {
  const model = sources.readModel
  const alert = sources.alertState(spec.id)
  const latest = latestOf(sources, spec.id)
  const longest = Math.max(...Object.values(AVAILABILITY_WINDOWS))
  const series = regionsOf(spec) ?? hostSeries(sources, spec.id, alert, now - longest, now)
  const regions: Record<string, RegionView> = {}
  for (const region of series) {
    const result = latest[region]
    const latency = alert.latency?.[region]
    regions[region] = {
      state: alert.regions[region] ?? 'unknown',
      latest: result ?? null,
      ...(latency ? { latency } : {}),
    }
  }

  const monitoredSince = model
    ? model.firstResultAt(spec.id)
    : sources.results.firstResultAt(spec.id)
  const outages = model
    ? model.outages(spec.id, now - longest, now)
    : sources.outages(spec.id, now - longest, now)
  const maintenance = sources.maintenanceWindows?.(spec, now - longest, now) ?? []
  const availability = {} as Record<AvailabilityWindow, Availability>
  const windows = Object.entries(AVAILABILITY_WINDOWS)
  const countsOver = countsOf(
    sources,
    spec.id,
    windows.map(([, length]) => ({ from: now - length, to: now })),
  )
  for (const [index, [name, length]] of windows.entries()) {
    const window = { from: now - length, to: now }
    const counts = countsOver[index]!
    // Regions dropped from the config still have rollups; the view shows configured ones.
    const regionCounts = Object.fromEntries(
      series.flatMap((region) => (counts[region] ? [[region, counts[region]]] : [])),
    )
    availability[name as AvailabilityWindow] = checkAvailability({
      window,
      regionCounts,
      outages,
      monitoredSince,
      regions: series,
      maintenance,
    })
  }

  return {
    id: spec.id,
    name: spec.name ?? spec.id,
    kind: spec.kind,
    target: checkTarget(spec),
    tags: spec.tags,
    every: spec.every,
    enabled: spec.enabled,
    state: {
      status: alert.status,
      failingRegions: alert.failingRegions,
      since: alert.since,
      incidentId: alert.incidentId,
      quorum: alert.quorum,
      flapping: alert.flapping ?? false,
      inhibitedRegions: alert.inhibitedRegions ?? [],
    },
    seriesBy: regionsOf(spec) ? 'region' : 'probe',
    regions,
    availability,
  }
}

/**
 * The series of a host check, sorted by probe id: the probes that reported within
 * `[from, to)` and those the alert engine tracks (a failing host stays visible even
 * when it went silent). A host that left the selection drops out after a day.
 */
function hostSeries(
  sources: CheckViewSources,
  checkId: string,
  alert: CheckAlertState,
  from: number,
  to: number,
): string[] {
  const reported = Object.keys(countsOf(sources, checkId, [{ from, to }])[0]!)
  return [...new Set([...reported, ...Object.keys(alert.regions)])].sort()
}

/**
 * The last `BAR_MINUTES` minutes of a check up to `now`, the current minute included:
 * from the read model where given, else from the minute rollups.
 */
export function minuteBars(
  results: ResultStore,
  checkId: string,
  now: number,
  model?: ReadModel,
): MinuteBar[] {
  const to = minuteStart(now) + ROLLUP_MS
  const from = to - BAR_MINUTES * ROLLUP_MS
  return (
    model?.minuteBuckets(checkId, from, to) ?? results.buckets(checkId, from, to, ROLLUP_MS)
  ).map((bucket) => ({ ...bucket, status: worstStatus(bucket) }))
}

/** Builds the detail view of one check at `now`: the list view plus its recent history. */
export function buildCheckDetail(
  sources: CheckViewSources,
  spec: CheckSpec,
  now: number,
): CheckDetailView {
  return {
    ...buildCheckView(sources, spec, now),
    recent: sources.results.recent(spec.id, RECENT_RESULTS),
    minutes: minuteBars(sources.results, spec.id, now),
    outages: sources.outages(spec.id, now - OUTAGE_HISTORY_MS, now),
  }
}
