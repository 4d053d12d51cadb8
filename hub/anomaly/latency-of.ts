/**
 * Which checks the hub watches the latency of, and which latency a result carries: the
 * same number the status page shows (a ping's average RTT, else the run's duration), and
 * only for runs that were served (up or degraded). A failed run's duration is its
 * timeout or its error, not how slow the service is.
 */
import type { CheckResult } from '../../checks/result.ts'
import { regionsOf, type CheckSpec } from '../../checks/spec.ts'

const LATENCY_KINDS = new Set(['http', 'tcp', 'dns', 'ping'])

/** True for region checks whose runs measure a latency: http, tcp, dns and ping. */
export function measuresLatency(spec: CheckSpec): boolean {
  return LATENCY_KINDS.has(spec.kind) && regionsOf(spec) !== null
}

/** True when the hub runs the anomaly detector for the check (`anomaly: false` turns it off). */
export function watchesAnomalies(spec: CheckSpec): boolean {
  return measuresLatency(spec) && (spec as { anomaly?: boolean }).anomaly !== false
}

/** The check's `expect.latency` limits, when it sets any. */
export function latencyLimitsOf(spec: CheckSpec) {
  if (!measuresLatency(spec)) return undefined
  return (spec as Extract<CheckSpec, { kind: 'http' }>).expect.latency
}

/** The result's latency in ms; null for a run that was not served. */
export function latencyOf(result: CheckResult): number | null {
  if (result.status !== 'up' && result.status !== 'degraded') return null
  const ms = result.metrics?.rttAvgMs ?? result.durationMs
  return Number.isFinite(ms) && ms >= 0 ? ms : null
}
