/**
 * One simulated deployment: a MonitoringConfig built by the real validator, the
 * virtual probe network and the hub's real alerting parts, sharing one ManualClock.
 * A scenario builds one AlertSim (or hundreds, one per random phase), runs it through
 * virtual time and reads what the hub sent.
 */
import type { CheckStatus } from '../../../checks/result.ts'
import type { Quorum } from '../../../checks/spec.ts'
import { validateMonitoring, type MonitoringConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { HubUnderTest, type Notification } from './hub-under-test.ts'
import { VirtualNetwork, type World } from './network.ts'
import { seededRandom } from './random.ts'

export const SIM_START = Date.UTC(2026, 0, 1)
export const EVERY_MS = 60_000

export interface SimOptions {
  seed: number
  regions: string[]
  /** How many http checks, `check-00`, `check-01`, …, all in every region. */
  checks: number
  /** The checks' `alert.quorum`; the default majority when omitted. */
  quorum?: Quorum
  /** Default true. */
  confirmations?: boolean
  /** Default `per-region` (see NetworkOptions.phases). */
  phases?: 'per-region' | 'shared'
  world: World
}

/** Delivered results, by trigger and status. */
export type ResultCounts = Record<'schedule' | 'confirm', Record<CheckStatus, number>>

export function checkIdOf(index: number): string {
  return `check-${String(index).padStart(2, '0')}`
}

/** The monitors file a user would write for the scenario, validated as a deploy is. */
export function simConfig(
  options: Pick<SimOptions, 'regions' | 'checks' | 'quorum'>,
): MonitoringConfig {
  const outcome = validateMonitoring({
    project: 'bench-alerts',
    defaults: {
      regions: options.regions,
      every: '1m',
      ...(options.quorum === undefined ? {} : { alert: { quorum: options.quorum } }),
    },
    checks: Array.from({ length: options.checks }, (_, i) => ({
      kind: 'http',
      id: checkIdOf(i),
      url: `https://target-${i}.example.com/health`,
    })),
  })
  if (!outcome.ok) throw new Error(`the simulated config is invalid:\n${outcome.errors.join('\n')}`)
  return outcome.config
}

/**
 * @example
 * const sim = new AlertSim({ seed: 1, regions: ['a', 'b', 'c'], checks: 1, world })
 * sim.runFor(3_600_000)
 * sim.checkNotifications('fired').length
 */
export class AlertSim {
  readonly clock = new ManualClock(SIM_START)
  readonly notifications: Notification[] = []
  readonly results: ResultCounts = {
    schedule: { up: 0, degraded: 0, down: 0, inconclusive: 0 },
    confirm: { up: 0, degraded: 0, down: 0, inconclusive: 0 },
  }
  readonly network: VirtualNetwork
  readonly hub: HubUnderTest
  /** Arrival times of delivered down results, oldest first. */
  readonly downArrivals: number[] = []

  constructor(options: SimOptions) {
    const config = simConfig(options)
    const random = seededRandom(options.seed)
    this.network = new VirtualNetwork({
      clock: this.clock,
      random,
      regions: options.regions,
      checkIds: config.checks.map((check) => check.id),
      everyMs: EVERY_MS,
      world: options.world,
      phases: options.phases ?? 'per-region',
      deliver: (result) => {
        this.results[result.trigger as 'schedule' | 'confirm'][result.status] += 1
        if (result.status === 'down') this.downArrivals.push(this.clock.now())
        this.hub.observe(result)
      },
      onSecond: (probes) => this.hub.second(probes),
    })
    this.hub = new HubUnderTest({
      clock: this.clock,
      config,
      probes: () => this.network.probes(),
      confirmations: options.confirmations ?? true,
      command: (probeId, checkId) => this.network.command(probeId, checkId),
      onNotification: (notification) => this.notifications.push(notification),
    })
  }

  /** Runs virtual time `ms` further, or until `stop()` holds. */
  runFor(ms: number, stop?: () => boolean): void {
    this.network.runUntil(this.clock.now() + ms, stop)
  }

  /** Notifications about checks, optionally of one type. */
  checkNotifications(type?: Notification['type']): Notification[] {
    return this.notifications.filter((n) => n.subject === 'check' && (!type || n.type === type))
  }

  /** Notifications about the probe network: regions and probes. */
  networkNotifications(subject?: 'region' | 'probe'): Notification[] {
    return this.notifications.filter((n) =>
      subject ? n.subject === subject : n.subject === 'region' || n.subject === 'probe',
    )
  }

  close(): void {
    this.hub.close()
  }
}
