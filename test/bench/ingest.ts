/**
 * `npm run bench:ingest [-- N]`: publishes N synthetic results (default 200,000)
 * into a hub process's store from several simulated probes that behave like real
 * ones (batches, a window of unacked batches, done on ack), once through the hub's
 * embedded aedes broker and once through a real Mosquitto (`hub --broker`), when
 * the `mosquitto` binary is installed.
 *
 * For each broker, all loopback only and bounded by count and a deadline:
 * 1. batching: the same load as fast as the hub acks, in batches of 1, 50 and 500
 *    results, to show what batching buys (batch 1 sends fewer results);
 * 2. saturation: N results in batches of 500, the probe's default: results/s;
 * 3. steady load: about 2,000 results/s the way a probe sends them, a batch every
 *    250 ms (the publisher's linger) holding what was measured since the last one.
 *
 * Latency is measured per result from `scheduledAt` (when it was measured) to the
 * ack (the hub acks a batch only after its SQLite commit), and per batch from
 * publish to ack, the hub's own share. Ends with the hub process's peak RSS.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as hdr from 'hdr-histogram-js'
import mqtt from 'mqtt'
import { monotonicFactory } from 'ulid'
import { disableNagle } from '../../lib/mqtt-connection.ts'
import { startHubProcess, type HubProcess } from '../e2e/processes.ts'
import { mosquittoWorks, startMosquitto } from '../fixtures/mosquitto.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 200_000)
const PROBES = 10
const CHECKS = 200
/** Each phase gives up after this long rather than hang on a stuck hub. */
const DEADLINE_MS = 5 * 60_000

interface Phase {
  /** Results per probe. */
  perProbe: number
  batchSize: number
  /** Unacked batches per probe, like the probe publisher's window (8). */
  window: number
  /** Wait between batches; 0 sends as fast as the window allows. */
  paceMs: number
}

interface PhaseResult {
  sent: number
  elapsedS: number
  /** Per result: measured (scheduledAt) → committed (ack received). */
  measuredToCommit: hdr.Histogram
  /** Per batch: published → committed. */
  publishToCommit: hdr.Histogram
}

const nextId = monotonicFactory()
const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  })

/**
 * A batch of `count` results measured evenly over the last `spanMs` (0: all just now),
 * as a probe's publisher sends what it measured since its last batch.
 */
function makeBatch(probeId: string, count: number, spanMs: number) {
  const now = Date.now()
  const results = Array.from({ length: count }, (_, i) => {
    const scheduledAt = now - Math.round((spanMs * (count - 1 - i)) / Math.max(count, 1))
    return {
      id: nextId(scheduledAt),
      checkId: `c${(i * 7 + probeId.length) % CHECKS}`,
      kind: 'http',
      configVersion: 'bench',
      probeId,
      region: 'bench',
      scheduledAt,
      startedAt: scheduledAt + 1,
      durationMs: 20 + (i % 50),
      status: i % 97 === 0 ? 'down' : 'up',
      phases: { dnsMs: 1, connectMs: 2, ttfbMs: 15, transferMs: 1 },
      assertions: [{ name: 'status', ok: true, expected: '200..399', actual: '200' }],
      trigger: 'schedule',
    }
  })
  const batchId = nextId(now)
  return {
    batchId,
    scheduledAts: results.map((result) => result.scheduledAt),
    payload: JSON.stringify({ batchId, probeId, region: 'bench', sentAt: now, results }),
  }
}

async function runProbe(
  mqttUrl: string,
  probeId: string,
  phase: Phase,
  result: PhaseResult,
  deadline: number,
): Promise<number> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: probeId, reconnectPeriod: 0 })
  // Like the real probe's connection (lib/mqtt-connection.ts).
  disableNagle(client)
  const pending = new Map<string, { sentAt: number; scheduledAts: number[]; resolve: () => void }>()
  client.on('message', (_topic, payload) => {
    const ackedAt = Date.now()
    for (const batchId of JSON.parse(payload.toString()).batchIds as string[]) {
      const entry = pending.get(batchId)
      if (!entry) continue
      pending.delete(batchId)
      result.publishToCommit.recordValue(Math.max(1, ackedAt - entry.sentAt))
      for (const at of entry.scheduledAts) {
        result.measuredToCommit.recordValue(Math.max(1, ackedAt - at))
      }
      entry.resolve()
    }
  })
  await client.subscribeAsync(`vantage/v1/probes/${probeId}/acks`, { qos: 1 })
  let sent = 0
  const inflight = new Set<Promise<void>>()
  while (sent < phase.perProbe && Date.now() < deadline) {
    const count = Math.min(phase.batchSize, phase.perProbe - sent)
    const { batchId, scheduledAts, payload } = makeBatch(probeId, count, phase.paceMs)
    const acked = new Promise<void>((resolve) =>
      pending.set(batchId, { sentAt: Date.now(), scheduledAts, resolve }),
    )
    inflight.add(acked)
    void acked.then(() => inflight.delete(acked))
    await client.publishAsync(`vantage/v1/results/0/${probeId}`, payload, { qos: 1 })
    sent += count
    if (inflight.size >= phase.window) await Promise.race(inflight)
    if (phase.paceMs > 0) await new Promise((resolve) => setTimeout(resolve, phase.paceMs))
  }
  await Promise.race([Promise.all(inflight), new Promise((resolve) => setTimeout(resolve, 30_000))])
  await client.endAsync()
  return sent
}

