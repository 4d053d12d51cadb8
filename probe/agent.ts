/**
 * The probe agent's wiring: the outbox, the MQTT connection, membership, the bundle
 * updater, the scheduler, the job rules (jobs.ts), the message handling (messages.ts)
 * and the publisher. Each decision lives in its own file; this one only connects them
 * and owns the start and stop order. Longer than 400 lines because that wiring is one
 * sequence, read top to bottom: the parts, how they reach each other, start and stop.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ProbeCheck } from '../checks/bundle.ts'
import type { HubTrust } from '../checks/hub-fingerprint.ts'
import { runCheck } from '../checks/run-check.ts'
import { isHostKind } from '../checks/spec.ts'
import { RESULT_SHARDS, topics as topicsFor, type OfflineReason } from '../checks/wire.ts'
import { MqttConnection, type MqttConnectionOptions } from '../lib/mqtt-connection.ts'
import type { Logger } from '../lib/logger.ts'
import { startProbeBrowser } from './browser/probe-browser.ts'
import { detectCapabilities } from './capabilities.ts'
import { ClockOffset } from './clock-offset.ts'
import { Jobs, type Trigger } from './jobs.ts'
import { Membership } from './membership.ts'
import { IdentityGuard } from './identity-guard.ts'
import { ProbeMessages } from './messages.ts'
import { DEFAULT_OUTBOX_LIMITS, Outbox, type OutboxLimits } from './outbox.ts'
import { browserStats, ProbeMetrics } from './probe-metrics.ts'
import { Publisher } from './publisher.ts'
import { Scheduler } from './scheduler.ts'
import { markIfUnhealthy, SelfHealth, type HealthReport } from './self-health.ts'
import { probeReadiness, type ProbeReadiness } from './readiness.ts'
import { finishBeforeStop } from './graceful-stop.ts'
import { lastWill, statusReport } from './status-report.ts'
import { BundleUpdater } from './updater.ts'

export interface ProbeOptions {
  /** Broker URL, e.g. mqtt://hub.example.com:1883. */
  hubUrl: string
  probeId: string
  region: string
  labels?: Record<string, string>
  dataDir: string
  topicPrefix?: string
  /** The hub's public key or its fingerprint; when set, unsigned or tampered bundles are rejected. */
  hubKey?: HubTrust
  username?: string
  password?: string
  /** CA and client certificate for mqtts:// and wss:// brokers. */
  tls?: MqttConnectionOptions['tls']
  keepaliveSec?: number
  outboxLimits?: OutboxLimits
  /** Name the self-health check resolves to prove DNS works. Default `localhost`. */
  healthDnsName?: string
  /** Beyond this distance from the hub's clock the probe is unhealthy. Default 5 s. */
  maxClockSkewMs?: number
  version: string
  /** Browser checks: off with `enabled: false`; `concurrency` attempts at once. */
  browser?: { enabled?: boolean; concurrency?: number }
  logger: Logger
  /**
   * Called when retrying cannot help (the broker refused our credentials, or the hub's
   * config is signed by a key other than --hub-key): the process should exit.
   */
  onFatal?: (fatal: ProbeFatal) => void
}

/** Why the probe cannot go on: a CONNACK refusal carries its `code`; others say what to do in `hint`. */
export interface ProbeFatal {
  message: string
  code?: number
  hint?: string
}

/** How often the probe refreshes its retained status (queue depth, drops). */
const STATUS_INTERVAL_MS = 15_000

/**
 * How often the probe checks its disk and resolver. 15 s bounds how long a sick probe
 * can report down results before they turn inconclusive; each run costs one fsync and
 * one lookup.
 */
const HEALTH_INTERVAL_MS = 15_000

