/**
 * A component's state, derived from the quorum-confirmed states of its checks:
 * - every check in maintenance: under maintenance;
 * - all of its (other) checks DOWN: major outage; some: partial outage;
 * - any degraded, failing below the quorum, or with too few regions to judge: degraded
 *   performance;
 * - otherwise operational.
 * An operator's override wins. A check failing in one region never makes an outage:
 * by design it does not page, so it does not alarm visitors either.
 */
import type { ComponentState } from '../../checks/status-page.ts'
import type { CheckAlertStatus } from '../alerts/alert-state.ts'

export interface ComponentCheck {
  status: CheckAlertStatus
  enabled: boolean
  inMaintenance: boolean
  /** Plain-language reason from its newest results, when degraded or failing. */
  reason: string | null
}

export interface ComponentOverride {
  state: ComponentState
  reason?: string
}

export interface DerivedState {
  state: ComponentState
  /** Why, in plain words: "Certificate expires in 5 days". Null when operational. */
  reason: string | null
  overridden: boolean
}

/** From best to worst: the page's headline is the worst component. */
export const STATE_ORDER: readonly ComponentState[] = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
]

export const STATE_LABELS: Record<ComponentState, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
}

/** The page headline for its worst component. */
export const HEADLINES: Record<ComponentState, string> = {
  operational: 'All systems operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Maintenance in progress',
}

const DEGRADING: CheckAlertStatus[] = ['degraded', 'partial', 'insufficient']

function firstReason(checks: ComponentCheck[], fallback: string): string {
  return checks.find((c) => c.reason)?.reason ?? fallback
}

/**
 * @example
 * deriveState([{ status: 'degraded', enabled: true, inMaintenance: false, reason: 'Slow' }])
 * // { state: 'degraded_performance', reason: 'Slow', overridden: false }
 */
export function deriveState(checks: ComponentCheck[], override?: ComponentOverride): DerivedState {
  if (override) return { state: override.state, reason: override.reason ?? null, overridden: true }
  const enabled = checks.filter((c) => c.enabled)
  if (enabled.length > 0 && enabled.every((c) => c.inMaintenance)) {
    return { state: 'under_maintenance', reason: 'Scheduled maintenance', overridden: false }
  }
  const judged = enabled.filter((c) => !c.inMaintenance)
  const down = judged.filter((c) => c.status === 'down')
  if (down.length > 0) {
    const all = down.length === judged.length
    return {
      state: all ? 'major_outage' : 'partial_outage',
      reason: firstReason(down, 'Not working'),
      overridden: false,
    }
  }
  const degraded = judged.filter((c) => DEGRADING.includes(c.status))
  if (degraded.length > 0) {
    const reason =
      degraded.find((c) => c.status === 'degraded' && c.reason)?.reason ??
      (degraded.some((c) => c.status === 'partial')
        ? 'Problems in some regions'
        : firstReason(degraded, 'Slower or less reliable than usual'))
    return { state: 'degraded_performance', reason, overridden: false }
  }
  return { state: 'operational', reason: null, overridden: false }
}

/** The worst of several states; operational for none. */
export function worstState(states: ComponentState[]): ComponentState {
  return states.reduce<ComponentState>(
    (worst, s) => (STATE_ORDER.indexOf(s) > STATE_ORDER.indexOf(worst) ? s : worst),
    'operational',
  )
}
