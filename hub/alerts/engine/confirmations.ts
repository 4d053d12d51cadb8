/**
 * Confirmation runs: when the first region of a check sees it down, the hub
 * asks the check's other regions to run it now instead of waiting for their schedules,
 * so a real outage reaches the quorum within about one run's duration. The hub sends
 * the command to every live probe of those regions; each probe decides by itself
 * whether it owns the check (probe/membership.ts), exactly as for scheduled runs.
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
  /** Follow-up runs per (check, region) since the start of the current check interval. */
  readonly #followUps = new Map<string, { since: number; count: number }>()

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
    if (!spec || spec.kind === 'heartbeat' || isHostKind(spec.kind)) return []
    // A region the check does not run in has nothing to confirm, whatever probes it has.
    if (!regionsOf(spec)?.includes(region)) return []
    const now = this.#options.clock.now()
    const key = `${checkId}\u0000${region}`
    const window = this.#followUps.get(key)
    const fresh = !window || now - window.since >= intervalOf(spec)
    const used = fresh ? 0 : window.count
    if (used >= spec.alert.failAfter - 1) return []
    this.#recent = this.#recent.filter((at) => now - at < MINUTE_MS)
    if (this.#recent.length >= MAX_ROUNDS_PER_MINUTE) return []
    const requests = this.#options
      .probes()
      .filter((probe) => probe.state === 'online' && probe.region === region)
      .map((probe) => ({
        probeId: probe.probeId,
        command: {
          requestId: ulid(),
          type: 'run' as const,
          checkId: spec.id,
          trigger: 'confirm' as const,
        },
      }))
    if (requests.length === 0) return []
    this.#followUps.set(key, { since: fresh ? now : window.since, count: used + 1 })
    this.#recent.push(now)
    for (const request of requests) this.#options.send(request)
    return requests
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
    this.#recent = this.#recent.filter((at) => now - at < MINUTE_MS)
    if (this.#recent.length >= MAX_ROUNDS_PER_MINUTE) return []
    const requests = planConfirmation(spec, failingRegion, this.#options.probes())
    if (requests.length === 0) return []
    this.#lastRound.set(spec.id, now)
    this.#recent.push(now)
    for (const request of requests) this.#options.send(request)
    return requests
  }
}

function intervalOf(spec: CheckSpec): number {
  const every = 'every' in spec && typeof spec.every === 'string' ? spec.every : undefined
  return Math.max(MIN_CONFIRM_INTERVAL_MS, every ? scheduleIntervalMs(every) : 0)
}
