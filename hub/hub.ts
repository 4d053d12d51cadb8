/**
 * The hub: an embedded (or external) MQTT broker, the signed config bundle,
 * result ingest, storage, the alert engine with its notifier, and the HTTP
 * server for the API and status page. `startHub` wires the parts; each part
 * lives in its own file. The config is live (live-config.ts): a deploy through the
 * API reaches the probes, the alert engine, heartbeats and pages without a restart.
 *
 * Longer than 400 lines because it wires every part in the one order they depend on each
 * other (stores, broker, engine, history, read model, ingest, pages, HTTP) and closes them
 * in reverse; each part lives in its own file.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { CheckResult } from '../checks/result.ts'
import { topics as topicsFor } from '../checks/wire.ts'
import type { MonitoringConfig } from '../checks/validate.ts'
import { fingerprintOf } from '../checks/hub-fingerprint.ts'
import { systemClock, type Clock } from '../lib/clock.ts'
import { limitHeapGrowth } from '../lib/heap-growth.ts'
import type { Logger } from '../lib/logger.ts'
import type { AlertEngine } from './alerts/engine/alert-engine.ts'
import { recordDeployOnIncidents } from './incidents/deploy-timeline.ts'
import { IncidentStore } from './incidents/incident-store.ts'
import { createApp } from './api/app.ts'
import { hubReadiness } from './api/readiness.ts'
import { serveHub } from './api/serve.ts'
import {
  startEmbeddedBroker,
  type BrokerTls,
  type EmbeddedBroker,
} from './broker/embedded-broker.ts'
import { CredentialStore, credentialsPath } from './broker/credentials.ts'
import { DeployHistory } from './config/deploy-history.ts'
import { Heartbeats } from './heartbeats/heartbeats.ts'
import { DeadLetters } from './ingest/dead-letters.ts'
import { Ingest } from './ingest/ingest.ts'
import { loadOrCreateHubKey } from './config/keys.ts'
import { LiveConfig } from './config/live-config.ts'
import { startAlerting } from './alerts/alerting.ts'
import type { RemediationCommand } from './alerts/remediation/remediation-commands.ts'
import { deployWarnings } from './config/deploy-warnings.ts'
import { ProbeLink } from './probes/probe-link.ts'
import { ProbeAdmin } from './probes/probe-admin.ts'
import { ProbeRegistry } from './probes/probe-registry.ts'
import { HubState } from './store/hub-state.ts'
import { openDatabase } from './store/database.ts'
import { ResultStore } from './store/result-store.ts'
import { ResultWriter } from './store/result-writer.ts'
import { createHistory } from './history/history-wiring.ts'
import { DEFAULT_RETENTION, type Retention } from './history/retention.ts'
import { startSlos } from './slo/slo-wiring.ts'
import { startStatusPages } from './statuspages/wiring.ts'
import { startReadModel, type ReadModel } from './views/read-model.ts'
import { openEventLog, startOps, type Ops, type OpsSettings } from './ops/ops.ts'
import { startArtifacts, type ArtifactOptions } from './artifacts/wiring.ts'

/** Metrics, the event log and chat settings are OpsSettings (hub/ops/ops.ts). */
export interface HubOptions extends OpsSettings {
  /**
   * Deployed at start (kept as the running version when unchanged). Without it the hub
   * resumes the last config deployed in `dataDir`, and throws a DeployError with reason
   * `no-config` when there is none.
   */
  config?: MonitoringConfig
  /** Where the config came from, recorded with the deploy. */
  source: string
  dataDir: string
  /** HTTP port for the API and status page; 0 picks a free one. */
  port: number
  host?: string
  /** Port of the embedded broker; ignored with `brokerUrl`. 0 picks a free one. */
  mqttPort: number
  /** Use this external broker instead of the embedded one. */
  brokerUrl?: string
  brokerUsername?: string
  brokerPassword?: string
  topicPrefix?: string
  /** Public base URL of the hub, used in notifications and heartbeat ping URLs. */
  publicUrl?: string
  /**
   * Bearer token for API routes that show secrets (heartbeat ping URLs). Without it,
   * those routes answer loopback clients only.
   */
  apiToken?: string
  /** The hub's allow-list of auto-remediation commands (`--remediation`); none by default. */
  remediationCommands?: ReadonlyMap<string, RemediationCommand>
  /** Embedded broker: accept clients without credentials (hub/broker/access-control.ts). */
  insecureDemo?: boolean
  /** Embedded broker: listen with TLS; with a CA, require client certificates. */
  mqttTls?: BrokerTls
  logger: Logger
  clock?: Clock
  /** How long raw results, rollups and bookkeeping are kept (`--retain-*`). Default DEFAULT_RETENTION. */
  retention?: Retention
  artifacts?: ArtifactOptions
}

