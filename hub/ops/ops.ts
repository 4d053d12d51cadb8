/**
 * Where ops teams already look, wired into the hub in one place: the event log and what
 * feeds it, /metrics and its blackbox view, run-now, and ChatOps. hub.ts creates it
 * once its parts exist and hands it what ingest stores and rejects and every probe
 * status; it adds its routes to the HTTP app and wraps the app's fetch to log API writes.
 */
import { Hono } from 'hono'
import type { CheckResult } from '../../checks/result.ts'
import type { RunCommand } from '../../checks/wire.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { AlertEngine } from '../alerts/engine/alert-engine.ts'
import type { AcknowledgeOutcome } from '../alerts/dispatch/dispatcher.ts'
import type { ChannelHealth } from '../alerts/notify/channel-health.ts'
import type { RemediationCommand } from '../alerts/remediation/remediation-commands.ts'
import { auditApi } from '../api/api-audit.ts'
import { chatRoutes } from '../api/chat-routes.ts'
import { eventRoutes } from '../api/event-routes.ts'
import { metricsRoutes } from '../api/metrics-routes.ts'
import { runRoutes } from '../api/run-routes.ts'
import { ChatAccess, type Platform } from '../chatops/chat-access.ts'
import { ChatCore } from '../chatops/chat-core.ts'
import { ChatDedupe } from '../chatops/chat-dedupe.ts'
import { ChatRemediation } from '../chatops/chat-remediation.ts'
import type { LiveConfig } from '../config/live-config.ts'
import { currentActor } from '../events/actor-context.ts'
import { CHANGE_KINDS, EventLog, type HubEvent } from '../events/event-log.ts'
import {
  deployEvent,
  ProbeWatch,
  rejectionEvent,
  timelineEvent,
  windowEvent,
} from '../events/event-sources.ts'
import type { Incident, IncidentStore } from '../incidents/incident-store.ts'
import type { IngestCounters, Rejection } from '../ingest/ingest.ts'
import { Metrics } from '../metrics/metrics.ts'
import type { SloGaugeSource } from '../metrics/slo-gauges.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { RunNow } from '../runs/run-now.ts'
import type { Silences } from '../silences/silences.ts'
import type { Database } from '../store/database.ts'
import type { ResultStore } from '../store/result-store.ts'

/** How far back "Events around this incident" looks: an hour of changes. */
export const EVENTS_BEFORE_MS = 60 * 60_000
/** Rows that section lists at most. */
const EVENTS_BEFORE_LIMIT = 50

/** ChatOps settings: the role map and the platforms' secrets (from the environment). */
export interface ChatSettings {
  access: ChatAccess
  slackSigningSecret?: string
  mattermostTokens?: string[]
  mattermostUrl?: string
  /** Where follow-ups may be posted; tests point them at a loopback server. */
  followUpAllowed?: (url: string, platform: Platform) => boolean
}

/**
 * Opens the event log and has it hear every deploy. The hub calls it before its first
 * deploy, so that a monitors file changed at start is logged like any later deploy.
 * @example const events = openEventLog({ db, clock, logger, live, retentionMs })
 */
export function openEventLog(options: {
  db: Database
  clock: Clock
  logger: Logger
  live: Pick<LiveConfig, 'onDeploy'>
  /** How long the log keeps rows. Default 90 days. */
  retentionMs?: number
}): EventLog {
  const { retentionMs } = options
  const events = new EventLog(options.db, {
    clock: options.clock,
    logger: options.logger,
    retentionMs: retentionMs ? () => retentionMs : undefined,
    actor: currentActor,
  })
  options.live.onDeploy((event) => {
    events.append(deployEvent(event))
  })
  return events
}

/** The hub's options about metrics, the event log and chat (HubOptions extends it). */
export interface OpsSettings {
  /** A token that reads /metrics and nothing else (`--metrics-token`). */
  metricsToken?: string
  /** Tags that may appear as labels on `vantage_check_info` (`--metrics-tags`). */
  metricsTags?: string[]
  /** How long the event log keeps its rows (`--event-retention`). Default 90 days. */
  eventRetentionMs?: number
  /** ChatOps: who may do what from Slack and Mattermost, and their secrets. Default: nobody. */
  chat?: ChatSettings
}

export interface OpsOptions {
  db: Database
  clock: Clock
  logger: Logger
  /** The event log (openEventLog), open since before the first deploy. */
  events: EventLog
  config: () => MonitoringConfig
  alerting: {
    engine: Pick<AlertEngine, 'state'>
    dispatcher: { acknowledge(id: string, by: string, comment?: string): AcknowledgeOutcome }
    notifier: { channelHealth(): ChannelHealth[] }
    silences: Silences
  }
  incidents: IncidentStore
  results: Pick<ResultStore, 'latestPerRegion'>
  probes: () => ProbeInfo[]
  sendCommand: (probeId: string, command: RunCommand) => void
  ingestCounters: () => IngestCounters
  brokerClients?: () => number | undefined
  configVersion: () => string
  /** The hub's own options: these and its API token and remediation allow-list. */
  settings: OpsSettings & {
    apiToken?: string
    remediationCommands?: ReadonlyMap<string, RemediationCommand>
  }
  /** The SLO engine's gauges; absent until a hub has one. */
  slo?: SloGaugeSource
}

