/**
 * The hub's real alerting parts, wired as hub/hub.ts wires them but on a virtual clock
 * and an in-memory database: the alert engine, confirmation runs, the dispatcher and
 * probe alerts. The only stand-in is the notifier: the dispatcher's `send` is where a
 * notification leaves the hub, so that is what the simulator counts.
 */
import Database from 'better-sqlite3'
import { DEFAULT_ALERTING } from '../../../checks/alerting.ts'
import type { CheckResult } from '../../../checks/result.ts'
import type { MonitoringConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { AlertEngine } from '../../../hub/alerts/engine/alert-engine.ts'
import { Confirmations } from '../../../hub/alerts/engine/confirmations.ts'
import { AlertDispatcher } from '../../../hub/alerts/dispatch/dispatcher.ts'
import { IncidentStore } from '../../../hub/incidents/incident-store.ts'
import { ProbeAlerts } from '../../../hub/alerts/engine/probe-alerts.ts'
import type { AlertEventType, AlertSubject } from '../../../checks/alert-event.ts'
import type { ProbeInfo } from '../../../hub/probes/probe-info.ts'
import type { StateChange } from '../../../hub/alerts/alert-state.ts'

/** One call of the dispatcher's `send`: one notification, whatever its channel count. */
export interface Notification {
  at: number
  subject: AlertSubject
  type: AlertEventType
  checkId: string
  channels: string[]
}

export interface HubUnderTestOptions {
  clock: Clock
  config: MonitoringConfig
  /** The probe registry, for confirmation rounds. */
  probes: () => ProbeInfo[]
  /** Off: the engine's failures and recoveries ask nobody, to compare without confirmation runs. */
  confirmations: boolean
  /** Publishes a confirmation command to a probe. */
  command: (probeId: string, checkId: string) => void
  onNotification: (notification: Notification) => void
  /** Hears the engine's state changes (the SLO benchmark rolls them into minutes). */
  onStateChange?: (change: StateChange) => void
}

/**
 * @example
 * const hub = new HubUnderTest({ clock, config, probes, confirmations: true, command, onNotification })
 * hub.observe(result); hub.second(probes); hub.close()
 */
export class HubUnderTest {
  readonly engine: AlertEngine
  readonly #db: Database.Database
  readonly #dispatcher: AlertDispatcher
  readonly #probeAlerts: ProbeAlerts

  constructor(options: HubUnderTestOptions) {
    const { clock, config } = options
    this.#db = new Database(':memory:')
    const incidents = new IncidentStore(this.#db)
    const enabled = new Map(config.checks.filter((c) => c.enabled).map((c) => [c.id, c]))
    const confirmations = new Confirmations({
      clock,
      check: (checkId) => enabled.get(checkId),
      probes: options.probes,
      send: ({ probeId, command }) => options.command(probeId, command.checkId),
    })
    this.#dispatcher = new AlertDispatcher({
      db: this.#db,
      clock,
      logger: silentLogger(),
      incidents,
      config: () => config,
      checkState: (checkId) => this.engine.state(checkId),
      send: (event, channels) =>
        options.onNotification({
          at: clock.now(),
          subject: event.subject ?? 'check',
          type: event.type,
          checkId: event.checkId,
          channels,
        }),
    })
    this.engine = new AlertEngine({
      clock,
      incidents,
      alerting: () => config.alerting ?? DEFAULT_ALERTING,
      onEvent: (event) => this.#dispatcher.handle(event),
      onStateChange: options.onStateChange,
      onFirstFailure: (checkId, region) => {
        if (!options.confirmations) return
        const sent = confirmations.firstFailure(checkId, region)
        if (sent.length === 0) return
        this.engine.recordConfirmation(checkId, clock.now(), {
          region,
          probes: sent.map((request) => request.probeId),
        })
      },
      onPendingFailure: (checkId, region) => {
        if (options.confirmations) confirmations.followUp(checkId, region)
      },
      onFirstRecovery: (checkId, region, stillFailing) => {
        if (options.confirmations) confirmations.firstRecovery(checkId, region, stillFailing)
      },
      onPendingRecovery: (checkId, region) => {
        if (options.confirmations) confirmations.recoveryFollowUp(checkId, region)
      },
    })
    this.#probeAlerts = new ProbeAlerts({
      clock,
      incidents,
      config: () => config,
      onEvent: (event) => this.#dispatcher.handle(event),
    })
    this.engine.setChecks(config.checks)
  }

  observe(result: CheckResult): void {
    this.engine.observe(result)
  }

  /** What the hub does every second: registry to the engine, then the timers. */
  second(probes: ProbeInfo[]): void {
    this.engine.setProbes(probes)
    this.#dispatcher.tick()
    this.#probeAlerts.tick(probes)
  }

  close(): void {
    this.#db.close()
  }
}
