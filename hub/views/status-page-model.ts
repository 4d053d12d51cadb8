/**
 * Everything the status page shows, gathered at one instant so that the page is
 * consistent with itself and rendering stays a pure function of this model.
 */
import type { SloView } from '../slo/slo-views.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import {
  buildCheckView,
  minuteBars,
  type CheckView,
  type CheckViewSources,
  type MinuteBar,
} from './check-view.ts'
import { overallStatus, type OverallStatus } from './overall-status.ts'
import type { Incident } from '../incidents/incident-store.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import {
  INCIDENT_HISTORY_MS,
  pageIncidents,
  type StatusPageIncident,
} from '../pages/incident-list.tsx'

/** A check on the status page: its view plus the last hour's minute bars. */
export interface StatusPageCheck extends CheckView {
  minutes: MinuteBar[]
  /** True while a maintenance window covers the check. */
  inMaintenance: boolean
  /** A browser check's last failed run in the last day: its screenshot, for the internal view. */
  evidence?: { url: string; at: number }
}

/** The status page at one instant. */
export interface StatusPageModel {
  project: string
  generatedAt: number
  overall: OverallStatus
  checks: StatusPageCheck[]
  /** Sorted by region, then id. */
  probes: ProbeInfo[]
  /** Open incidents, then the last week's; null when the hub keeps no incidents. */
  incidents: StatusPageIncident[] | null
  /** Every SLO judged now, for the internal view; absent when the hub gives none. */
  slos?: SloView[]
}

/** What the status page reads from the hub. */
export interface StatusPageSources extends CheckViewSources {
  project: () => string
  /** The SLOs judged now (hub/slo/); without it the page has no SLO section. */
  slos?: () => SloView[]
  checks: () => CheckSpec[]
  probes: () => ProbeInfo[]
  /** Open incidents and those started since `since`; without it the page has no incidents section. */
  incidents?: (since: number) => { open: Incident[]; recent: Incident[] }
  /** Whether a maintenance window covers the check at `at`. Default: never. */
  inMaintenance?: (check: { id: string; tags: string[] }, at: number) => boolean
  /** A browser check's last failure screenshot. Default: none. */
  evidence?: (checkId: string) => { url: string; at: number } | undefined
}

/**
 * Builds the page model at `now`. Checks keep the order of the monitoring file;
 * disabled checks are listed but do not count towards the overall status.
 */
export function buildStatusPageModel(sources: StatusPageSources, now: number): StatusPageModel {
  const checks = sources.checks().map((spec) => ({
    ...buildCheckView(sources, spec, now),
    minutes: minuteBars(sources.results, spec.id, now),
    inMaintenance: sources.inMaintenance?.(spec, now) ?? false,
    ...(spec.kind === 'browser' && sources.evidence ? evidenceOf(sources.evidence, spec.id) : {}),
  }))
  const probes = [...sources.probes()].sort(
    (a, b) => a.region.localeCompare(b.region) || a.probeId.localeCompare(b.probeId),
  )
  return {
    project: sources.project(),
    generatedAt: now,
    overall: overallStatus(checks.filter((c) => c.enabled).map((c) => c.state.status)),
    checks,
    probes,
    incidents: incidentsOf(sources, now),
    ...(sources.slos ? { slos: sources.slos() } : {}),
  }
}

function incidentsOf(sources: StatusPageSources, now: number): StatusPageIncident[] | null {
  if (!sources.incidents) return null
  const { open, recent } = sources.incidents(now - INCIDENT_HISTORY_MS)
  const names = new Map(sources.checks().map((spec) => [spec.id, spec.name ?? spec.id]))
  return pageIncidents(open, recent, (checkId) => names.get(checkId) ?? checkId)
}

function evidenceOf(
  evidence: NonNullable<StatusPageSources['evidence']>,
  checkId: string,
): Pick<StatusPageCheck, 'evidence'> {
  const found = evidence(checkId)
  return found ? { evidence: found } : {}
}
