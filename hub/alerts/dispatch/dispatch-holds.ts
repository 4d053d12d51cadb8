/**
 * Why the dispatcher keeps a check's fired alert back for now: a silence or maintenance
 * window, a dependency in trouble, or a flapping check. A held alert is judged again on
 * every tick and goes out once none of these applies.
 *
 * Dependencies are what make one outage page once. A dependent's alert waits while a
 * dependency is DOWN, fails somewhere (its newest result in some region is down, so a
 * confirmation round is usually deciding it) or has not been measured since the
 * dependent fired: then the hub asks the dependency's regions to run it now, because a
 * dependent often crosses its quorum seconds before the thing it depends on is even
 * looked at. Once every dependency is clear again, the dependent waits its own
 * recoverAfter × every: if it recovers with its dependency, nobody hears about it.
 *
 * A check that goes DOWN again within recoverAfter × every of its last outage's end waits
 * until it has been DOWN that long. The engine confirms a recovery within seconds
 * (confirmations.ts), so a target that comes back for less than that between failures
 * would otherwise page on every return, where the engine's recoverAfter schedules used to
 * keep it in one incident: a blip resolves while held, unheard; an outage that resumes
 * for real pages recoverAfter intervals in; a target that keeps toggling is the flap
 * detector's.
 *
 * A check that fires on one region alone (a quorum of 1) while its other regions pass
 * waits for that region's connectivity verdict: until every check that runs there has
 * reported once more (region-loss.ts needs their results). If the region is set aside
 * meanwhile, the incident resolves while held and only the region alert is sent.
 */
import { parseDuration } from '../../../checks/duration.ts'
import { scheduleIntervalMs } from '../../../checks/schedule.ts'
import type { CheckSpec } from '../../../checks/spec.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckAlertState } from '../alert-state.ts'
import type { HoldMemo } from './dispatch-state.ts'
import type { RoutableCheck } from './routing.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'

/**
 * A dependency that fails somewhere but never reaches DOWN holds a dependent for at most
 * the time it would need to cross its quorum: failAfter runs, a run's timeout, and this
 * margin for confirmation rounds and batching. After that the dependent's outage is its own.
 */
const DEPENDENCY_MARGIN_MS = 30_000

/** A check as the dispatcher judges it: routes, tags for grouping, dependencies. */
export interface CheckRef extends RoutableCheck {
  dependsOn: string[]
  /** How long the check itself needs to recover (recoverAfter × every); 0 when unknown. */
  recoveryMs: number
}

/** What a hold is judged on, read at the moment of judging. */
export interface HoldSources {
  /** The reason of the silence or maintenance window over `check` at `at`, or null. */
  silence: (check: CheckRef, at: number) => string | null
  /** The engine's state(): for flapping and for the status of dependencies. */
  checkState: (checkId: string) => CheckAlertState
  /** The deployed check, for a dependency's own timing. */
  spec: (checkId: string) => CheckSpec | undefined
  /** Asks a dependency's regions to run it now. */
  confirm: (checkId: string) => void
  /**
   * How long a one-region failure in `region` waits for the region's connectivity
   * verdict: the longest interval of the checks that run there, or null when too few
   * checks run there for a region loss to be detected at all.
   */
  regionVerdictMs: (region: string) => number | null
  /**
   * When the check's latest DOWN outage other than `incidentId` that ended within
   * [from, to] ended, or null when none did.
   */
  outageEndedBetween: (
    checkId: string,
    incidentId: string,
    from: number,
    to: number,
  ) => number | null
}

/** The alert being judged: when it fired, and what its hold remembers (updated in place). */
export interface HeldAlert {
  incidentId: string
  /** A DOWN alert (not DEGRADED). */
  down: boolean
  firedAt: number
  memo: HoldMemo
}

/**
 * Why a check's fired alert must wait now, or null when it may go. Updates `alert.memo`:
 * when a dependency was last in trouble, and which dependencies were asked to confirm.
 */
export function holdReason(
  check: CheckRef,
  at: number,
  alert: HeldAlert,
  sources: HoldSources,
): string | null {
  const silenced = sources.silence(check, at)
  if (silenced !== null) return silenced
  const dependency = dependencyHold(check, at, alert, sources)
  if (dependency !== null) return dependency
  const state = sources.checkState(check.id)
  if (state.flapping) return 'flapping'
  return refireHold(check, at, alert, sources) ?? regionVerdictHold(state, at, alert, sources)
}

/** DOWN again soon after the last outage ended: wait until it has held for recoverAfter × every. */
function refireHold(
  check: CheckRef,
  at: number,
  alert: HeldAlert,
  sources: HoldSources,
): string | null {
  if (!alert.down || check.recoveryMs === 0 || at - alert.firedAt >= check.recoveryMs) return null
  const from = alert.firedAt - check.recoveryMs
  const endedAt = sources.outageEndedBetween(check.id, alert.incidentId, from, alert.firedAt)
  if (endedAt === null) return null
  const seconds = (ms: number) => `${Math.round(ms / 1_000)} s`
  return `fired ${seconds(alert.firedAt - endedAt)} after the last outage ended: waiting ${seconds(check.recoveryMs)} to see it hold`
}