export interface RunningHub {
  httpUrl: string
  mqttUrl: string
  /** The running config: `live.deployed().bundle.version`, `live.apply(...)`, ... */
  live: LiveConfig
  /** The signing key's fingerprint, which probes may pin with `--hub-key sha256:...`. */
  keyFingerprint: string
  ingest: Ingest
  results: ResultStore
  engine: AlertEngine
  heartbeats: Heartbeats
  /** The event log, /metrics, run-now and ChatOps. */
  ops: Ops
  /** The HTTP app, whose routes the OpenAPI test holds against the document. */
  app: ReturnType<typeof createApp>
  close(): Promise<void>
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const { logger } = options
  const clock = options.clock ?? systemClock
  const topics = topicsFor(options.topicPrefix)
  mkdirSync(options.dataDir, { recursive: true })

  limitHeapGrowth()
  const dbFile = join(options.dataDir, 'hub.db')
  const db = openDatabase(dbFile)
  const retention = options.retention ?? DEFAULT_RETENTION
  const results = new ResultStore(db, { retention: () => retention, logger })
  const incidents = new IncidentStore(db)
  const deadLetters = new DeadLetters(db)
  const state = await HubState.open(options.dataDir)
  const key = loadOrCreateHubKey(options.dataDir)
  const keyFingerprint = fingerprintOf(key.publicKey)
  const history = new DeployHistory(options.dataDir)
  const live = new LiveConfig({ state, history, key, clock, logger })
  // Registered first, so that a changed file at start is on the timeline too.
  live.onDeploy((event) => recordDeployOnIncidents(incidents, event))
  const events = openEventLog({ db, clock, logger, live, retentionMs: options.eventRetentionMs })
  try {
    await (options.config ? live.apply(options.config, options.source) : live.resume())
  } catch (error) {
    db.close()
    throw error
  }
  const config = () => live.config()
  // SQLite writes of results, their folds and checkpoints run on the store's threads.
  const writer = await ResultWriter.start({ file: dbFile, logger })
  results.attachWriter(writer)
  logger.info(
    {
      version: live.deployed().bundle.version,
      checks: config().checks.length,
      keyId: key.keyId,
      fingerprint: keyFingerprint,
    },
    'config bundle ready',
  )

  const broker: EmbeddedBroker | undefined = options.brokerUrl
    ? undefined
    : await startEmbeddedBroker({
        port: options.mqttPort,
        host: options.host,
        logger,
        topicPrefix: options.topicPrefix,
        credentialsFile: credentialsPath(options.dataDir),
        insecureDemo: options.insecureDemo,
        tls: options.mqttTls,
      })
  const mqttUrl = options.brokerUrl ?? broker!.url

  // Read whatever the broker: Mosquitto cannot tell the hub which region a token is for.
  const credentials = new CredentialStore(credentialsPath(options.dataDir), (error) =>
    logger.error(
      { err: error.message },
      'cannot read the credentials file; keeping the last good one',
    ),
  )
  const regionOf = (probeId: string) => credentials.find(probeId)?.region
  const registry = new ProbeRegistry(state, logger, () => clock.now(), regionOf)
  const admin = new ProbeAdmin({
    registry,
    state,
    link: {
      sendCommand: (probeId, command) => link.sendCommand(probeId, command),
      clearStatus: (probeId) => link.clearStatus(probeId),
    },
    logger,
  })
  // A revoked token retires its probe, whichever broker refuses it from now on.
  admin.tokensChanged(credentials)
  credentials.watch(() => admin.tokensChanged(credentials))
  live.warnWith((next) =>
    deployWarnings(next, {
      probes: registry.list(),
      remediationCommands: options.remediationCommands?.keys() ?? [],
    }),
  )
  const resultHistory = createHistory({ db, results, clock, logger, retention, config })
  // The pages' read model hears every state change too (it is made once the engine is).
  let readModel: ReadModel | undefined
  const alerting = await startAlerting({
    onStateChange: (change) => {
      resultHistory.onStateChange(change)
      readModel?.stateChanged(change)
    },
    errorBudget: resultHistory.errorBudget,
    db,
    state,
    clock,
    logger,
    incidents,
    config,
    probes: () => admin.list(),
    sendCommand: ({ probeId, command }) => link.sendCommand(probeId, command),
    statusUrl: options.publicUrl,
    remediationCommands: options.remediationCommands,
  })
  const { engine, silences } = alerting
  const ops = startOps({
    db,
    clock,
    logger,
    events,
    config,
    alerting,
    incidents,
    results,
    settings: options,
    probes: () => admin.list(),
    sendCommand: (probeId, command) => link.sendCommand(probeId, command),
    ingestCounters: () => ingest.counters,
    brokerClients: broker ? () => broker.clientCount() : undefined,
    configVersion: () => live.deployed().bundle.version,
    slo: () => slos.gauges(),
  })
  resultHistory.attach({
    state: (checkId) => engine.state(checkId),
    maintenanceWindows: (check, from, to) => silences.maintenanceWindows(check, from, to),
  })
  const slos = startSlos({ db, clock, logger, config, results, incidents, resultHistory, alerting })
  const inMaintenance = silences.resultPredicate(() => config().checks)
  readModel = startReadModel({
    db,
    config,
    results,
    incidents,
    alertState: (checkId) => engine.state(checkId),
    inMaintenance,
    clock,
    logger,
  })
  const pageModel = readModel
  silences.onChange(() => pageModel.changed('maintenance window'))

