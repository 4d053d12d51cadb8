/**
 * What the alert engine asks of the hub's latency watch (hub/anomaly/latency-watch.ts),
 * so the engine stays free of it: each accepted result goes past it, and a region it
 * finds slow (latency limits passed, or an anomaly) shows `degraded`. Slowness judged by
 * the hub never makes a check DOWN and never pages, not even with `pageOnDegraded`
 * (that is about results the probes judged degraded); a quorum of slow regions makes
 * the check's status `degraded`.
 */
import type { CheckResult } from '../../../checks/result.ts'
import type { CheckSpec } from '../../../checks/spec.ts'
import type { RegionLatency } from '../alert-state.ts'

export interface LatencyJudge {
  /**
   * Takes a conclusive result the engine accepted (not late, not in maintenance) and
   * returns why its series is slow now, or null when it is not.
   */
  observe(spec: CheckSpec, result: CheckResult): string[] | null
  /** Why a series is slow now, or null: asked again after a deploy. */
  reasons(checkId: string, series: string): string[] | null
  /** The deployed checks: forgets removed ones and applies changed settings. */
  setChecks(specs: CheckSpec[]): void
  /** Latency figures per region, for the API and the status page; undefined when none. */
  describe(checkId: string): Record<string, RegionLatency> | undefined
}
