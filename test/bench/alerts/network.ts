/**
 * The simulated probe network: one probe per region runs every check on its own
 * schedule and answers confirmation commands, and its results reach the hub when each
 * run ends. What a run finds (up or down) and whether a probe is alive come from the
 * scenario's `World`, so one network model serves every scenario.
 *
 * Modelled after the real agent (probe/agent.ts): a check runs every `every` at a
 * stable phase, a run takes 0.2–1.5 s, a command runs the check at once, and a run
 * that arrives while the same check is still running on that probe is skipped.
 */
import type { CheckResult } from '../../../checks/result.ts'
import type { ManualClock } from '../../../lib/clock.ts'
import type { ProbeInfo } from '../../../hub/probes/probe-info.ts'
import { EventQueue } from './event-queue.ts'
import { seededUlid, uniform, type Random } from './random.ts'

/** Shortest and longest run: a quick HTTP check up to a slow TLS handshake. */
export const RUN_MS = { min: 200, max: 1_500 } as const

/** Hub → broker → probe for a command: one MQTT hop on a healthy network. */
export const COMMAND_LATENCY_MS = 50

/** What a scenario decides: the truth the probes measure. */
export interface World {
  /** Whether the run of `checkId` from `region` that starts at `at` finds its target up. */
  isUp(run: { checkId: string; region: string; at: number }, random: Random): boolean
  /** Whether the region's probe is alive at `at`; a dead probe runs nothing and sends nothing. */
  probeOnline(region: string, at: number): boolean
}

export interface NetworkOptions {
  clock: ManualClock
  random: Random
  regions: string[]
  checkIds: string[]
  everyMs: number
  world: World
  /**
   * `per-region`: every check and region gets its own random phase. `shared`: a check
   * runs at the same phase in every region, as probes using checks/schedule.ts offsetFor do.
   */
  phases?: 'per-region' | 'shared'
  /** A result reaches the hub. */
  deliver: (result: CheckResult) => void
  /** Called at every whole virtual second with the registry's view of the probes. */
  onSecond: (probes: ProbeInfo[]) => void
}

/** Runs per region, by trigger, and commands skipped because the check was running. */
export interface NetworkCounts {
  schedule: Record<string, number>
  confirm: Record<string, number>
  skipped: number
}

export function probeIdOf(region: string): string {
  return `probe-${region}`
}

/**
 * @example
 * const network = new VirtualNetwork({ clock, random, regions, checkIds, everyMs: 60_000, world, deliver, onSecond })
 * network.runUntil(clock.now() + 3_600_000)
 */
export class VirtualNetwork {
  readonly counts: NetworkCounts
  readonly #options: NetworkOptions
  readonly #queue = new EventQueue()
  /** When each probe's run of each check ends; keyed `region/checkId`. */
  readonly #runningUntil = new Map<string, number>()
  readonly #probes: Map<string, ProbeInfo>

  constructor(options: NetworkOptions) {
    this.#options = options
    const { clock, random, regions, checkIds, everyMs } = options
    if (regions.length === 0) throw new Error('the network needs at least one region')
    this.counts = {
      schedule: Object.fromEntries(regions.map((r) => [r, 0])),
      confirm: Object.fromEntries(regions.map((r) => [r, 0])),
      skipped: 0,
    }
    const start = clock.now()
    this.#probes = new Map(
      regions.map((region) => [
        region,
        {
          probeId: probeIdOf(region),
          state: options.world.probeOnline(region, start) ? 'online' : 'offline',
          region,
          labels: {},
          capabilities: ['http'],
          version: 'sim',
          lastSeen: start,
        },
      ]),
    )
    for (const checkId of checkIds) {
      const shared = Math.floor(random() * everyMs)
      for (const region of regions) {
        const phase = options.phases === 'shared' ? shared : Math.floor(random() * everyMs)
        this.#scheduleRun(checkId, region, start + phase)
      }
    }
    this.#queue.schedule(Math.ceil(start / 1_000) * 1_000, () => this.#second())
  }

  /** The registry as the hub sees it now. */
  probes(): ProbeInfo[] {
    return [...this.#probes.values()]
  }

  /** A `run` command for `checkId` reaches `probeId` after one MQTT hop. */
  command(probeId: string, checkId: string): void {
    const probe = [...this.#probes.values()].find((p) => p.probeId === probeId)
    if (!probe) throw new Error(`no probe ${probeId} in the simulated network`)
    const at = this.#options.clock.now() + COMMAND_LATENCY_MS
    this.#queue.schedule(at, () => this.#run(checkId, probe.region, at, 'confirm'))
  }

  /** Processes events in time order up to `until` (inclusive), or until `stop()` is true. */
  runUntil(until: number, stop: () => boolean = () => false): void {
    const { clock } = this.#options
    for (;;) {
      const at = this.#queue.peekAt()
      if (at === undefined || at > until || stop()) break
      const event = this.#queue.next()!
      clock.set(event.at)
      event.fire()
    }
    if (!stop() && clock.now() < until) clock.set(until)
  }

  #scheduleRun(checkId: string, region: string, at: number): void {
    this.#queue.schedule(at, () => {
      this.#run(checkId, region, at, 'schedule')
      this.#scheduleRun(checkId, region, at + this.#options.everyMs)
    })
  }

  #run(
    checkId: string,
    region: string,
    scheduledAt: number,
    trigger: 'schedule' | 'confirm',
  ): void {
    const { world, random, clock } = this.#options
    const now = clock.now()
    if (!world.probeOnline(region, now)) return
    const key = `${region}/${checkId}`
    if ((this.#runningUntil.get(key) ?? -Infinity) > now) {
      this.counts.skipped += 1
      return
    }
    this.counts[trigger][region]! += 1
    const durationMs = Math.round(uniform(random, RUN_MS.min, RUN_MS.max))
    const up = world.isUp({ checkId, region, at: now }, random)
    this.#runningUntil.set(key, now + durationMs)
    const result: CheckResult = {
      id: seededUlid(now, random),
      checkId,
      kind: 'http',
      configVersion: 'sim',
      probeId: probeIdOf(region),
      region,
      scheduledAt,
      startedAt: now,
      durationMs,
      status: up ? 'up' : 'down',
      ...(up ? {} : { error: { code: 'CONNECT_TIMEOUT', message: 'no connection within 10s' } }),
      assertions: [],
      trigger,
    }
    this.#queue.schedule(now + durationMs, () => {
      // A probe that died mid-run never sends the result.
      if (world.probeOnline(region, clock.now())) this.#options.deliver(result)
    })
  }

  /** Updates the registry (a live probe's status refreshes lastSeen) and hands it on. */
  #second(): void {
    const now = this.#options.clock.now()
    for (const [region, probe] of this.#probes) {
      const online = this.#options.world.probeOnline(region, now)
      if (online) this.#probes.set(region, { ...probe, state: 'online', lastSeen: now })
      else if (probe.state === 'online') this.#probes.set(region, { ...probe, state: 'offline' })
    }
    this.#options.onSecond(this.probes())
    this.#queue.schedule(now + 1_000, () => this.#second())
  }
}
