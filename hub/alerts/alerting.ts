/**
 * The hub's alerting pipeline, wired in one place:
 *
 *   results → AlertEngine (quorum, flapping, region loss) ─┬→ AlertDispatcher (routes,
 *   registry → ProbeAlerts ──────────────────────────────┤   silences, dependencies,
 *   notifier health → ChannelAlerts ──────────────────────┘   reminders, escalation, acks)
 *                                                              → Notifier (durable queue,
 *                                                                grouping, channels)
 *   results → LatencyWatch (limits, anomalies) ─→ slow regions in the engine, tickets
 *   engine first failures and recoveries → Confirmations → probe commands
 *   fired incidents → Remediation → Confirmations
 *
 * One timer ticks every second: it hands the probe registry to the engine and the
 * probe alerts, and lets the dispatcher and remediation act on what time alone decides
 * (reminders, escalation, released holds, cooldowns).
 */
import { DEFAULT_ALERTING, DEFAULT_SLO } from '../../checks/alerting.ts'
import { parseDuration } from '../../checks/duration.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import { AlertEngine } from './engine/alert-engine.ts'
import { ChannelAlerts } from './engine/channel-alerts.ts'
import { Confirmations, type ConfirmRequest } from './engine/confirmations.ts'
import { deploysBefore, recordRecentDeploys } from '../incidents/deploy-timeline.ts'
import { AlertDispatcher } from './dispatch/dispatcher.ts'
import { computeImpact, incidentSamples, type ImpactSources } from '../incidents/incident-impact.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import { ProbeAlerts } from './engine/probe-alerts.ts'
import { Remediation } from './remediation/remediation.ts'
import { LatencyWatch } from '../anomaly/latency-watch.ts'
import { Silences } from '../silences/silences.ts'
import type { IncidentRouteDeps } from '../api/incident-routes.ts'
import { createNotifier, type Notifier } from './notify/notifier.ts'
import type { RemediationCommand } from './remediation/remediation-commands.ts'
import type { HubState } from '../store/hub-state.ts'
import type { Database } from '../store/database.ts'
import { IncidentResults } from '../incidents/incident-results.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import type { StateChange } from './alert-state.ts'

/** How often time-driven alerting runs: reminders, escalation, probe offline, cooldowns. */
const TICK_MS = 1_000

export interface AlertingOptions {
  db: Database
  state: HubState
  clock: Clock
  logger: Logger
  incidents: IncidentStore
  /** The running config, read on every use so that deploys take effect. */
  config: () => MonitoringConfig
  probes: () => ProbeInfo[]
  /** Publishes a run command to a probe; must not throw. */
  sendCommand: (request: ConfirmRequest) => void
  /** The public status page URL that notifications link to. */
  statusUrl?: string
  /** The hub's own allow-list of remediation commands (`--remediation`). */
  remediationCommands?: ReadonlyMap<string, RemediationCommand>
  /** Hears every state change the engine makes (history keeps time per state). */
  onStateChange?: (change: StateChange) => void
  /** An incident's error budget from SLO minute slices (hub/slo/slo-budget.ts). */
  errorBudget?: ImpactSources['errorBudget']
}

export interface Alerting {
  engine: AlertEngine
  dispatcher: AlertDispatcher
  notifier: Notifier
  silences: Silences
  /** What the incidents API needs, minus the API token. */
  incidentRoutes: Omit<IncidentRouteDeps, 'apiToken'>
  /** Starts the one-second tick. */
  start(): void
  close(): Promise<void>
}