async function runPhase(mqttUrl: string, name: string, phase: Phase): Promise<PhaseResult> {
  const result: PhaseResult = {
    sent: 0,
    elapsedS: 0,
    measuredToCommit: histogram(),
    publishToCommit: histogram(),
  }
  const started = Date.now()
  const counts = await Promise.all(
    Array.from({ length: PROBES }, (_, i) =>
      runProbe(mqttUrl, `${name}-${i}`, phase, result, started + DEADLINE_MS),
    ),
  )
  result.sent = counts.reduce((a, b) => a + b, 0)
  result.elapsedS = (Date.now() - started) / 1_000
  return result
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

const ms = (h: hdr.Histogram, p: number) => `${h.getValueAtPercentile(p)} ms`
const rate = (r: PhaseResult) => Math.round(r.sent / r.elapsedS).toLocaleString('en-US')

function writeChecks(dir: string): string {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'monitors.ts')
  const checks = Array.from({ length: CHECKS }, (_, i) => ({
    kind: 'http',
    id: `c${i}`,
    url: 'http://127.0.0.1:9/',
    every: '1h',
  }))
  writeFileSync(
    file,
    `export default ${JSON.stringify({ defaults: { regions: ['bench'] }, checks })}\n`,
  )
  return file
}

/** Runs every phase against one hub process and prints its figures. */
async function benchThrough(label: string, dir: string, brokerUrl?: string): Promise<void> {
  const hub: HubProcess = await startHubProcess({
    checksFile: writeChecks(dir),
    dataDir: join(dir, 'hub'),
    env: { VANTAGE_LOG_LEVEL: 'warn', ...(brokerUrl ? { VANTAGE_BROKER: brokerUrl } : {}) },
  })
  try {
    const perProbe = Math.ceil(TOTAL / PROBES)
    const batching: Array<[number, PhaseResult]> = []
    for (const batchSize of [1, 50, 500]) {
      // Batches of one are slow; a tenth of the load shows their rate well enough.
      const count = batchSize === 1 ? Math.ceil(perProbe / 20) : Math.ceil(perProbe / 4)
      batching.push([
        batchSize,
        await runPhase(hub.mqttUrl, `b${batchSize}`, {
          perProbe: count,
          batchSize,
          window: 8,
          paceMs: 0,
        }),
      ])
    }
    const saturation = await runPhase(hub.mqttUrl, 'sat', {
      perProbe,
      batchSize: 500,
      window: 8,
      paceMs: 0,
    })
    // 10 probes x 50 results every 250 ms = 2,000 results/s, for about 5 s.
    const steady = await runPhase(hub.mqttUrl, 'steady', {
      perProbe: 1_000,
      batchSize: 50,
      window: 8,
      paceMs: 250,
    })
    const health = (await (await fetch(`${hub.httpUrl}/healthz`)).json()) as {
      ingest: { results: number; duplicates: number }
    }
    const published = [...batching.map(([, r]) => r), saturation, steady].reduce(
      (sum, r) => sum + r.sent,
      0,
    )
    console.log(`\nthrough ${label}: ${PROBES} probes, ${CHECKS} checks`)
    for (const [batchSize, r] of batching) {
      console.log(
        `  batch ${String(batchSize).padEnd(4)} ${String(r.sent).padStart(7)} results: ${rate(r).padStart(7)} results/s, measured→commit p99 ${ms(r.measuredToCommit, 99)}`,
      )
    }
    console.log(
      `  saturation  ${saturation.sent} results in batches of 500: ${rate(saturation)} results/s (${saturation.elapsedS.toFixed(1)} s)`,
    )
    console.log(
      `              measured→commit p50 ${ms(saturation.measuredToCommit, 50)}, p99 ${ms(saturation.measuredToCommit, 99)} (queueing behind ${PROBES * 8} batches in flight)`,
    )
    console.log(
      `  steady      ${steady.sent} results at ~2,000/s, a batch per probe every 250 ms: measured→commit p50 ${ms(steady.measuredToCommit, 50)}, p99 ${ms(steady.measuredToCommit, 99)}; publish→commit p50 ${ms(steady.publishToCommit, 50)}, p99 ${ms(steady.publishToCommit, 99)}`,
    )
    console.log(
      `  stored      ${health.ingest.results} of ${published} published, ${health.ingest.duplicates} duplicates`,
    )
    console.log(`  hub peak RSS ${peakRssMiB(hub.child.pid!).toFixed(0)} MiB`)
  } finally {
    await hub.stop()
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-'))
try {
  console.log(`bench:ingest  N=${TOTAL}`)
  await benchThrough('the embedded aedes broker', join(dir, 'aedes'))
  if (mosquittoWorks()) {
    // Mosquitto leaves Nagle's algorithm on by default; with the peer's delayed ACK that
    // adds about 40 ms to every ack it relays (measured here: publish→commit p50 44 ms
    // without, 8 ms with). Production configs should set it too.
    const broker = await startMosquitto('set_tcp_nodelay true')
    try {
      await benchThrough(
        `Mosquitto (hub --broker ${broker.url})`,
        join(dir, 'mosquitto'),
        broker.url,
      )
    } finally {
      await broker.stop()
    }
  } else {
    console.log('\nthrough Mosquitto: skipped, no mosquitto binary (apt-get install mosquitto)')
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
