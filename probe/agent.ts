/**
 * The probe agent: wires the outbox, the MQTT connection, membership, the bundle
 * updater, the scheduler and the publisher together. Each part lives in its own file.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { ProbeCheck } from '../checks/bundle.ts'
import type { HubTrust } from '../checks/hub-fingerprint.ts'
import type { CheckResult } from '../checks/result.ts'
import { runCheck } from '../checks/run-check.ts'
import { isHostKind } from '../checks/spec.ts'
import { RESULT_SHARDS, topics as topicsFor } from '../checks/topics.ts'
import {
  MqttConnection,
  type FatalConnectionError,
  type MqttConnectionOptions,
} from '../lib/mqtt-connection.ts'
import type { Logger } from '../lib/logger.ts'
import { auditLogFromEnv } from './audit-log.ts'
import { capabilityFor, detectCapabilities } from './capabilities.ts'
import { parseCommand } from './commands.ts'
import { ClockOffset } from './clock-offset.ts'
import { Membership, probeStatusSchema, type ProbeStatus } from './membership.ts'
import { DEFAULT_OUTBOX_LIMITS, Outbox, type OutboxLimits } from './outbox.ts'
import { Publisher } from './publisher.ts'
import { Scheduler } from './scheduler.ts'
import { markIfUnhealthy, SelfHealth, type HealthReport } from './self-health.ts'
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
  logger: Logger
  /** Called when the broker refuses us for good (bad credentials): the process should exit. */
  onFatal?: (error: FatalConnectionError) => void
}

