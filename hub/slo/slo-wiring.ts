/**
 * SLOs in the running hub: the ledger filled from rollups at start and fed by the
 * state roller, the engine judged every 30 seconds and at once when a check changes
 * state, alerts dispatched to pages and tickets, and the views the API, CLI, status page
 * and /metrics read. hub/hub.ts wires it; it follows history's deploys and closes with it.
 */
import { parseDuration } from '../../checks/duration.ts'
import type { SloDefinition } from '../../checks/slo.ts'
import { effectiveQuorum } from '../../checks/spec.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { AlertEvent } from '../../checks/alert-event.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import { SloDispatch } from '../alerts/dispatch/dispatch-slo.ts'
import { DispatchState } from '../alerts/dispatch/dispatch-state.ts'
import type { History } from '../history/history-wiring.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import type { SloGauge } from '../metrics/slo-gauges.ts'
import type { Database } from '../store/database.ts'
import type { ResultStore } from '../store/result-store.ts'
import { SloAlertBook } from './slo-alerts.ts'
import { SloEngine } from './slo-engine.ts'
import { SloLedger } from './slo-ledger.ts'
import { loadLedger, slowByQuorum, type LedgerSeries } from './slo-loader.ts'
import { sloView, type SloView } from './slo-views.ts'
import { ThresholdMemory } from './threshold-memory.ts'
import { sloRoutes } from '../api/slo-routes.ts'
import type { Hono } from 'hono'

/** How often every SLO is judged. */
const EVALUATE_EVERY_MS = 30_000
const MIN = 60_000
const HOUR = 60 * MIN

export interface SloOptions {
  db: Database
  clock: Clock
  logger: Logger
  config: () => MonitoringConfig
  results: ResultStore
  incidents: IncidentStore
  resultHistory: History
  /** Where SLO alerts leave the hub: its notifier, never grouped. */
  alerting: {
    notifier: {
      send: (event: AlertEvent, channels: string[], routing: { groupKey: null }) => void
    }
  }
}

export interface Slos {
  engine: SloEngine
  /** Every SLO, judged now. */
  list: () => SloView[]
  view: (name: string) => SloView | null
  definition: (name: string) => SloDefinition | null
  /** For /metrics and chat. */
  gauges: () => SloGauge[]
  /** `/api/v1/slos...` (slo-routes.ts). */
  routes: Hono
}

/** The ledger series of every deployed SLO. */
function seriesOf(config: MonitoringConfig): LedgerSeries[] {
  const checks = new Map(config.checks.map((check) => [check.id, check]))
  const series = new Map<string, LedgerSeries>()
  for (const definition of config.slos ?? []) {
    for (const checkId of definition.checks) {
      if (definition.sli === 'availability') {
        series.set(checkId, { key: checkId, checkId })
        continue
      }
      const belowMs = parseDuration(definition.sli.latency.below)
      const spec = checks.get(checkId)
      const quorum = spec ? effectiveQuorum(spec) : 1
      series.set(`${checkId}@${belowMs}`, {
        key: `${checkId}@${belowMs}`,
        checkId,
        latency: { belowMs, quorum },
      })
    }
  }
  return [...series.values()]
}

export function startSlos(options: SloOptions): Slos {
  const { db, clock, logger, config, results, incidents } = options
  const history = options.resultHistory
  const ledger = new SloLedger()
  const dispatch = new SloDispatch({
    state: new DispatchState(db),
    clock,
    incidents,
    config,
    send: (event, channels) => options.alerting.notifier.send(event, channels, { groupKey: null }),
  })
  const alerts = new SloAlertBook(incidents, (event) => {
    try {
      dispatch.handle(event)
    } catch (err) {
      logger.error({ err, incidentId: event.incidentId }, 'could not dispatch an SLO alert')
    }
  })
  const engine = new SloEngine({
    clock,
    config,
    ledger,
    alerts,
    thresholds: new ThresholdMemory(db),
    openMinute: (checkId) => history.roller.openMinute(checkId),
    logger,
  })
  let series = new Map<string, LedgerSeries[]>()
  const load = () => {
    const all = seriesOf(config())
    series = new Map()
    for (const s of all) series.set(s.checkId, [...(series.get(s.checkId) ?? []), s])
    const keep = new Set(all.map((s) => s.key))
    for (const key of [...ledger.keys()]) if (!keep.has(key)) ledger.delete(key)
    loadLedger(ledger, results.rollups, all, clock.now())
    engine.setSlos()
  }
  load()
  history.onDeploy(load)

  history.onMinute((checkId, minute, slice) => {
    for (const s of series.get(checkId) ?? []) {
      if (!s.latency) {
        ledger.add(s.key, minute, slice)
        continue
      }
      // The minute's runs are in by now: results arrive within seconds of their run.
      const hour = Math.floor(minute / HOUR) * HOUR
      const slot = (minute - hour) / MIN
      const regions = results.rollups
        .minuteRows(checkId, [hour])
        .filter((row) => row.series !== OVERALL_SERIES)
        .flatMap((row) => (row.pack.has(slot) ? [row.pack.get(slot)!] : []))
      const slow = slowByQuorum(regions, s.latency.belowMs, s.latency.quorum)
      ledger.add(s.key, minute, { valid: slice.valid, bad: slice.bad || slow })
    }
  })
  history.onStatus((checkId, status) => {
    if (status === 'down' || status === 'up') engine.checkChanged(checkId)
  })

  const definition = (name: string) =>
    (config().slos ?? []).find((slo) => slo.name === name) ?? null
  // Judged every 30 s from now on; history's close stops it, before the database closes.
  const timer = setInterval(() => engine.evaluate(), EVALUATE_EVERY_MS)
  timer.unref()
  history.onClose(() => clearInterval(timer))
  const slos: Omit<Slos, 'routes'> = {
    engine,
    list: () => engine.definitions().map((d) => sloView(engine, alerts, d)),
    view: (name) => {
      const found = definition(name)
      return found ? sloView(engine, alerts, found) : null
    },
    definition,
    gauges: () =>
      engine.definitions().flatMap((d) =>
        d.objectives.map((objective) => {
          const state = engine.judge(d, objective)
          return {
            slo: state.key,
            ...(d.checks.length === 1 ? { check: d.checks[0]! } : {}),
            target: objective.target / 100,
            budgetRemaining: state.budget.remainingShare,
            burnRates: state.burnRates,
          }
        }),
      ),
  }
  const outages = incidents.outages.bind(incidents)
  return { ...slos, routes: sloRoutes({ slos, outages, now: () => clock.now() }) }
}
