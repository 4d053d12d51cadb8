/**
 * The hub's real parts for latency, wired as hub/alerts/alerting.ts wires them but on a
 * virtual clock and an in-memory database: the latency watch, the alert engine and the
 * dispatcher. Tickets are counted where they leave the dispatcher (its `send`).
 */
import Database from 'better-sqlite3'
import type { CheckResult } from '../../../checks/result.ts'
import { validateMonitoring, type MonitoringConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { AlertDispatcher } from '../../../hub/alerts/dispatch/dispatcher.ts'
import { AlertEngine } from '../../../hub/alerts/engine/alert-engine.ts'
import { LatencyWatch } from '../../../hub/anomaly/latency-watch.ts'
import { IncidentStore } from '../../../hub/incidents/incident-store.ts'

/** A project with `checks` http checks in the three regions and one route for tickets. */
export function benchConfig(checks: number, regions: string[]): MonitoringConfig {
  const outcome = validateMonitoring({
    channels: [{ type: 'console', name: 'tickets' }],
    routes: [{ channels: ['tickets'], tickets: true }],
    checks: Array.from({ length: checks }, (_, i) => ({
      kind: 'http',
      id: `check-${i}`,
      url: `https://service-${i}.example.com/health`,
      regions,
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

export class AnomalyHub {
  readonly clock = new ManualClock()
  readonly engine: AlertEngine
  /** Tickets sent, by check id, with when. */
  readonly tickets: { checkId: string; at: number; regions: string[] }[] = []
  readonly #db = new Database(':memory:')
  #runs = 0

  constructor(config: MonitoringConfig) {
    const incidents = new IncidentStore(this.#db)
    const dispatcher = new AlertDispatcher({
      db: this.#db,
      clock: this.clock,
      logger: silentLogger(),
      incidents,
      config: () => config,
      checkState: (checkId) => this.engine.state(checkId),
      send: (event) => {
        if (event.type === 'anomaly') {
          this.tickets.push({
            checkId: event.checkId,
            at: this.clock.now(),
            regions: event.regions,
          })
        }
      },
    })
    const latency = new LatencyWatch({
      db: this.#db,
      clock: this.clock,
      incidents,
      onEvent: (event) => dispatcher.handle(event),
    })
    this.engine = new AlertEngine({
      clock: this.clock,
      incidents,
      latency,
      onEvent: (event) => dispatcher.handle(event),
    })
    this.engine.setChecks(config.checks)
  }

  /** One served run of `checkId` in `region`, measured now. */
  observe(checkId: string, region: string, durationMs: number): void {
    const at = this.clock.now()
    const result: CheckResult = {
      // The engine never reads ids; a counter costs less than a ULID per run.
      id: String((this.#runs += 1)).padStart(26, '0'),
      checkId,
      kind: 'http',
      configVersion: '1-bench',
      probeId: `probe-${region}`,
      region,
      scheduledAt: at,
      startedAt: at,
      durationMs,
      status: 'up',
      assertions: [],
      trigger: 'schedule',
    }
    this.engine.observe(result)
  }

  /** The state of each of the check's regions, as the API shows them. */
  regionStates(checkId: string): Record<string, string> {
    return this.engine.state(checkId).regions
  }

  close(): void {
    this.#db.close()
  }
}
