/**
 * History in the running hub: the state roller fed by the alert engine, the status log,
 * and retention on a timer. hub/hub.ts wires it; everything it needs comes in here.
 */
import type { MonitoringConfig } from '../../checks/validate.ts'
import { regionsOf } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { CheckAlertState, StateChange } from '../alerts/alert-state.ts'
import type { Database } from '../store/database.ts'
import type { ResultStore } from '../store/result-store.ts'
import type { TimeWindow } from '../views/availability.ts'
import { Pruner } from './pruner.ts'
import type { Retention } from './retention.ts'
import { StateRoller, type Slice } from './state-roller.ts'
import { StatusLog } from './status-log.ts'
import type { ErrorBudget } from '../incidents/incident-impact.ts'
import { incidentBudget } from '../slo/slo-budget.ts'

/** How often closed minutes are written. */
const ROLL_EVERY_MS = 1_000
/** How often retention runs. */
const PRUNE_EVERY_MS = 60_000

export interface HistoryOptions {
  db: Database
  results: ResultStore
  clock: Clock
  logger: Logger
  retention: Retention
  config: () => MonitoringConfig
}

export interface History {
  roller: StateRoller
  statusLog: StatusLog
  pruner: Pruner
  retention: Retention
  /** For the alert engine's `onStateChange`. */
  onStateChange: (change: StateChange) => void
  /** Hears each closed minute of every check as a whole. */
  onMinute: (listener: (checkId: string, minute: number, slice: Slice) => void) => void
  /** Hears every change of a check's status (after the status log has it). */
  onStatus: (listener: (checkId: string, status: string, at: number) => void) => void
  /** Starts following the engine's checks, once it is built. */
  attach: (sources: {
    state: (checkId: string) => CheckAlertState
    maintenanceWindows: (
      check: { id: string; tags: string[] },
      from: number,
      to: number,
    ) => TimeWindow[]
  }) => void
  /** After every deploy, once the engine has the new checks; then tells `onDeploy` listeners. */
  setChecks: () => void
  /** Hears every deploy, after the roller has the new checks (SLOs reload here). */
  onDeploy: (listener: () => void) => void
  /** Runs when history closes, before the roller's last write (SLOs stop here). */
  onClose: (listener: () => void) => void
  /** An incident's error budget from the SLO minute slices, for incident reports. */
  errorBudget: (
    incident: { checkId: string; startedAt: number; kind: string },
    end: number,
  ) => ErrorBudget | null
  start: () => void
  close: () => Promise<void>
}

/**
 * @example
 * const history = createHistory({ db, results, clock, logger, retention, config })
 * const alerting = await startAlerting({ ..., onStateChange: history.onStateChange })
 * history.attach({ state: (id) => alerting.engine.state(id), maintenanceWindows })
 */
export function createHistory(options: HistoryOptions): History {
  const { db, results, clock, logger, config } = options
  const statusLog = new StatusLog(db)
  const listeners: ((checkId: string, minute: number, slice: Slice) => void)[] = []
  const statusListeners: ((checkId: string, status: string, at: number) => void)[] = []
  const deployListeners: (() => void)[] = []
  const closeListeners: (() => void)[] = []
  let sources: Parameters<History['attach']>[0] | null = null
  const roller = new StateRoller({
    rollups: results.rollups,
    clock,
    maintenance: (check, from, to) => sources?.maintenanceWindows(check, from, to) ?? [],
    onMinute: (checkId, minute, slice) => {
      for (const listener of listeners) listener(checkId, minute, slice)
    },
    onStatus: (checkId, status, at) => {
      statusLog.record(checkId, status, at)
      for (const listener of statusListeners) listener(checkId, status, at)
    },
  })
  const pruner = new Pruner({
    db,
    retention: () => options.retention,
    clock,
    logger,
    channels: () => config().channels.map((channel) => channel.name),
  })
  const setChecks = () => {
    if (!sources) return
    const state = sources.state
    const checks = config()
      .checks.filter((spec) => spec.enabled)
      .map((spec) => ({ id: spec.id, tags: spec.tags, series: regionsOf(spec) ?? [] }))
    roller.setChecks(checks, (checkId) => state(checkId))
  }
  let timer: NodeJS.Timeout | undefined
  return {
    roller,
    statusLog,
    pruner,
    retention: options.retention,
    onStateChange: (change) => {
      try {
        roller.change(change)
      } catch (err) {
        logger.error({ err, checkId: change.checkId }, 'recording a state change failed')
      }
    },
    onMinute: (listener) => listeners.push(listener),
    onStatus: (listener) => statusListeners.push(listener),
    attach(given) {
      sources = given
      setChecks()
    },
    setChecks: () => {
      setChecks()
      for (const listener of deployListeners) listener()
    },
    onDeploy: (listener) => deployListeners.push(listener),
    errorBudget: (incident, end) => incidentBudget(results.history, config(), incident, end),
    onClose: (listener) => closeListeners.push(listener),
    start() {
      timer = setInterval(() => {
        try {
          roller.tick()
        } catch (err) {
          logger.error({ err }, 'writing state time failed')
        }
      }, ROLL_EVERY_MS)
      timer.unref()
      pruner.start(PRUNE_EVERY_MS)
    },
    async close() {
      for (const listener of closeListeners) listener()
      clearInterval(timer)
      await pruner.stop()
      try {
        roller.flush()
      } catch (err) {
        logger.error({ err }, 'writing the last state time failed')
      }
    },
  }
}
