/**
 * What an incident cost: how long it lasted, where it failed, how many runs failed,
 * and how much of the SLO's error budget it consumed. The API and the post-incident
 * report show these figures; they are computed here once so the two agree.
 *
 * Availability is time-based (hub/availability.ts): the share of the SLO window not
 * covered by a confirmed outage. Only `down` incidents are outages, so only they cost
 * error budget; a degraded, flapping, region, probe or channel incident reports zero.
 */
import type { SloConfig } from '../../checks/alerting.ts'
import { parseDuration } from '../../checks/duration.ts'
import type { CheckStatus } from '../../checks/result.ts'
import { timeAvailability, type TimeWindow } from '../views/availability.ts'
import type { IncidentResults, SampleResult } from './incident-results.ts'
import type { Outage } from '../alerts/alert-state.ts'
import type { Incident, IncidentKind, IncidentWithTimeline } from './incident-store.ts'

/** The error budget of the SLO window ending at the incident's end (or now). */
export interface ErrorBudget {
  /** The SLO target in percent, e.g. 99.9. */
  target: number
  windowMs: number
  /** Downtime the target allows over the window: windowMs × (1 − target / 100). */
  allowedDowntimeMs: number
  /** This incident's downtime inside the window. */
  consumedMs: number
  /** consumedMs / allowedDowntimeMs: above 1 when this incident alone overspent the budget. */
  consumedShare: number
  /** What is left after every outage in the window; negative when the budget is overspent. */
  remainingShare: number
  /**
   * The SLO measured against (null: the project's default objective). Set when the figures
   * come from the SLO engine's minute slices, with the minutes judged in the window:
   * then the allowed downtime is (1 − target) of the judged minutes, not of the window.
   */
  slo?: string | null
  judgedMinutes?: number
}

export interface IncidentImpact {
  /** To now while the incident is open. */
  durationMs: number
  /** Every region that failed during it: when it fired and later, in that order. */
  regions: string[]
  failedRuns: number
  /** Conclusive runs (up, degraded, down) scheduled during it. */
  totalRuns: number
  /**
   * Time-based availability of the check over the observed part of the SLO window (from
   * when it was first monitored, or the window's start); null when nothing was monitored,
   * and for region, probe and channel incidents, which are not about one check.
   */
  availability: number | null
  /**
   * How much of the SLO window the availability is over: the window, or less for a check
   * monitored for a shorter time. Reports state it, so "60.9 %" never reads as 30 days.
   */
  observedMs: number
  errorBudget: ErrorBudget
}

export interface ImpactSources {
  results: IncidentResults
  slo: SloConfig
  /** Confirmed outages of a check that overlap [from, to) (IncidentStore.outages). */
  outages: (checkId: string, from: number, to: number) => Outage[]
  /** The check's maintenance windows in [from, to): time that counts neither as up nor down. */
  maintenance?: (checkId: string, from: number, to: number) => TimeWindow[]
  /**
   * The budget from the SLO engine's minute slices (hub/slo/slo-budget.ts), or null when
   * none were kept for the window; without it, or on null, it is computed from outages.
   */
  errorBudget?: (incident: IncidentWithTimeline, end: number) => ErrorBudget | null
  now: number
}

/**
 * How far before an incident's start samples are looked for when the start of its
 * failure episode is not known (incidents from before it was recorded): the failures
 * that made regions failing (failAfter of them) were scheduled before the alert fired.
 */
export const SAMPLE_LEAD_IN_MS = 5 * 60_000

/** Incidents about the monitoring itself rather than a check: no availability of their own. */
export const NOT_A_CHECK: readonly IncidentKind[] = ['region', 'probe', 'channel', 'slo']

/** The statuses that count as failing for an incident of `kind`. */
export function failingStatuses(kind: IncidentKind): readonly CheckStatus[] {
  return kind === 'degraded' ? ['degraded', 'down'] : ['down']
}

/** Regions from the incident and from its timeline's `region` entries that went failing. */
function failedRegions(incident: IncidentWithTimeline): string[] {
  const regions = new Set(incident.regions)
  for (const entry of incident.timeline) {
    const { region, state } = entry.detail
    if (entry.type === 'region' && state === 'failing' && typeof region === 'string') {
      regions.add(region)
    }
  }
  return [...regions]
}

/** Milliseconds of `window` covered by `outages` (overlaps counted once). */
function downtime(outages: Outage[], window: TimeWindow): number {
  const available = timeAvailability(outages, window, window.from)
  return available === null ? 0 : (1 - available) * (window.to - window.from)
}

/**
 * @example
 * // a 43-minute outage against 99.9 % over 30 days consumes about 99.5 % of the 43.2-minute budget
 * computeImpact(incident, { results, slo: { target: 99.9, window: '30d' }, outages, now })
 *   .errorBudget.consumedShare // ≈ 0.995
 */
export function computeImpact(
  incident: IncidentWithTimeline,
  sources: ImpactSources,
): IncidentImpact {
  const { checkId, startedAt, kind } = incident
  const end = Math.max(startedAt, incident.endedAt ?? sources.now)
  const windowMs = parseDuration(sources.slo.window)
  const window = { from: end - windowMs, to: end }
  const outages = sources.outages(checkId, window.from, window.to)
  // An incident means its check was monitored by then even if its results are gone.
  const monitoredSince = sources.results.monitoredSince(checkId) ?? Math.min(startedAt, end)
  const allowedDowntimeMs = windowMs * (1 - sources.slo.target / 100)
  const consumedMs = kind === 'down' ? downtime([{ ...incident, endedAt: end }], window) : 0
  const observedMs = Math.max(0, end - Math.max(window.from, monitoredSince))
  return {
    durationMs: end - startedAt,
    regions: failedRegions(incident),
    failedRuns: sources.results.failedRuns(checkId, startedAt, end, failingStatuses(kind)),
    totalRuns: sources.results.totalRuns(checkId, startedAt, end),
    availability: NOT_A_CHECK.includes(kind)
      ? null
      : timeAvailability(
          outages,
          window,
          monitoredSince,
          sources.maintenance?.(checkId, window.from, window.to),
        ),
    observedMs: NOT_A_CHECK.includes(kind) ? 0 : observedMs,
    errorBudget: (NOT_A_CHECK.includes(kind) ? null : sources.errorBudget?.(incident, end)) ?? {
      target: sources.slo.target,
      windowMs,
      allowedDowntimeMs,
      consumedMs,
      consumedShare: consumedMs / allowedDowntimeMs,
      remainingShare: 1 - downtime(outages, window) / allowedDowntimeMs,
    },
  }
}

/**
 * Sample failing results for an incident, from the start of its failure episode to its
 * end (or now), first failure of each region first.
 *
 * @example incidentSamples(results, incident, 10, Date.now())
 */
export function incidentSamples(
  results: IncidentResults,
  incident: Incident,
  limit: number,
  now: number,
): SampleResult[] {
  const from = incident.failingSince ?? incident.startedAt - SAMPLE_LEAD_IN_MS
  const to = Math.max(incident.startedAt, incident.endedAt ?? now)
  return results.samples(incident.checkId, from, to, limit, failingStatuses(incident.kind))
}
