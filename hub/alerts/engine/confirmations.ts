/**
 * Confirmation runs: when the first region of a check sees it down, the hub
 * asks the check's other regions to run it now instead of waiting for their schedules,
 * so a real outage reaches the quorum within about one run's duration. The hub sends
 * the command to every live probe of those regions; each probe decides by itself
 * whether it owns the check (probe/membership.ts), exactly as for scheduled runs.
 *
 * Recovery is confirmed the same way: when the first region of a DOWN check passes, the
 * regions still failing are asked to run it now, and a failing region that passed is
 * re-run until it reaches recoverAfter. An outage then ends within a few run durations of
 * the target's recovery instead of recoverAfter schedules later, so the check's DOWN time
 * (and the SLO's bad minutes, hub/history/state-roller.ts) matches the target's.
 *
 * Host checks are judged per probe and heartbeats by the hub, so neither is confirmed.
 */
import type { RunCommand } from '../../../checks/wire.ts'
import { scheduleIntervalMs } from '../../../checks/schedule.ts'
import { isHostKind, regionsOf, type CheckSpec } from '../../../checks/spec.ts'
import type { Clock } from '../../../lib/clock.ts'
import { ulid } from '../../../lib/ulid.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'

/**
 * A check gets at most one round per its own interval, and never more than one per
 * 10 s: a check that flaps on every run must not turn each failure into a burst of
 * extra runs in every region.
 */
export const MIN_CONFIRM_INTERVAL_MS = 10_000

/**
 * At most this many rounds per minute over all checks. When a whole dependency fails,
 * hundreds of checks can see their first failure at once; their own schedules still
 * judge them, this only keeps the hub from doubling the load on a network in trouble.
 */
export const MAX_ROUNDS_PER_MINUTE = 60

const MINUTE_MS = 60_000

export interface ConfirmRequest {
  probeId: string
  command: RunCommand
}

export interface ConfirmationsOptions {
  clock: Clock
  /** The deployed, enabled check with this id, if any. */
  check: (checkId: string) => CheckSpec | undefined
  /** The probes the hub knows, online or not. */
  probes: () => ProbeInfo[]
  /** Publishes one command; must not throw. */
  send: (request: ConfirmRequest) => void
}

/**
 * The requests for one round: a run command to every online probe of the check's
 * regions other than `failingRegion` (every region when it is undefined). Empty for
 * host checks and heartbeats.
 */
export function planConfirmation(
  spec: CheckSpec,
  failingRegion: string | undefined,
  probes: ProbeInfo[],
  newId: () => string = ulid,
): ConfirmRequest[] {
  if (spec.kind === 'heartbeat' || isHostKind(spec.kind)) return []
  const asked = new Set((regionsOf(spec) ?? []).filter((region) => region !== failingRegion))
  return probes
    .filter((probe) => probe.state === 'online' && asked.has(probe.region))
    .map((probe) => ({
      probeId: probe.probeId,
      command: { requestId: newId(), type: 'run', checkId: spec.id, trigger: 'confirm' },
    }))
}

/**
 * Sends confirmation rounds within the caps.
 *
 * @example
 * const confirmations = new Confirmations({ clock, check, probes: () => registry.list(), send })
 * new AlertEngine({ ..., onFirstFailure: (id, region) => confirmations.firstFailure(id, region) })
 */
export class Confirmations {
  readonly #options: ConfirmationsOptions
  /** When each check last had a round. */
  readonly #lastRound = new Map<string, number>()
  /** Start times of the rounds in the last minute, oldest first. */
  #recent: number[] = []
  /** When each check last had a recovery round. */
  readonly #lastRecoveryRound = new Map<string, number>()
  /** Follow-up runs per (check, region) since the start of the current check interval. */
  readonly #followUps = new Map<string, { since: number; count: number }>()
  /** The same for recovery follow-ups: a check that fails and recovers in one interval gets both. */
  readonly #recoveryFollowUps = new Map<string, { since: number; count: number }>()

  constructor(options: ConfirmationsOptions) {
    this.#options = options
  }

  /** Called when `region` is the first to see `checkId` down; returns what was sent. */
  firstFailure(checkId: string, region: string): ConfirmRequest[] {
    const spec = this.#options.check(checkId)
    if (!spec) return []
    const now = this.#options.clock.now()
    const last = this.#lastRound.get(checkId)
    if (last !== undefined && now - last < intervalOf(spec)) return []
    return this.#round(spec, region, now)
  }

  /**
   * Called for each down result that leaves its region short of `failAfter` while the
   * check is not DOWN: asks that region alone to run the check again now, so its streak
   * reaches failAfter within a few run durations instead of failAfter schedules. At most
   * failAfter − 1 follow-ups per region per check interval, so a check that fails every
   * other run cannot keep a region busy; they count against the overall cap too.
   */
  followUp(checkId: string, region: string): ConfirmRequest[] {
    const spec = this.#options.check(checkId)
    if (!spec) return []
    return this.#rerun(spec, region, this.#followUps, spec.alert.failAfter - 1)
  }

