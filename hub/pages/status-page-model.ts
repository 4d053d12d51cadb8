/**
 * Everything the status page shows, gathered at one instant so that the page is
 * consistent with itself and rendering stays a pure function of this model.
 */
import type { CheckSpec } from '../../checks/spec.ts'
import {
  buildCheckView,
  minuteBars,
  type CheckView,
  type CheckViewSources,
  type MinuteBar,
} from '../api/check-view.ts'
import { overallStatus, type OverallStatus } from '../api/overall-status.ts'
import type { ProbeInfo } from '../types.ts'

/** A check on the status page: its view plus the last hour's minute bars. */
export interface StatusPageCheck extends CheckView {
  minutes: MinuteBar[]
}

/** The status page at one instant. */
export interface StatusPageModel {
  project: string
  generatedAt: number
  overall: OverallStatus
  checks: StatusPageCheck[]
  /** Sorted by region, then id. */
  probes: ProbeInfo[]
}

/** What the status page reads from the hub. */
export interface StatusPageSources extends CheckViewSources {
  project: () => string
  checks: () => CheckSpec[]
  probes: () => ProbeInfo[]
}

/**
 * Builds the page model at `now`. Checks keep the order of the monitoring file;
 * disabled checks are listed but do not count towards the overall status.
 */
export function buildStatusPageModel(sources: StatusPageSources, now: number): StatusPageModel {
  const checks = sources.checks().map((spec) => ({
    ...buildCheckView(sources, spec, now),
    minutes: minuteBars(sources.results, spec.id, now),
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
  }
}