  const link: ProbeLink = new ProbeLink({
    url: mqttUrl,
    connect: broker
      ? broker.internalClient()
      : { username: options.brokerUsername, password: options.brokerPassword },
    topics,
    config: () => {
      const { envelope, bundle } = live.deployed()
      return { envelope, version: bundle.version }
    },
    onResults: (topic, payload) => ingest.handle(topic, payload),
    onProbeStatus: (probeId, payload) => {
      admin.handleStatus(probeId, payload)
      ops.probeStatus(probeId)
    },
    onArtifact: (probeId, payload) => artifacts.receive(probeId, payload),
    clock,
    logger,
  })

  const artifacts = startArtifacts({ db, config, incidents, link, clock, logger, options })
  const ingest = new Ingest({
    topics,
    store: results,
    deadLetters,
    inMaintenance,
    onStored: (stored: CheckResult[]) => {
      for (const result of stored) engine.observe(result)
    },
    ack: (probeId, batchIds) => link.ack(probeId, batchIds),
    regionOf,
    logger,
    now: () => clock.now(),
    onAccepted: (stored) => {
      pageModel.accept(stored)
      ops.accepted(stored)
    },
    onRejected: (rejection) => ops.rejected(rejection),
  })

  // Heartbeat results take the same path as a probe's, through ingest: stored once, then judged.
  const heartbeats = await Heartbeats.open(config().checks, {
    state,
    clock,
    configVersion: live.deployed().bundle.version,
    onResults: (produced) => {
      try {
        ingest.accept(produced)
      } catch (error) {
        logger.error({ err: error }, 'storing heartbeat results failed')
      }
    },
    logger,
  })

  live.onDeploy(async ({ config: next, deployed }) => {
    link.republishConfig()
    engine.setChecks(next.checks)
    resultHistory.setChecks()
    pageModel.setChecks()
    await heartbeats.setChecks(next.checks, deployed.bundle.version)
  })

  const statusPages = startStatusPages({
    db,
    config,
    results,
    incidents,
    engine,
    silences,
    clock,
    logger,
    publicUrl: options.publicUrl,
    apiToken: options.apiToken,
    historyReader: results.history,
    probes: () => admin.list(),
    readModel: pageModel,
  })

  const app = createApp({
    project: () => config().project,
    checks: () => config().checks,
    results,
    alertState: (checkId) => engine.state(checkId),
    outages: (checkId, from, to) => incidents.outages(checkId, from, to),
    probes: () => admin.list(),
    probeAdmin: admin,
    health: () => ({
      ok: link.connected(),
      broker: link.connected() ? 'connected' : 'disconnected',
      configVersion: live.deployed().bundle.version,
      ingest: { ...ingest.counters },
      storage: writer.lastStats(),
    }),
    now: () => clock.now(),
    heartbeats,
    deploys: { live, key: { keyId: key.keyId, fingerprint: keyFingerprint } },
    apiToken: options.apiToken,
    publicUrl: options.publicUrl,
    maintenanceWindows: (check, from, to) => silences.maintenanceWindows(check, from, to),
    alerting: {
      incidents: { ...alerting.incidentRoutes, eventsBefore: (i) => ops.eventsBefore(i) },
      silences,
      channelHealth: () => alerting.notifier.channelHealth(),
      regions: () => engine.regionStates(),
    },
    statusPages: statusPages.app,
    readModel: pageModel,
    slos: () => slos.list(),
    evidence: artifacts.evidence,
  })
  app.route('/', artifacts.routes)

  app.route('/', ops.routes)
  app.route('/', slos.routes)
  ops.start()
  let stopping = false
  app.get('/readyz', (c) => {
    const readiness = hubReadiness({
      storeOpen: db.open,
      brokerConnected: link.connected(),
      configVersion: live.deployed().bundle.version,
      stopping,
    })
    return c.json(readiness, readiness.ready ? 200 : 503)
  })

  link.start()
  heartbeats.start()
  alerting.start()
  resultHistory.start()
  statusPages.start()
  const server = await serveHub({
    fetch: ops.auditFetch(app.fetch),
    port: options.port,
    host: options.host,
    broker,
  })
  const httpUrl = server.url
  statusPages.setBaseUrl(httpUrl)

  return {
    httpUrl,
    mqttUrl,
    live,
    keyFingerprint,
    ingest,
    results,
    engine,
    heartbeats,
    app,
    ops,
    async close() {
      stopping = true
      // No new batches from here on; the ones already taken are committed and acked
      // (their acks go out before the link closes), and probes resend the rest.
      await link.stopAccepting()
      await ingest.drain()
      await server.close()
      // After the server: no ping can arrive any more, and its state write is waited for.
      await heartbeats.close()
      await statusPages.close()
      await pageModel.close()
      await alerting.close()
      ops.close()
      await resultHistory.close()
      await link.close()
      artifacts.close()
      await broker?.close()
      credentials.unwatch()
      await registry.flush()
      // Drains, windows and deploys save state.json without waiting: let them land.
      await state.settled()
      await writer.close()
      db.close()
    },
  }
}