  /**
   * Called when the first region of a DOWN check passes: asks `stillFailing`, the regions
   * that have not passed since they failed, to run the check now, so the quorum can see
   * the recovery within a run's duration. One round per check per interval, apart from
   * the first-failure round: an outage shorter than the interval must still be confirmed
   * over at once. Counts against the overall cap. Returns what was sent.
   */
  firstRecovery(checkId: string, passingRegion: string, stillFailing: string[]): ConfirmRequest[] {
    const spec = this.#options.check(checkId)
    if (!spec || spec.kind === 'heartbeat' || isHostKind(spec.kind)) return []
    const now = this.#options.clock.now()
    const last = this.#lastRecoveryRound.get(checkId)
    if (last !== undefined && now - last < intervalOf(spec)) return []
    if (!this.#underCap(now)) return []
    const asked = new Set(stillFailing.filter((r) => r !== passingRegion))
    const requests = this.#requests(spec, (region) => asked.has(region))
    if (requests.length === 0) return []
    this.#lastRecoveryRound.set(checkId, now)
    return this.#send(requests, now)
  }

  /**
   * Called for each up or degraded result that leaves a failing region short of
   * `recoverAfter`: asks that region alone to run the check again now. At most
   * recoverAfter − 1 per region per check interval (counted apart from failure follow-ups);
   * they count against the overall cap too.
   */
  recoveryFollowUp(checkId: string, region: string): ConfirmRequest[] {
    const spec = this.#options.check(checkId)
    if (!spec) return []
    return this.#rerun(spec, region, this.#recoveryFollowUps, spec.alert.recoverAfter - 1)
  }

  /**
   * Asks every region of the check, the failing ones included, to run it now: after an
   * auto-remediation action ran (did it help?), or for a dependency that was not measured
   * since its dependent fired (is it the cause?). Such a question is rare and its answer
   * is wanted now, so the per-check interval does not apply; the overall cap still does.
   * Returns what was sent.
   */
  everyRegion(checkId: string): ConfirmRequest[] {
    const spec = this.#options.check(checkId)
    if (!spec) return []
    return this.#round(spec, undefined, this.#options.clock.now())
  }

  /** Sends one round unless the per-minute cap is reached. */
  #round(spec: CheckSpec, failingRegion: string | undefined, now: number): ConfirmRequest[] {
    if (!this.#underCap(now)) return []
    const requests = planConfirmation(spec, failingRegion, this.#options.probes())
    if (requests.length === 0) return []
    this.#lastRound.set(spec.id, now)
    return this.#send(requests, now)
  }

  /**
   * Asks one region to run the check again now, at most `allowed` times per (check,
   * region) per check interval as kept in `windows`. A region the check does not run in
   * has nothing to confirm, whatever probes it has; a refused request uses no budget.
   */
  #rerun(
    spec: CheckSpec,
    region: string,
    windows: Map<string, { since: number; count: number }>,
    allowed: number,
  ): ConfirmRequest[] {
    if (spec.kind === 'heartbeat' || isHostKind(spec.kind)) return []
    if (!regionsOf(spec)?.includes(region)) return []
    const now = this.#options.clock.now()
    const key = `${spec.id}\u0000${region}`
    const window = windows.get(key)
    const fresh = !window || now - window.since >= intervalOf(spec)
    const used = fresh ? 0 : window.count
    if (used >= allowed || !this.#underCap(now)) return []
    const requests = this.#requests(spec, (r) => r === region)
    if (requests.length === 0) return []
    windows.set(key, { since: fresh ? now : window.since, count: used + 1 })
    return this.#send(requests, now)
  }

  /** A run command for every online probe of the check's regions that `asked` accepts. */
  #requests(spec: CheckSpec, asked: (region: string) => boolean): ConfirmRequest[] {
    const regions = new Set(regionsOf(spec) ?? [])
    return this.#options
      .probes()
      .filter(
        (probe) => probe.state === 'online' && regions.has(probe.region) && asked(probe.region),
      )
      .map((probe) => ({
        probeId: probe.probeId,
        command: { requestId: ulid(), type: 'run', checkId: spec.id, trigger: 'confirm' },
      }))
  }

  /** False once the overall per-minute cap is reached. */
  #underCap(now: number): boolean {
    this.#recent = this.#recent.filter((at) => now - at < MINUTE_MS)
    return this.#recent.length < MAX_ROUNDS_PER_MINUTE
  }

  /** Counts one round against the overall cap and sends its requests. */
  #send(requests: ConfirmRequest[], now: number): ConfirmRequest[] {
    this.#recent.push(now)
    for (const request of requests) this.#options.send(request)
    return requests
  }
}

function intervalOf(spec: CheckSpec): number {
  const every = 'every' in spec && typeof spec.every === 'string' ? spec.every : undefined
  return Math.max(MIN_CONFIRM_INTERVAL_MS, every ? scheduleIntervalMs(every) : 0)
}