export interface Ops {
  events: EventLog
  metrics: Metrics
  runNow: RunNow
  /** The routes to add to the hub's app: /metrics, /api/v1/events, run-now, chat. */
  routes: Hono
  /** Wraps the app's fetch so API writes are logged with who made them. */
  auditFetch: (fetch: Parameters<typeof auditApi>[0]) => ReturnType<typeof auditApi>
  /** Ingest stored these results (every one, maintenance included). */
  accepted(results: CheckResult[]): void
  rejected(rejection: Rejection): void
  /** A probe's status arrived (after the registry took it). */
  probeStatus(probeId: string): void
  /** Changes in the hour before an incident's failure began, deploys first. */
  eventsBefore(incident: Incident): HubEvent[]
  start(): void
  close(): void
}

export function startOps(options: OpsOptions): Ops {
  const { clock, logger, events, settings } = options
  const { engine, dispatcher, notifier, silences } = options.alerting

  const metrics = new Metrics({
    checks: () => options.config().checks,
    quorum: (checkId) => engine.state(checkId),
    latest: (checkId) => Object.values(options.results.latestPerRegion(checkId)),
    health: {
      ingest: options.ingestCounters,
      channels: () => notifier.channelHealth(),
      probes: options.probes,
      brokerClients: options.brokerClients,
      configVersion: options.configVersion,
      now: () => clock.now(),
    },
    slo: options.slo,
    tags: new Set(settings.metricsTags ?? []),
  })

  options.incidents.onEntry((incident, entry) => {
    const event = timelineEvent(incident, entry)
    if (!event) return
    events.append(event)
    if (entry.type === 'notification') {
      metrics.hub.notification(String(entry.detail.channel), String(entry.detail.outcome))
    }
  })
  silences.onChange((change) => events.append(windowEvent(change, clock.now())))
  const probeWatch = new ProbeWatch()
  probeWatch.seed(options.probes())

  const findCheck = (checkId: string) => options.config().checks.find((c) => c.id === checkId)
  const runNow = new RunNow({
    clock,
    check: findCheck,
    probes: options.probes,
    send: options.sendCommand,
  })

  const remediation = new ChatRemediation({
    clock,
    incidents: options.incidents,
    commands: () => settings.remediationCommands ?? new Map(),
  })
  const chat = settings.chat
  const core = new ChatCore({
    clock,
    logger,
    access: () => chat?.access ?? ChatAccess.none(),
    checks: () => options.config().checks,
    state: (checkId) => engine.state(checkId),
    latest: (checkId) => options.results.latestPerRegion(checkId),
    incidents: options.incidents,
    acknowledge: (id, by, comment) => dispatcher.acknowledge(id, by, comment),
    silences,
    runNow,
    remediation,
    slo: options.slo,
    events,
    metrics: metrics.hub,
  })

  const routes = new Hono()
  routes.route(
    '/',
    metricsRoutes({ metrics, apiToken: settings.apiToken, metricsToken: settings.metricsToken }),
  )
  routes.route('/', eventRoutes({ events, apiToken: settings.apiToken }))
  routes.route('/', runRoutes({ runNow, apiToken: settings.apiToken }))
  routes.route(
    '/',
    chatRoutes({
      core,
      dedupe: new ChatDedupe(options.db, clock),
      slackSigningSecret: chat?.slackSigningSecret,
      mattermostTokens: chat?.mattermostTokens,
      mattermostUrl: chat?.mattermostUrl,
      followUpAllowed: chat?.followUpAllowed,
      now: () => clock.now(),
      logger,
    }),
  )

  return {
    events,
    metrics,
    runNow,
    routes,
    auditFetch: (fetch) => auditApi(fetch, { events, clock }),
    accepted(results) {
      metrics.observe(results)
      runNow.observe(results)
    },
    rejected(rejection) {
      events.append(rejectionEvent(rejection, clock.now()))
    },
    probeStatus(probeId) {
      const probe = options.probes().find((p) => p.probeId === probeId)
      for (const event of probeWatch.observe(probeId, probe, clock.now())) events.append(event)
    },
    eventsBefore(incident) {
      const began = incident.failingSince ?? incident.startedAt
      const changes = events.find({
        kinds: CHANGE_KINDS,
        since: began - EVENTS_BEFORE_MS,
        until: began,
        limit: 500,
      })
      const relevant = changes.filter(
        (event) => event.check === null || event.check === incident.checkId,
      )
      const deploys = relevant.filter((e) => e.kind === 'deploy' || e.kind === 'rollback')
      const others = relevant.filter((e) => e.kind !== 'deploy' && e.kind !== 'rollback')
      return [...deploys, ...others].slice(0, EVENTS_BEFORE_LIMIT)
    },
    start() {
      events.start()
    },
    close() {
      events.stop()
      remediation.close()
    },
  }
}
