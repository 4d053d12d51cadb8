/**
 * `npm run bench:outbox [-- N]`: the probe's store-and-forward path with its real
 * parts. This process plays the probe, so its RSS is the probe's; the hub is a
 * separate process with its embedded broker, on loopback.
 *
 * 1. write: N results (default 200,000) added to a fresh Outbox one at a time, as
 *    the agent adds each result when its run ends. Prints results/s and bytes per
 *    result, and what the default limits hold at 1,000 checks/min.
 * 2. replay: the full outbox, as after an outage, sent by the real Publisher over a
 *    real MqttConnection to the hub, deleted on the hub's acks. Prints results/s from
 *    connect until the outbox is empty, and checks that the hub stored all of them.
 *
 * Bounded by N and a deadline; the temporary directory is removed at the end.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monotonicFactory } from 'ulid'
import type { CheckResult } from '../../checks/result.ts'
import { topics as topicsFor } from '../../checks/wire.ts'
import { silentLogger } from '../../lib/logger.ts'
import { MqttConnection } from '../../lib/mqtt-connection.ts'
import { DEFAULT_OUTBOX_LIMITS, Outbox } from '../../probe/outbox.ts'
import { Publisher } from '../../probe/publisher.ts'
import { startHubProcess } from '../e2e/processes.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 200_000)
const CHECKS = 200
const PROBE_ID = 'bench-probe'
/** The replay gives up after this long rather than hang on a stuck hub. */
const DEADLINE_MS = 10 * 60_000
/** The sizing target of DEFAULT_OUTBOX_LIMITS: 24 h at 1,000 checks/min. */
const DAY_AT_1000_PER_MIN = 24 * 60 * 1_000

const nextId = monotonicFactory()

/** A result shaped like a real HTTP check's: phases, one assertion, an error on failures. */
function makeResult(i: number, scheduledAt: number): CheckResult {
  const down = i % 97 === 0
  return {
    id: nextId(scheduledAt),
    checkId: `c${i % CHECKS}`,
    kind: 'http',
    configVersion: '7-ab12cd34',
    probeId: PROBE_ID,
    region: 'bench',
    scheduledAt,
    startedAt: scheduledAt + 2,
    durationMs: 20 + (i % 50) + 0.125,
    status: down ? 'down' : 'up',
    ...(down ? { error: { code: 'HTTP_STATUS', message: 'status 503, expected 200..399' } } : {}),
    phases: { dnsMs: 0.8, connectMs: 1.9, ttfbMs: 15.2, transferMs: 0.4 },
    assertions: [{ name: 'status', ok: !down, expected: '200..399', actual: down ? '503' : '200' }],
    trigger: 'schedule',
  }
}

function rssMiB(): { now: number; peak: number } {
  const status = readFileSync('/proc/self/status', 'utf8')
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0)
  return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 }
}

const perSecond = (count: number, ms: number) =>
  Math.round(count / (ms / 1_000)).toLocaleString('en-US')

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-outbox-'))
try {
  console.log(`bench:outbox  N=${TOTAL}, this process is the probe`)
  const baseline = rssMiB()

  // 1. write
  const outboxFile = join(dir, 'outbox.db')
  const outbox = new Outbox(outboxFile)
  // Measured over the last hour, as a backlog after an outage would be.
  const firstAt = Date.now() - 3_600_000
  const writeStart = performance.now()
  for (let i = 0; i < TOTAL; i++) {
    outbox.add([makeResult(i, firstAt + Math.floor((i * 3_600_000) / TOTAL))])
  }
  const writeMs = performance.now() - writeStart
  const afterWrite = rssMiB()
  const payloadBytes = outbox.sizeBytes() / TOTAL
  const fileBytes =
    statSync(outboxFile).size +
    (statSync(`${outboxFile}-wal`, { throwIfNoEntry: false })?.size ?? 0)
  const dayBytes = payloadBytes * DAY_AT_1000_PER_MIN
  console.log(
    `  write    ${TOTAL} results one per transaction: ${perSecond(TOTAL, writeMs)} results/s (${(writeMs / 1_000).toFixed(1)} s)`,
  )
  console.log(
    `           ${payloadBytes.toFixed(0)} bytes of payload per result (${(fileBytes / TOTAL).toFixed(0)} on disk with indexes and WAL)`,
  )
  console.log(
    `           24 h at 1,000 checks/min = ${DAY_AT_1000_PER_MIN.toLocaleString('en-US')} results = ${(dayBytes / 1024 ** 2).toFixed(0)} MiB of payload; default limits ${(DEFAULT_OUTBOX_LIMITS.maxBytes / 1024 ** 3).toFixed(0)} GiB and ${DEFAULT_OUTBOX_LIMITS.maxAgeMs / 3_600_000} h hold ${((DEFAULT_OUTBOX_LIMITS.maxBytes / dayBytes) * 24).toFixed(0)} h`,
  )

  // 2. replay
  const checksFile = join(dir, 'hub-checks', 'monitors.ts')
  mkdirSync(join(dir, 'hub-checks'))
  const checks = Array.from({ length: CHECKS }, (_, i) => ({
    kind: 'http',
    id: `c${i}`,
    url: 'http://127.0.0.1:9/',
    every: '1h',
  }))
  writeFileSync(
    checksFile,
    `export default ${JSON.stringify({ defaults: { regions: ['bench'] }, checks })}\n`,
  )
  const hub = await startHubProcess({
    checksFile,
    dataDir: join(dir, 'hub'),
    env: { VANTAGE_LOG_LEVEL: 'warn' },
  })
  try {
    const topics = topicsFor()
    const logger = silentLogger()
    const connection: MqttConnection = new MqttConnection({
      url: hub.mqttUrl,
      clientId: `vantage-probe-${PROBE_ID}`,
      logger,
      onConnect: async () => {
        await connection.subscribe([topics.acks(PROBE_ID)])
        publisher.restart()
      },
      onMessage: (_topic, payload) => {
        publisher.acked((JSON.parse(payload.toString()) as { batchIds: string[] }).batchIds)
      },
      onFatal: (error) => console.error(`bench:outbox: ${error.message}`),
    })
    const publisher = new Publisher({
      outbox,
      transport: {
        connected: () => connection.connected(),
        publish: (topic, payload) => connection.publish(topic, payload),
      },
      topic: topics.results(0, PROBE_ID),
      probeId: PROBE_ID,
      region: 'bench',
      logger,
    })
    const replayStart = performance.now()
    connection.start()
    const deadline = Date.now() + DEADLINE_MS
    while (outbox.depth() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const replayMs = performance.now() - replayStart
    const left = outbox.depth()
    publisher.close()
    await connection.close()
    const afterReplay = rssMiB()
    const health = (await (await fetch(`${hub.httpUrl}/healthz`)).json()) as {
      ingest: { results: number; duplicates: number }
    }
    console.log(
      `  replay   ${TOTAL - left} results in batches of 500, 8 in flight, deleted on the hub's ack: ${perSecond(TOTAL - left, replayMs)} results/s (${(replayMs / 1_000).toFixed(1)} s)${left > 0 ? `; ${left} left at the deadline` : ''}`,
    )
    console.log(
      `           hub stored ${health.ingest.results} of ${TOTAL}, ${health.ingest.duplicates} duplicates`,
    )
    console.log(
      `  probe RSS  ${baseline.now.toFixed(0)} MiB at start, ${afterWrite.now.toFixed(0)} MiB after the writes, ${afterReplay.now.toFixed(0)} MiB after the replay; peak ${afterReplay.peak.toFixed(0)} MiB`,
    )
  } finally {
    await hub.stop()
    outbox.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
