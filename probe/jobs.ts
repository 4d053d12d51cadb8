/**
 * The job rules: which runs this probe makes, and when. A region check runs on the one
 * live probe of its region that owns it (rendezvous hashing, membership.ts); a host
 * check on every probe it selects. A check never overlaps itself, and a requested run
 * (a confirmation or a run-now) that meets a running one is kept and run right after it.
 */
import type { ProbeCheck } from '../checks/bundle.ts'
import type { CheckResult } from '../checks/result.ts'
import { isHostKind, type CheckKind } from '../checks/spec.ts'
import type { Logger } from '../lib/logger.ts'
import { capabilityFor } from './capabilities.ts'

export type Trigger = CheckResult['trigger']

/** Who owns a region check among the region's live probes; membership.ts in production. */
export interface Ownership {
  owns(checkId: string, capability?: string): boolean
}

export interface JobsOptions {
  ownership: Ownership
  /** Measures one run and commits its result (outbox, publisher). */
  run: (check: ProbeCheck, scheduledAt: number, trigger: Trigger) => Promise<void>
  /** True while the probe is drained: it runs nothing, host checks included. Default never. */
  paused?: () => boolean
  now: () => number
  logger: Logger
}

export class Jobs {
  /** Checks running now: a requested run must not overlap a scheduled run of the same check. */
  readonly #running = new Set<string>()
  /**
   * Requested runs that arrived while the check was running. Probes of every region run
   * a check at the same offset, so the hub's confirmation request often lands mid-run;
   * dropping it would cost a whole interval, so it runs right after.
   */
  readonly #requestedDuringRun = new Map<string, Trigger>()
  /** Waiting for the runs in progress to finish (a stopping probe). */
  readonly #idleWaiters = new Set<() => void>()
  #stopping = false

  constructor(private readonly options: JobsOptions) {}

  /** True when this probe runs `check` at all: host checks everywhere they select, others by ownership. */
  ownsCheck(check: { id: string; kind: CheckKind }): boolean {
    return (
      isHostKind(check.kind) || this.options.ownership.owns(check.id, capabilityFor(check.kind))
    )
  }

  /** Runs `check` if this probe owns it and it is not running already. */
  async run(check: ProbeCheck, scheduledAt: number, trigger: Trigger): Promise<void> {
    if (this.options.paused?.() || !this.ownsCheck(check)) return
    if (this.#running.has(check.id)) {
      if (trigger !== 'schedule') this.#requestedDuringRun.set(check.id, trigger)
      this.options.logger.debug(
        { checkId: check.id, trigger },
        'the check is running; not overlapping',
      )
      return
    }
    this.#running.add(check.id)
    try {
      await this.options.run(check, scheduledAt, trigger)
    } finally {
      this.#running.delete(check.id)
      if (this.#running.size === 0) for (const wake of this.#idleWaiters) wake()
    }
    const requested = this.#requestedDuringRun.get(check.id)
    if (requested && !this.#stopping) {
      this.#requestedDuringRun.delete(check.id)
      await this.run(check, this.options.now(), requested)
    }
  }

  /** Checks running now. */
  running(): number {
    return this.#running.size
  }

  /** Resolves true once no run is in progress, or false after `timeoutMs`. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.#running.size === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (idle: boolean) => {
        clearTimeout(timer)
        this.#idleWaiters.delete(wake)
        resolve(idle)
      }
      const wake = () => done(true)
      const timer = setTimeout(() => done(false), timeoutMs)
      this.#idleWaiters.add(wake)
    })
  }

  /** No requested run starts after this; runs in progress finish. */
  stop(): void {
    this.#stopping = true
    this.#requestedDuringRun.clear()
  }
}
