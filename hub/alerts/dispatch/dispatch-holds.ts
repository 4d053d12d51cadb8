/**
 * Why the dispatcher keeps a check's fired alert back for now: a silence or maintenance
 * window, a dependency that is DOWN (or about to be), or a flapping check. A held alert
 * is judged again on every tick and goes out once none of these applies.
 */
import type { CheckSpec } from '../../../checks/spec.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckAlertState, CheckAlertStatus } from '../alert-state.ts'
import type { RoutableCheck } from './routing.ts'

/** How long a dependency that fails somewhere, but is not DOWN, may hold a dependent's alert. */
export const DEPENDENCY_GRACE_MS = 60_000

/** Dependency states that may turn DOWN any moment. */
const FAILING_SOMEWHERE = new Set<CheckAlertStatus>(['partial', 'degraded'])

/** A check as the dispatcher judges it: routes, tags for grouping, dependencies. */
export interface CheckRef extends RoutableCheck {
  dependsOn: string[]
}

/** What a hold is judged on, read at the moment of judging. */
export interface HoldSources {
  /** The reason of the silence or maintenance window over `check` at `at`, or null. */
  silence: (check: CheckRef, at: number) => string | null
  /** The engine's state(): for flapping and for the status of dependencies. */
  checkState: (checkId: string) => CheckAlertState
}

/**
 * Why a check's fired alert (fired at `firedAt`) must wait now, or null when it may
 * go. A dependency that is failing somewhere but not DOWN yet holds it too, for up to
 * DEPENDENCY_GRACE_MS: a dependent often crosses its quorum a few seconds before the
 * thing it depends on, and paging for both is the storm dependsOn exists to prevent.
 */
export function holdReason(
  check: CheckRef,
  at: number,
  firedAt: number,
  sources: HoldSources,
): string | null {
  const silenced = sources.silence(check, at)
  if (silenced !== null) return silenced
  const states = check.dependsOn.map((id) => ({
    id,
    status: sources.checkState(id).status,
  }))
  const down = states.filter((d) => d.status === 'down').map((d) => d.id)
  if (down.length > 0) return `dependency down: ${down.join(', ')}`
  if (at - firedAt < DEPENDENCY_GRACE_MS) {
    const failing = states.filter((d) => FAILING_SOMEWHERE.has(d.status)).map((d) => d.id)
    if (failing.length > 0) return `dependency failing: ${failing.join(', ')}`
  }
  if (sources.checkState(check.id).flapping) return 'flapping'
  return null
}

/** The check as deployed; a check removed since is routed by its event's tags alone. */
export function checkRef(event: AlertEvent, spec: CheckSpec | undefined): CheckRef {
  if (!spec) return { id: event.checkId, tags: event.tags ?? [], dependsOn: [] }
  return { id: spec.id, tags: spec.tags, notify: spec.notify, dependsOn: spec.dependsOn ?? [] }
}
