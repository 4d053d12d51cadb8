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
import { filterChecks, type CheckFilter } from './check-filter.ts'
import type { CheckAlertStatus } from '../alerts/alert-state.ts'
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

/** Checks on a page of the internal view: a screenful, not 10,000 cards. */
export const INTERNAL_PAGE_SIZE = 50

/** Which checks the internal view shows: a filter and a page (1-based). */
export interface StatusPageQuery extends CheckFilter {
  page: number
}

/** The status page at one instant. */
export interface StatusPageModel {
  project: string
  generatedAt: number
  /** Over every enabled check, whatever the filter and page. */
  overall: OverallStatus
  /** Every check by state, whatever the filter. */
  counts: Record<CheckAlertStatus, number>
  /** Enabled checks and those up, for the banner. */
  enabledCount: number
  upCount: number
  /** The checks of this page. */
  checks: StatusPageCheck[]
  /** The filter and page shown, the checks matching it and the number of pages. */
  query: StatusPageQuery
  matching: number
  pages: number
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

/** The checks a query shows, and the states of all: what a page of the view is built from. */
export function internalPageOf(
  sources: Pick<StatusPageSources, 'checks' | 'alertState' | 'readModel'>,
  query: StatusPageQuery = { page: 1, states: [], tags: [] },
) {
  const all = sources.checks()
  const statusOf = (id: string) =>
    sources.readModel ? sources.readModel.statusOf(id) : sources.alertState(id).status
  const { summary, matching } = filterChecks(all, statusOf, query)
  const pages = Math.max(1, Math.ceil(matching.length / INTERNAL_PAGE_SIZE))
  const page = Math.min(Math.max(1, query.page), pages)
  const shown = matching.slice((page - 1) * INTERNAL_PAGE_SIZE, page * INTERNAL_PAGE_SIZE)
  const enabled = all.filter((spec) => spec.enabled)
  const enabledStatuses = enabled.map((spec) => statusOf(spec.id))
  return {
    shown,
    counts: summary,
    matching: matching.length,
    pages,
    query: { ...query, page },
    overall: overallStatus(enabledStatuses),
    enabledCount: enabled.length,
    upCount: enabledStatuses.filter((s) => s === 'up').length,
  }
}

/**
 * Builds the page model at `now`: every check's state counted, the checks of one page of
 * the query (INTERNAL_PAGE_SIZE, the monitoring file's order) in full. Disabled checks
 * are listed but do not count towards the overall status.
 */
export function buildStatusPageModel(
  sources: StatusPageSources,
  now: number,
  query?: StatusPageQuery,
): StatusPageModel {
  const page = internalPageOf(sources, query)
  const checks = page.shown.map((spec) => ({
    ...buildCheckView(sources, spec, now),
    minutes: minuteBars(sources.results, spec.id, now, sources.readModel),
    inMaintenance: sources.inMaintenance?.(spec, now) ?? false,
    ...(spec.kind === 'browser' && sources.evidence ? evidenceOf(sources.evidence, spec.id) : {}),
  }))
  const probes = [...sources.probes()].sort(
    (a, b) => a.region.localeCompare(b.region) || a.probeId.localeCompare(b.probeId),
  )
  return {
    project: sources.project(),
    generatedAt: now,
    overall: page.overall,
    counts: page.counts,
    enabledCount: page.enabledCount,
    upCount: page.upCount,
    checks,
    query: page.query,
    matching: page.matching,
    pages: page.pages,
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