export async function startAlerting(options: AlertingOptions): Promise<Alerting> {
  const { db, clock, logger, incidents, config } = options
  const alerting = () => config().alerting ?? DEFAULT_ALERTING
  const findCheck = (checkId: string): CheckSpec | undefined =>
    config().checks.find((check) => check.id === checkId && check.enabled)

  const silences = await Silences.open(options.state, { clock, config })
  // Assigned below: the notifier reports channel health to the channel alerts, which
  // raise alerts through the dispatcher, which sends through the notifier.
  let channelAlerts: ChannelAlerts | undefined
  const notifier = createNotifier({
    db,
    channels: () => config().channels,
    incidents,
    logger,
    clock,
    project: () => config().project,
    statusUrl: options.statusUrl,
    groupWaitMs: () => parseDuration(alerting().groupWait),
    failingAfter: () => alerting().channelFailingAfter,
    onChannelHealth: (name, health) => channelAlerts?.update(name, health),
  })
  let engine: AlertEngine | undefined
  const dispatcher = new AlertDispatcher({
    db,
    clock,
    logger,
    incidents,
    config,
    checkState: (checkId) => engine!.state(checkId),
    send: (event, channels, routing) => notifier.send(event, channels, routing),
    suppression: (check, at) => silences.suppression(check, at),
    confirm: (checkId) => confirmations.everyRegion(checkId),
  })
  channelAlerts = new ChannelAlerts({ clock, incidents, onEvent: (e) => dispatcher.handle(e) })
  const probeAlerts = new ProbeAlerts({
    clock,
    incidents,
    config,
    logger,
    onEvent: (event) => dispatcher.handle(event),
  })
  const confirmations = new Confirmations({
    clock,
    check: findCheck,
    probes: options.probes,
    send: options.sendCommand,
  })
  const remediation = new Remediation({
    clock,
    logger,
    incidents,
    commands: () => options.remediationCommands ?? new Map(),
    check: findCheck,
    confirm: (checkId) => confirmations.everyRegion(checkId),
  })
  const latency = new LatencyWatch({
    db,
    clock,
    incidents,
    logger,
    onEvent: (event) => dispatcher.handle(event),
  })
  engine = new AlertEngine({
    clock,
    incidents,
    alerting,
    latency,
    onStateChange: options.onStateChange,
    // No inMaintenance here: ingest and the heartbeat path hand the engine only results
    // measured outside maintenance (Silences.resultPredicate), so it is judged once.
    onEvent: (event) => {
      if (event.type === 'fired' && (event.subject ?? 'check') === 'check') {
        const failingSince = incidents.get(event.incidentId)?.failingSince ?? null
        recordRecentDeploys(
          incidents,
          event.incidentId,
          event.at,
          failingSince,
          options.state.deploys(),
        )
      }
      dispatcher.handle(event)
      remediation.onEvent(event)
    },
    onFirstFailure: (checkId, region) => {
      const sent = confirmations.firstFailure(checkId, region)
      if (sent.length === 0) return
      engine!.recordConfirmation(checkId, clock.now(), {
        failingRegion: region,
        probes: sent.map((request) => request.probeId),
      })
    },
    onPendingFailure: (checkId, region) => {
      const sent = confirmations.followUp(checkId, region)
      if (sent.length === 0) return
      engine!.recordConfirmation(checkId, clock.now(), {
        rerun: region,
        probes: sent.map((request) => request.probeId),
      })
    },
    // Recovery is confirmed as fast as failure: a recovered check leaves DOWN within
    // seconds, so its incident and the SLO's bad minutes end when the target recovered.
    onFirstRecovery: (checkId, region, stillFailing) => {
      const sent = confirmations.firstRecovery(checkId, region, stillFailing)
      if (sent.length === 0) return
      engine!.recordConfirmation(checkId, clock.now(), {
        passingRegion: region,
        regions: stillFailing,
        probes: sent.map((request) => request.probeId),
      })
    },
    onPendingRecovery: (checkId, region) => {
      const sent = confirmations.recoveryFollowUp(checkId, region)
      if (sent.length === 0) return
      engine!.recordConfirmation(checkId, clock.now(), {
        rerun: region,
        recovering: true,
        probes: sent.map((request) => request.probeId),
      })
    },
  })
  engine.setChecks(config().checks)

  const incidentResults = new IncidentResults(db)
  const incidentRoutes: Omit<IncidentRouteDeps, 'apiToken'> = {
    incidents,
    impact: (incident) =>
      computeImpact(incident, {
        results: incidentResults,
        slo: config().slo ?? DEFAULT_SLO,
        outages: (checkId, from, to) => incidents.outages(checkId, from, to),
        maintenance: (checkId, from, to) => {
          const check = config().checks.find((c) => c.id === checkId)
          return check ? silences.maintenanceWindows(check, from, to) : []
        },
        errorBudget: options.errorBudget,
        now: clock.now(),
      }),
    samples: (incident, limit) => incidentSamples(incidentResults, incident, limit, clock.now()),
    acknowledge: (incidentId, by, comment) => dispatcher.acknowledge(incidentId, by, comment),
    describe: (incidentId) => dispatcher.describe(incidentId),
    project: () => config().project,
    checkName: (checkId) => config().checks.find((check) => check.id === checkId)?.name,
    deploysBefore: (incident) => deploysBefore(incident, options.state.deploys()),
    now: () => clock.now(),
  }

  /** One step of everything time decides; a failure in one part must not stop the others. */
  function tick(): void {
    const probes = options.probes()
    for (const [part, step] of [
      ['engine', () => engine!.setProbes(probes)],
      ['probe alerts', () => probeAlerts.tick(probes)],
      ['dispatcher', () => dispatcher.tick()],
      ['remediation', () => remediation.tick()],
      ['latency watch', () => latency.flush()],
    ] as const) {
      try {
        step()
      } catch (err) {
        logger.error({ err, part }, 'alerting tick failed')
      }
    }
  }

  let timer: NodeJS.Timeout | undefined
  return {
    engine,
    dispatcher,
    notifier,
    silences,
    incidentRoutes,
    start() {
      tick()
      timer = setInterval(tick, TICK_MS)
      timer.unref()
    },
    async close() {
      clearInterval(timer)
      latency.flush(true)
      await remediation.close()
      // Let notifications already on their way finish, but never hang shutdown on a dead webhook.
      await Promise.race([
        notifier.idle(),
        new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
      ])
      await notifier.close()
    },
  }
}