export interface RunningProbe {
  stop(): Promise<void>
  /** Whether it is fit to run checks now, for the health port's /readyz. */
  readiness(): ProbeReadiness
  /** The probe's Prometheus series, for its health port's /metrics (probe-metrics.ts). */
  metrics(): string
  /** For tests: what the probe is doing. */
  stats(): {
    queueDepth: number
    dropped: number
    configVersion: string | undefined
    runs: number
    clockOffsetMs: number | undefined
    health: HealthReport
  }
}

export async function startProbe(options: ProbeOptions): Promise<RunningProbe> {
  const { probeId, region, logger } = options
  const topics = topicsFor(options.topicPrefix)
  mkdirSync(options.dataDir, { recursive: true })
  const outbox = new Outbox(
    join(options.dataDir, 'outbox.db'),
    options.outboxLimits ?? DEFAULT_OUTBOX_LIMITS,
    Date.now,
    {
      // After the commit, never before: the fault tests count these lines against the
      // hub's store, so a line must mean the result survives a SIGKILL.
      onCommitted: (results) => {
        if (!logger.isLevelEnabled('debug')) return
        for (const result of results) {
          logger.debug(
            { resultId: result.id, checkId: result.checkId, scheduledAt: result.scheduledAt },
            'result queued',
          )
        }
      },
    },
  )
  const browser = await startProbeBrowser({
    probeId,
    dataDir: options.dataDir,
    topics,
    link: {
      connected: () => connection.connected(),
      publish: (topic, payload) => connection.publish(topic, payload),
    },
    logger,
    ...options.browser,
  })
  const capabilities = [...(await detectCapabilities()), ...browser.capabilities]
  const membership = new Membership({ probeId, region, capabilities: () => capabilities })
  const clockOffset = new ClockOffset()
  let runs = 0
  const runsByTrigger: Record<string, number> = {}
  const probeMetrics = new ProbeMetrics()
  let stopping = false
  /** Drained by the hub (`vantage probe drain`): runs nothing, says offline (draining). */
  let draining = false

  const selfHealth = new SelfHealth({
    dataDir: options.dataDir,
    dnsName: options.healthDnsName ?? 'localhost',
    maxClockSkewMs: options.maxClockSkewMs ?? 5_000,
    clockOffsetMs: () => clockOffset.offsetMs(),
    onChange: (report) => {
      logger[report.ok ? 'info' : 'warn']({ health: report }, 'probe self-health changed')
      // Say it on the status topic now rather than at the next refresh.
      announceSoon()
    },
  })

  /**
   * Measures one run and queues it in the outbox, which commits the runs of the next
   * 100 ms together; the publisher sends them after a short linger.
   */
  async function runAndQueue(check: ProbeCheck, scheduledAt: number, trigger: Trigger) {
    if (trigger === 'schedule') probeMetrics.lateness(Date.now() - scheduledAt)
    runsByTrigger[trigger] = (runsByTrigger[trigger] ?? 0) + 1
    const configVersion = updater.version() ?? 'none'
    const measured = await runCheck(check, {
      probeId,
      region,
      configVersion,
      scheduledAt,
      trigger,
      browser: browser.engine,
    })
    // A host check's down is about this machine, sick or not: a read-only or full disk
    // is the very thing it reports, so self-health must not turn it inconclusive.
    const result = isHostKind(check.kind)
      ? measured
      : markIfUnhealthy(measured, selfHealth.report())
    runs += 1
    outbox.queue(result)
    publisher.kick()
  }

  const jobs = new Jobs({
    ownership: membership,
    run: runAndQueue,
    paused: () => draining,
    now: Date.now,
    logger,
  })
  const scheduler = new Scheduler((check, at) => jobs.run(check, at, 'schedule'), logger)
  const updater = new BundleUpdater({
    probeId,
    region,
    labels: options.labels,
    hubKey: options.hubKey,
    file: join(options.dataDir, 'bundle.json'),
    apply: (checks) => scheduler.apply(checks),
    onUntrusted: (error) => {
      logger.fatal({ error }, "the hub's config is not signed by the --hub-key this probe trusts")
      options.onFatal?.({
        message: `no config from the hub verifies with --hub-key: ${error}`,
        hint:
          'no bundle has verified since this probe started, so --hub-key is most likely wrong: ' +
          "give it the hub's hub-key.pub.pem (from the hub's data directory) or the fingerprint " +
          'that `vantage hub --print-key-fingerprint` prints on the hub host',
      })
    },
    logger,
  })

  const instance = randomUUID()
  const identityGuard = new IdentityGuard(instance)
  const identity = {
    probeId,
    region,
    instance,
    labels: options.labels ?? {},
    capabilities,
    version: options.version,
  }
  const status = (state: 'online' | 'offline', reason?: OfflineReason) =>
    statusReport(
      state,
      {
        ...identity,
        queueDepth: () => outbox.depth(),
        dropped: () => outbox.dropped(),
        configVersion: () => updater.version(),
        bundlesRejected: () => updater.rejected(),
        runs: () => runs,
        clockOffsetMs: () => clockOffset.offsetMs(),
        health: () => selfHealth.report(),
      },
      reason,
    )
  const current = () =>
    stopping
      ? status('offline', 'stopped')
      : draining
        ? status('offline', 'draining')
        : status('online')
  const announce = () =>
    connection.publish(topics.probeStatus(probeId), JSON.stringify(current()), {
      retain: true,
    })
  /** A failed announcement is harmless: the next refresh, or the next reconnect, announces again. */
  function announceSoon(): void {
    if (!connection.connected()) return
    announce().catch((error: unknown) =>
      logger.debug({ err: (error as Error).message }, 'announcing the probe status failed'),
    )
  }

  const messages = new ProbeMessages({
    probeId,
    topics,
    updater,
    publisher: { acked: (batchIds) => publisher.acked(batchIds) },
    clockOffset,
    membership,
    scheduled: () => scheduler.scheduled(),
    runNow: (check, trigger) => {
      jobs
        .run(check, Date.now(), trigger)
        .catch((error: unknown) =>
          logger.error({ err: error, checkId: check.id }, 'check run failed unexpectedly'),
        )
    },
    announce: announceSoon,
    drain: (drain) => {
      if (drain === draining) return
      draining = drain
      logger.info(
        { draining },
        drain
          ? "drained by the hub: running nothing; the region's other probes take the checks"
          : 'resumed by the hub: running checks again',
      )
      announceSoon()
    },
    draining: () => draining,
    ownStatus: (status) => {
      const other = identityGuard.ownStatus(status)
      if (other === undefined || stopping) return
      logger.fatal({ other }, `another probe with id ${probeId} connected`)
      options.onFatal?.({
        message: `another probe with id ${probeId} connected (instance ${other}), and each takes the broker session from the other`,
        hint:
          'a probe id is for one probe at a time: give each probe its own --id (and its own token). ' +
          'This broker cannot refuse the second one (Mosquitto lets a new connection take over), so this one stops.',
      })
    },
    hubReturned: () => {
      if (publisher.inFlightCount() === 0) return
      logger.info(
        { inFlight: publisher.inFlightCount() },
        'the hub is back; replaying unacked results now',
      )
      publisher.restart()
    },
    liveAndConnected: () => !stopping && connection.connected(),
    now: Date.now,
    logger,
  })

  const connection: MqttConnection = new MqttConnection({
    url: options.hubUrl,
    clientId: `vantage-probe-${probeId}`,
    username: options.username,
    password: options.password,
    tls: options.tls,
    untrustedCertificateHint: options.tls?.ca
      ? "the CA given with --ca did not sign the broker's certificate: give --ca the CA that did"
      : "no CA this probe trusts signed the broker's certificate: give --ca <file> (or VANTAGE_TLS_CA) the CA that did, e.g. the hub's own CA",
    keepaliveSec: options.keepaliveSec,
    // Refused because our id is connected: maybe our own old connection, which the broker
    // drops after 1.5 keepalives; past that, another probe really has this id.
    retryRefusals: { codes: [2], forMs: (options.keepaliveSec ?? 30) * 1_500 + 5_000 },
    logger,
    will: {
      topic: topics.probeStatus(probeId),
      payload: JSON.stringify(lastWill(identity)),
      retain: true,
      qos: 1,
    },
    onConnect: async () => {
      identityGuard.connected()
      await connection.subscribe([
        topics.config,
        topics.allProbeStatus,
        topics.acks(probeId),
        topics.commands(probeId),
        ...browser.subscriptions,
      ])
      await subscribeToHubStatus()
      await announce()
      publisher.restart()
      browser.connected()
    },
    onMessage: (topic, payload) => {
      if (!browser.handle(topic, payload)) messages.handle(topic, payload)
    },
    onFatal: (error) => {
      logger.fatal({ err: error.message }, 'broker refused the probe')
      options.onFatal?.(error)
    },
  })

  /**
   * Apart from the others: a broker whose ACL predates `hub/status` refuses it, and the
   * probe still works without it (a missed batch waits for the ack timeout instead).
   */
  async function subscribeToHubStatus(): Promise<void> {
    try {
      await connection.subscribe([topics.hubStatus])
    } catch (error) {
      logger.warn(
        { err: (error as Error).message, topic: topics.hubStatus },
        'the broker refused the hub status topic (an ACL from an older `vantage infra mosquitto`?); ' +
          'after a hub restart, unacked results wait for the 15 s ack timeout',
      )
    }
  }

  const publisher = new Publisher({
    outbox,
    transport: {
      connected: () => connection.connected(),
      publish: (topic, payload) => connection.publish(topic, payload),
    },
    // One shard until several hubs split the checks; then batches split by hash(checkId) mod RESULT_SHARDS.
    topic: topics.results(RESULT_SHARDS - 1, probeId),
    probeId,
    region,
    logger,
  })

  updater.restore()
  const statusTimer = setInterval(announceSoon, STATUS_INTERVAL_MS)
  statusTimer.unref()
  selfHealth.start(HEALTH_INTERVAL_MS)
  connection.start()
  logger.info({ probeId, region, capabilities, hub: options.hubUrl }, 'probe started')

  return {
    async stop() {
      stopping = true
      await finishBeforeStop({
        scheduler,
        jobs,
        publisher,
        connected: () => connection.connected(),
        announce: announceSoon,
        depth: () => outbox.depth(),
        logger,
      })
      jobs.stop()
      clearInterval(statusTimer)
      selfHealth.stop()
      scheduler.stop()
      publisher.close()
      await browser.stop()
      if (connection.connected()) {
        await connection
          .publish(topics.probeStatus(probeId), JSON.stringify(status('offline', 'stopped')), {
            retain: true,
          })
          .catch(() => undefined)
      }
      await connection.close()
      outbox.close()
      logger.info({ probeId }, 'probe stopped')
    },
    metrics: () =>
      probeMetrics.render({
        probeId,
        region,
        outboxResults: outbox.depth(),
        outboxBytes: outbox.sizeBytes(),
        dropped: outbox.dropped(),
        runsInFlight: jobs.running(),
        runs: runsByTrigger,
        healthy: selfHealth.report().ok,
        connected: connection.connected(),
        bundlesRejected: updater.rejected(),
        browser: browserStats(browser.engine),
      }),
    readiness: () =>
      probeReadiness({
        connected: connection.connected(),
        configVersion: updater.version(),
        health: selfHealth.report(),
        stopping,
      }),
    stats: () => ({
      queueDepth: outbox.depth(),
      dropped: outbox.dropped(),
      configVersion: updater.version(),
      runs,
      clockOffsetMs: clockOffset.offsetMs(),
      health: selfHealth.report(),
    }),
  }
}