const ackSchema = z.object({ batchIds: z.array(z.string()), hubTime: z.number().optional() })

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
  )
  const capabilities = await detectCapabilities()
  const membership = new Membership({ probeId, region, capabilities: () => capabilities })
  let runs = 0
  let stopping = false
  const audit = auditLogFromEnv()
  const clockOffset = new ClockOffset()
  const selfHealth = new SelfHealth({
    dataDir: options.dataDir,
    dnsName: options.healthDnsName ?? 'localhost',
    maxClockSkewMs: options.maxClockSkewMs ?? 5_000,
    clockOffsetMs: () => clockOffset.offsetMs(),
    onChange: (report) => {
      logger[report.ok ? 'info' : 'warn']({ health: report }, 'probe self-health changed')
      // Say it on the status topic now rather than at the next refresh.
      if (connection.connected()) announce().catch(() => undefined)
    },
  })

  const scheduler = new Scheduler(runScheduled, logger)
  const updater = new BundleUpdater({
    probeId,
    region,
    labels: options.labels,
    hubKey: options.hubKey,
    file: join(options.dataDir, 'bundle.json'),
    apply: (checks) => scheduler.apply(checks),
    logger,
  })
  const connection: MqttConnection = new MqttConnection({
    url: options.hubUrl,
    clientId: `vantage-probe-${probeId}`,
    username: options.username,
    password: options.password,
    tls: options.tls,
    keepaliveSec: options.keepaliveSec,
    logger,
    will: {
      topic: topics.probeStatus(probeId),
      payload: JSON.stringify(status('offline')),
      retain: true,
      qos: 1,
    },
    onConnect: async () => {
      await connection.subscribe([
        topics.config,
        topics.allProbeStatus,
        topics.acks(probeId),
        topics.commands(probeId),
      ])
      await announce()
      publisher.restart()
    },
    onMessage: (topic, payload) => handleMessage(topic, payload),
    onFatal: (error) => {
      logger.fatal({ err: error.message }, 'broker refused the probe')
      options.onFatal?.(error)
    },
  })

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

  function status(state: 'online' | 'offline'): ProbeStatus {
    const offset = clockOffset.offsetMs()
    return {
      state,
      probeId,
      region,
      labels: options.labels ?? {},
      capabilities,
      version: options.version,
      stats: {
        queueDepth: outbox.depth(),
        dropped: outbox.dropped(),
        configVersion: updater.version() ?? 'none',
        bundlesRejected: updater.rejected(),
        runs,
        ...(offset === undefined ? {} : { clockOffsetMs: offset }),
      },
      health: selfHealth.report(),
    }
  }

  async function announce(): Promise<void> {
    await connection.publish(topics.probeStatus(probeId), JSON.stringify(status('online')), {
      retain: true,
    })
  }

  /** Checks running now: a confirmation run must not overlap a scheduled run of the same check. */
  const running = new Set<string>()
  /**
   * Requested runs (confirm, manual) that arrived while the check was running. Probes of
   * every region run a check at the same offset, so the hub's confirmation request often
   * lands mid-run; dropping it would cost a whole interval, so it runs right after.
   */
  const requestedDuringRun = new Map<string, CheckResult['trigger']>()

  function runScheduled(check: ProbeCheck, scheduledAt: number): Promise<void> {
    return runOwned(check, scheduledAt, 'schedule')
  }

  async function runOwned(
    check: ProbeCheck,
    scheduledAt: number,
    trigger: CheckResult['trigger'],
  ): Promise<void> {
    // Host checks run on every probe they select; region checks on one live probe per region.
    if (!isHostKind(check.kind) && !membership.owns(check.id, capabilityFor(check.kind))) return
    if (running.has(check.id)) {
      if (trigger !== 'schedule') requestedDuringRun.set(check.id, trigger)
      return logger.debug({ checkId: check.id, trigger }, 'the check is running; not overlapping')
    }
    running.add(check.id)
    try {
      await runAndQueue(check, scheduledAt, trigger)
    } finally {
      running.delete(check.id)
    }
    const requested = requestedDuringRun.get(check.id)
    if (requested && !stopping) {
      requestedDuringRun.delete(check.id)
      await runOwned(check, Date.now(), requested)
    }
  }

  async function runAndQueue(
    check: ProbeCheck,
    scheduledAt: number,
    trigger: CheckResult['trigger'],
  ): Promise<void> {
    const measured = await runCheck(check, {
      probeId,
      region,
      configVersion: updater.version() ?? 'none',
      scheduledAt,
      trigger,
    })
    // A host check's down is about this machine, sick or not: a read-only or full disk
    // is the very thing it reports, so self-health must not turn it inconclusive.
    const result = isHostKind(check.kind)
      ? measured
      : markIfUnhealthy(measured, selfHealth.report())
    runs += 1
    outbox.add([result])
    audit?.([result])
    publisher.kick()
  }

  function handleMessage(topic: string, payload: Buffer): void {
    try {
      if (topic === topics.config) {
        const outcome = updater.receive(payload)
        // Say at once which config runs (or that one was refused): deploys wait for this.
        if (outcome.applied || outcome.error) {
          announce().catch((error: unknown) =>
            logger.warn({ err: (error as Error).message }, 'announcing the new config failed'),
          )
        }
      } else if (topic === topics.acks(probeId)) {
        const ack = ackSchema.safeParse(JSON.parse(payload.toString()))
        if (!ack.success) return logger.warn({ topic }, 'ignoring a malformed ack')
        const sentAt = publisher.acked(ack.data.batchIds)
        if (sentAt !== undefined && ack.data.hubTime !== undefined) {
          clockOffset.observe(sentAt, Date.now(), ack.data.hubTime)
        }
      } else if (topic === topics.commands(probeId)) {
        handleCommand(payload)
      } else if (topic.endsWith('/status')) {
        handleStatus(topic, payload)
      }
    } catch (error) {
      logger.warn({ topic, err: (error as Error).message }, 'ignoring a malformed message')
    }
  }

  /** Runs a check now if it is ours; the hub asks every probe of a region and lets them decide. */
  function handleCommand(payload: Buffer): void {
    const command = parseCommand(payload)
    if (!command) return logger.warn({ probeId }, 'ignoring a malformed command')
    const check = scheduler.scheduled().find((candidate) => candidate.id === command.checkId)
    if (!check) return
    logger.debug({ ...command }, 'running a check on request')
    runOwned(check, Date.now(), command.trigger).catch((error: unknown) =>
      logger.error({ err: error, checkId: check.id }, 'check run failed unexpectedly'),
    )
  }

  function handleStatus(topic: string, payload: Buffer): void {
    const peerId = topics.probeIdOf(topic)
    if (!peerId) return
    if (payload.length === 0) return membership.update(peerId, null)
    const parsed = probeStatusSchema.safeParse(JSON.parse(payload.toString()))
    if (!parsed.success) return logger.warn({ topic }, 'ignoring a malformed probe status')
    membership.update(peerId, parsed.data)
    // A previous session's Last Will can land after we reconnected with the same id; correct the
    // record. Our own goodbye while stopping comes back here too, and must stay.
    if (
      peerId === probeId &&
      parsed.data.state === 'offline' &&
      !stopping &&
      connection.connected()
    ) {
      announce().catch((error: unknown) =>
        logger.warn({ err: (error as Error).message }, 'announcing online failed'),
      )
    }
  }

  const statusTimer = setInterval(() => {
    // A failed refresh is harmless: the next one, or the next reconnect, announces again.
    if (connection.connected()) announce().catch(() => undefined)
  }, STATUS_INTERVAL_MS)
  statusTimer.unref()

  selfHealth.start(HEALTH_INTERVAL_MS)
  connection.start()
  logger.info({ probeId, region, capabilities, hub: options.hubUrl }, 'probe started')

  return {
    async stop() {
      stopping = true
      clearInterval(statusTimer)
      selfHealth.stop()
      scheduler.stop()
      publisher.close()
      if (connection.connected()) {
        await connection
          .publish(topics.probeStatus(probeId), JSON.stringify(status('offline')), { retain: true })
          .catch(() => undefined)
      }
      await connection.close()
      outbox.close()
      logger.info({ probeId }, 'probe stopped')
    },
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
