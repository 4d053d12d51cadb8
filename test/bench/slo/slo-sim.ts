/**
 * One simulated deployment for the SLO benchmark: the alerting benchmark's virtual probe
 * network and the hub's real alert engine (test/bench/alerts/), with the real state
 * roller, SLO ledger, SLO engine, alert book and SLO dispatch behind it, on one
 * ManualClock. The SLO starts with `historyDays` of good minutes behind it, as a hub
 * that has watched the check for a month would.
 */
import { validateMonitoring, type MonitoringConfig } from '../../../checks/validate.ts'
import { slo } from '../../../checks/slo.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { openDatabase } from '../../../hub/store/database.ts'
import { IncidentStore } from '../../../hub/incidents/incident-store.ts'
import { RollupStore } from '../../../hub/history/rollup-store.ts'
import { StateRoller } from '../../../hub/history/state-roller.ts'
import { SloLedger } from '../../../hub/slo/slo-ledger.ts'
import { SloAlertBook } from '../../../hub/slo/slo-alerts.ts'
import { SloEngine } from '../../../hub/slo/slo-engine.ts'
import { ThresholdMemory } from '../../../hub/slo/threshold-memory.ts'
import { SloDispatch } from '../../../hub/alerts/dispatch/dispatch-slo.ts'
import { DispatchState } from '../../../hub/alerts/dispatch/dispatch-state.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { HubUnderTest } from '../alerts/hub-under-test.ts'
import { VirtualNetwork, type World } from '../alerts/network.ts'
import { seededRandom } from '../alerts/random.ts'

export const SIM_START = Date.UTC(2026, 2, 2)
const MIN = 60_000
export const CHECK = 'check-00'

/** One SLO notification that left the hub (a dispatch `send`). */
export interface SloNotification {
  at: number
  type: AlertEvent['type']
  alert: string
  pair: string | null
  heldOpenBy: string | null
  channels: string[]
}

export interface SloSimOptions {
  seed: number
  world: World
  target?: number
  /** The SLO's alerts.minBadMinutes; the default when absent. */
  minBadMinutes?: number
  historyDays?: number
}

function config(target: number, minBadMinutes?: number): MonitoringConfig {
  const outcome = validateMonitoring({
    project: 'bench-slo',
    defaults: { regions: ['eu-west', 'us-east', 'ap-south'], every: '1m' },
    channels: [
      { type: 'webhook', name: 'pager', url: 'https://pager.example.com/hook' },
      { type: 'webhook', name: 'tickets', url: 'https://tickets.example.com/hook' },
    ],
    routes: [
      { match: {}, channels: ['pager'] },
      { match: {}, channels: ['tickets'], tickets: true },
    ],
    slos: [
      slo('checkout', {
        checks: [CHECK],
        target,
        window: '30d',
        ...(minBadMinutes === undefined ? {} : { alerts: { minBadMinutes } }),
      }),
    ],
    checks: [{ kind: 'http', id: CHECK, url: 'https://shop.example.com/health' }],
  })
  if (!outcome.ok) throw new Error(`the simulated config is invalid:\n${outcome.errors.join('\n')}`)
  return outcome.config
}

/**
 * @example
 * const sim = new SloSim({ seed: 1, world: fullOutage(SIM_START + 600_000) })
 * sim.runFor(3_600_000)
 * sim.notifications.filter((n) => n.alert === 'page')
 */
export class SloSim {
  readonly clock = new ManualClock(SIM_START)
  readonly notifications: SloNotification[] = []
  /** The check's DOWN periods as the engine judged them. */
  readonly downs: { from: number; to: number | null }[] = []
  readonly network: VirtualNetwork
  readonly hub: HubUnderTest
  readonly ledger = new SloLedger()
  readonly engine: SloEngine
  readonly #db = openDatabase(':memory:')

  constructor(options: SloSimOptions) {
    const monitoring = config(options.target ?? 99.9, options.minBadMinutes)
    const { clock } = this
    const incidents = new IncidentStore(this.#db)
    const rollups = new RollupStore(this.#db)
    // A month of good minutes, as a hub that has watched the check for that long.
    const history = (options.historyDays ?? 30) * 24 * 60
    for (let m = history; m > 0; m--) {
      this.ledger.add(CHECK, SIM_START - m * MIN, { valid: true, bad: false })
    }
    const dispatch = new SloDispatch({
      state: new DispatchState(this.#db),
      clock,
      incidents,
      config: () => monitoring,
      send: (event, channels) =>
        this.notifications.push({
          at: clock.now(),
          type: event.type,
          alert: event.slo?.alert ?? '?',
          pair: event.slo?.pair ?? null,
          heldOpenBy: event.slo?.heldOpenBy ?? null,
          channels,
        }),
    })
    const roller = new StateRoller({
      rollups,
      clock,
      onMinute: (checkId, minute, slice) => this.ledger.add(checkId, minute, slice),
    })
    this.engine = new SloEngine({
      clock,
      config: () => monitoring,
      ledger: this.ledger,
      alerts: new SloAlertBook(incidents, (event) => dispatch.handle(event)),
      thresholds: new ThresholdMemory(this.#db),
      openMinute: (checkId) => roller.openMinute(checkId),
    })
    this.engine.setSlos()
    const random = seededRandom(options.seed)
    this.network = new VirtualNetwork({
      clock,
      random,
      regions: ['eu-west', 'us-east', 'ap-south'],
      checkIds: [CHECK],
      everyMs: 60_000,
      world: options.world,
      phases: 'per-region',
      deliver: (result) => this.hub.observe(result),
      onSecond: (probes) => {
        this.hub.second(probes)
        roller.tick()
        if (clock.now() % 30_000 === 0) this.engine.evaluate()
      },
    })
    this.hub = new HubUnderTest({
      clock,
      config: monitoring,
      probes: () => this.network.probes(),
      confirmations: true,
      command: (probeId, checkId) => this.network.command(probeId, checkId),
      onNotification: () => {},
      onStateChange: (change) => {
        roller.change(change)
        if (change.series !== null) return
        if (change.state === 'down') this.downs.push({ from: change.at, to: null })
        else if (this.downs.at(-1)?.to === null) this.downs.at(-1)!.to = change.at
        this.engine.checkChanged(change.checkId)
      },
    })
    roller.setChecks([{ id: CHECK, tags: [], series: ['eu-west', 'us-east', 'ap-south'] }], (id) =>
      this.hub.engine.state(id),
    )
  }

  runFor(ms: number): void {
    this.network.runUntil(this.clock.now() + ms)
  }

  /** Bad minutes the SLO counted since the start, and valid ones. */
  sliSince(from: number): { valid: number; bad: number } {
    const slices = this.ledger.slices(CHECK, from, this.clock.now())
    return {
      valid: slices.filter((s) => s.valid).length,
      bad: slices.filter((s) => s.bad).length,
    }
  }

  close(): void {
    this.hub.close()
    this.#db.close()
  }
}