/** One failing region, others passing: wait until the region's own checks could show a loss. */
function regionVerdictHold(
  state: CheckAlertState,
  at: number,
  alert: HeldAlert,
  sources: HoldSources,
): string | null {
  const [region, ...more] = state.failingRegions
  if (region === undefined || more.length > 0) return null
  const passing = Object.entries(state.regions).some(
    ([name, series]) => name !== region && (series === 'passing' || series === 'degraded'),
  )
  if (!passing) return null
  const waitMs = sources.regionVerdictMs(region)
  if (waitMs === null || at - alert.firedAt >= waitMs) return null
  return `only ${region} fails: waiting for its connectivity verdict`
}

function dependencyHold(
  check: CheckRef,
  at: number,
  alert: HeldAlert,
  sources: HoldSources,
): string | null {
  const down: string[] = []
  const failing: string[] = []
  const confirming: string[] = []
  let troubledTooLong = false
  for (const id of check.dependsOn) {
    const state = sources.checkState(id)
    const unmeasured = (state.lastMeasuredAt ?? -Infinity) < alert.firedAt
    if (state.status === 'down') {
      down.push(id)
    } else if (isFailingSomewhere(state) || unmeasured) {
      if (at - alert.firedAt >= troubleBoundMs(sources.spec(id))) troubledTooLong = true
      else if (!unmeasured || isFailingSomewhere(state)) failing.push(id)
      else {
        if (!alert.memo.confirmed.includes(id)) {
          alert.memo.confirmed.push(id)
          sources.confirm(id)
        }
        confirming.push(id)
      }
    }
  }
  if (down.length + failing.length > 0) alert.memo.dependencyTroubleAt = at
  if (down.length > 0) return `dependency down: ${down.join(', ')}`
  if (failing.length > 0) return `dependency failing: ${failing.join(', ')}`
  if (confirming.length > 0) return `confirming dependency: ${confirming.join(', ')}`
  // A dependency that fails somewhere for longer than it needs to go DOWN is not the cause.
  if (troubledTooLong) return null
  const troubleAt = alert.memo.dependencyTroubleAt
  if (troubleAt !== null && at - troubleAt < check.recoveryMs) {
    return `dependency recovered; waiting ${Math.ceil(check.recoveryMs / 1_000)} s for this check to recover too`
  }
  return null
}

function isFailingSomewhere(state: CheckAlertState): boolean {
  return (
    state.status === 'partial' || state.status === 'degraded' || state.failingSomewhere === true
  )
}

/** How long a dependency may take to cross its quorum once it fails somewhere. */
function troubleBoundMs(spec: CheckSpec | undefined): number {
  if (!spec || !('every' in spec) || typeof spec.every !== 'string') return DEPENDENCY_MARGIN_MS
  const timeout =
    'timeout' in spec && typeof spec.timeout === 'string' ? parseDuration(spec.timeout) : 0
  return spec.alert.failAfter * scheduleIntervalMs(spec.every) + timeout + DEPENDENCY_MARGIN_MS
}

/** recoverAfter × every: how long the check needs to show that it is back. */
function recoveryMsOf(spec: CheckSpec): number {
  if (!('every' in spec) || typeof spec.every !== 'string') return 0
  return spec.alert.recoverAfter * scheduleIntervalMs(spec.every)
}

/** The alert as holds judge it: its incident's kind and confirmation time, and the record's memory. */
export function heldAlertOf(
  record: { incidentId: string; event: AlertEvent; holdMemo: HoldMemo },
  incidents: Pick<IncidentStore, 'get'>,
): HeldAlert {
  const incident = incidents.get(record.incidentId)
  return {
    incidentId: record.incidentId,
    down: (incident?.kind ?? 'down') === 'down',
    firedAt: incident?.startedAt ?? record.event.at,
    memo: record.holdMemo,
  }
}

/**
 * When the check's latest DOWN outage other than `incidentId` that ended within [from, to]
 * ended, or null: what HoldSources.outageEndedBetween answers from the incident store.
 */
export function outageEndedBetween(
  incidents: Pick<IncidentStore, 'outages'>,
  checkId: string,
  incidentId: string,
  from: number,
  to: number,
): number | null {
  let latest: number | null = null
  for (const outage of incidents.outages(checkId, from, to)) {
    const { endedAt } = outage
    if (outage.incidentId === incidentId || endedAt === null || endedAt > to) continue
    latest = Math.max(latest ?? endedAt, endedAt)
  }
  return latest
}

/** The check as deployed; a check removed since is routed by its event's tags alone. */
export function checkRef(event: AlertEvent, spec: CheckSpec | undefined): CheckRef {
  if (!spec) return { id: event.checkId, tags: event.tags ?? [], dependsOn: [], recoveryMs: 0 }
  return {
    id: spec.id,
    tags: spec.tags,
    notify: spec.notify,
    dependsOn: spec.dependsOn ?? [],
    recoveryMs: recoveryMsOf(spec),
  }
}
