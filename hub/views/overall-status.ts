/**
 * The one-line verdict at the top of a status page, from the states of its checks.
 */
import type { CheckAlertStatus } from '../alerts/alert-state.ts'

/**
 * - operational: no check down, partial or degraded;
 * - partial: some checks down, partially failing or degraded;
 * - major: every check with a known state is down;
 * - unknown: no check has a known state yet (or there are no checks).
 */
export type OverallStatus = 'operational' | 'partial' | 'major' | 'unknown'

/** Headlines for each overall status, as a status page shows them. */
export const OVERALL_HEADLINES: Record<OverallStatus, string> = {
  operational: 'All systems operational',
  partial: 'Partial outage',
  major: 'Major outage',
  unknown: 'Waiting for the first results',
}

/**
 * Sums up check states. A status page with one check down out of ten reads "Partial
 * outage"; "Major outage" is kept for when everything that reports is down, as
 * users of Uptime Kuma or Statuspage expect.
 *
 * @example overallStatus(['up', 'down', 'unknown']) // 'partial'
 */
export function overallStatus(states: CheckAlertStatus[]): OverallStatus {
  // A check with too few conclusive regions says nothing about the service itself.
  const known = states.filter((state) => state !== 'unknown' && state !== 'insufficient')
  if (known.length === 0) return 'unknown'
  if (known.every((state) => state === 'down')) return 'major'
  const troubled: CheckAlertStatus[] = ['down', 'partial', 'degraded']
  if (known.some((state) => troubled.includes(state))) return 'partial'
  return 'operational'
}
