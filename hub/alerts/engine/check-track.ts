/**
 * What the alert engine keeps per deployed check, and the small pure helpers its parts
 * (alert-engine.ts, check-incidents.ts, flapping-episodes.ts, engine-restore.ts) share
 * to read it. The series themselves are judged in series-track.ts.
 */
import type { CheckResult } from '../../../checks/result.ts'
import { effectiveQuorum, regionsOf, type CheckSpec } from '../../../checks/spec.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckAlertState, CheckAlertStatus, RegionAlertState } from '../alert-state.ts'
import type { IncidentError } from '../../incidents/incident-store.ts'
import { newSeries, seriesState, type SeriesTrack } from './series-track.ts'

export interface OpenIncident {
  id: string
  startedAt: number
  firstError: IncidentError | null
  /** Every series that failed (or was degraded, for DEGRADED) while it was open. */
  regions: Set<string>
}

export interface FlappingEpisode {
  id: string
  startedAt: number
  regions: string[]
  /** Restored after a restart: the series' histories are gone and are being rebuilt. */
  restored: boolean
}

export interface CheckTrack {
  spec: CheckSpec
  /** Keyed by series: the region, or the probe id for host checks. */
  series: Map<string, SeriesTrack>
  status: CheckAlertStatus
  since: number | null
  down: OpenIncident | null
  degraded: OpenIncident | null
  flapping: FlappingEpisode | null
}

/** Why the engine re-evaluated a check, as the incident timeline records it. */
export type Cause = { result: Record<string, unknown> } | { config: string } | { reason: string }

/** A fresh track for a check seen for the first time: every configured series unknown. */
export function newCheckTrack(spec: CheckSpec): CheckTrack {
  return {
    spec,
    // Host checks have no configured series: theirs appear as hosts report.
    series: new Map((regionsOf(spec) ?? []).map((r) => [r, newSeries()])),
    status: 'unknown',
    since: null,
    down: null,
    degraded: null,
    flapping: null,
  }
}

/** What the timeline keeps of a result: enough to find it again, with its own times. */
export function summarize(result: CheckResult): Record<string, unknown> {
  return {
    id: result.id,
    probeId: result.probeId,
    region: result.region,
    status: result.status,
    trigger: result.trigger,
    scheduledAt: result.scheduledAt,
    startedAt: result.startedAt,
    ...(result.error ? { error: result.error } : {}),
  }
}

/** The check's alert state as the API shows it; `inhibited` says which series a lost region sets aside. */
export function alertStateOf(
  track: CheckTrack,
  inhibited: (name: string) => boolean,
): CheckAlertState {
  const regions: Record<string, RegionAlertState> = {}
  let failingSomewhere = false
  let lastMeasuredAt: number | null = null
  for (const [name, series] of track.series) {
    regions[name] = seriesState(series)
    if (Number.isFinite(series.lastScheduledAt)) {
      lastMeasuredAt = Math.max(lastMeasuredAt ?? series.lastScheduledAt, series.lastScheduledAt)
    }
    const counts = !inhibited(name) && !series.offline
    if (counts && (series.downStreak > 0 || series.verdict === 'failing')) failingSomewhere = true
  }
  return {
    checkId: track.spec.id,
    status: track.status,
    regions,
    failingRegions: orderedSeries(
      track,
      [...track.series].filter(([, s]) => seriesState(s) === 'failing').map(([name]) => name),
    ),
    since: track.since,
    incidentId: (track.down ?? track.degraded)?.id ?? null,
    quorum: effectiveQuorum(track.spec),
    flapping: track.flapping !== null,
    inhibitedRegions: [...track.series.keys()].filter(inhibited),
    failingSomewhere,
    lastMeasuredAt,
  }
}

/** The fields every check event carries. */
export function eventBase(track: CheckTrack): Pick<AlertEvent, 'checkId' | 'checkName' | 'tags'> {
  return {
    checkId: track.spec.id,
    checkName: track.spec.name ?? track.spec.id,
    tags: track.spec.tags,
  }
}

/** Series in the order the check lists its regions; hosts sorted by probe id. */
export function orderedSeries(track: CheckTrack, names: string[]): string[] {
  return regionsOf(track.spec) ? names : [...names].sort()
}

/** A host check's series for a probe seen for the first time; none for region checks. */
export function newHostSeries(track: CheckTrack, probeId: string): SeriesTrack | undefined {
  if (regionsOf(track.spec) !== null) return undefined
  const series = newSeries()
  track.series.set(probeId, series)
  return series
}

/**
 * The earliest-measured failure among the given series' current failure streaks: its
 * error, and when it was measured (where the failure episode began).
 */
export function earliestFailure(track: CheckTrack, names: string[]): SeriesTrack['firstError'] {
  let earliest: SeriesTrack['firstError'] = null
  for (const name of names) {
    const candidate = track.series.get(name)?.firstError ?? null
    if (candidate && (!earliest || candidate.scheduledAt < earliest.scheduledAt))
      earliest = candidate
  }
  return earliest
}

/** The earliest-measured error among the given series' current failure streaks. */
export function earliestError(track: CheckTrack, names: string[]): IncidentError | null {
  return earliestFailure(track, names)?.error ?? null
}
