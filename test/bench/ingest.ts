/**
 * `npm run bench:ingest [-- N]`: publishes N synthetic results (default 200,000)
 * through the hub's embedded broker into its store, from several simulated probes
 * that behave like real ones (batches, a window of unacked batches, done on ack).
 *
 * Two phases, both loopback only and bounded by count and a deadline:
 * 1. saturation: as fast as the hub acks. Prints results/s and publish→commit
 *    latency, which here is mostly queueing behind the other probes' batches;
 * 2. steady load: about 2,000 results/s in small batches, the shape of a large real
 *    network. Prints publish→commit p50/p99 when the hub is not the bottleneck.
 * The hub acks a batch only after its SQLite commit, so ack time is commit time.
 * Ends with the hub process's peak RSS.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as hdr from 'hdr-histogram-js'
import mqtt from 'mqtt'
import { monotonicFactory } from 'ulid'
import { disableNagle } from '../../lib/mqtt-connection.ts'
import { startHubProcess } from '../e2e/processes.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 200_000)
const PROBES = 10
const CHECKS = 200
/** Each phase gives up after this long rather than hang on a stuck hub. */
const DEADLINE_MS = 5 * 60_000

interface Phase {
  /** Results per probe. */
  perProbe: number
  batchSize: number
  /** Unacked batches per probe, like the probe publisher's window. */
  window: number
  /** Wait between batches; 0 sends as fast as the window allows. */
  paceMs: number
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-'))
const checksFile = join(dir, 'monitors.ts')
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
const nextId = monotonicFactory()

function makeBatch(probeId: string, count: number): { batchId: string; payload: string } {
  const now = Date.now()
  const results = Array.from({ length: count }, (_, i) => ({
    id: nextId(now),
    checkId: `c${(i * 7 + probeId.length) % CHECKS}`,
    kind: 'http',
    configVersion: 'bench',
    probeId,
    region: 'bench',
    scheduledAt: now - 1_000,
    startedAt: now - 990,
    durationMs: 20 + (i % 50),
    status: i % 97 === 0 ? 'down' : 'up',
    phases: { dnsMs: 1, connectMs: 2, ttfbMs: 15, transferMs: 1 },
    assertions: [{ name: 'status', ok: true, expected: '200..399', actual: '200' }],
    trigger: 'schedule',
  }))
  const batchId = nextId(now)
  return {
    batchId,
    payload: JSON.stringify({ batchId, probeId, region: 'bench', sentAt: now, results }),
  }
}

async function runProbe(probeId: string, phase: Phase, latency: hdr.Histogram, deadline: number) {
  const client = await mqtt.connectAsync(hub.mqttUrl, { clientId: probeId, reconnectPeriod: 0 })
  // Like the real probe's connection (lib/mqtt-connection.ts).
  disableNagle(client)
  const pending = new Map<string, { sentAt: number; resolve: () => void }>()
  client.on('message', (_topic, payload) => {
    for (const batchId of JSON.parse(payload.toString()).batchIds as string[]) {
      const entry = pending.get(batchId)
      if (!entry) continue
      pending.delete(batchId)
      latency.recordValue(Math.max(1, Date.now() - entry.sentAt))
      entry.resolve()
    }
  })
  await client.subscribeAsync(`vantage/v1/probes/${probeId}/acks`, { qos: 1 })
  let sent = 0
  const inflight = new Set<Promise<void>>()
  while (sent < phase.perProbe && Date.now() < deadline) {
    const count = Math.min(phase.batchSize, phase.perProbe - sent)
    const { batchId, payload } = makeBatch(probeId, count)
    const acked = new Promise<void>((resolve) =>
      pending.set(batchId, { sentAt: Date.now(), resolve }),
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

async function runPhase(name: string, phase: Phase) {
  const latency = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  })
  const started = Date.now()
  const counts = await Promise.all(
    Array.from({ length: PROBES }, (_, i) =>
      runProbe(`${name}-${i}`, phase, latency, started + DEADLINE_MS),
    ),
  )
  const elapsedS = (Date.now() - started) / 1_000
  return { sent: counts.reduce((a, b) => a + b, 0), elapsedS, latency }
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

const ms = (h: hdr.Histogram, p: number) => `${h.getValueAtPercentile(p)} ms`

try {
  const saturation = await runPhase('sat', {
    perProbe: Math.ceil(TOTAL / PROBES),
    batchSize: 500,
    window: 8,
    paceMs: 0,
  })
  // 10 probes x 20 results every 100 ms = about 2,000 results/s, for about 5 s.
  const steady = await runPhase('steady', {
    perProbe: 1_000,
    batchSize: 20,
    window: 8,
    paceMs: 100,
  })
  const health = (await (await fetch(`${hub.httpUrl}/healthz`)).json()) as {
    ingest: { results: number; duplicates: number }
  }
  const rss = peakRssMiB(hub.child.pid!)
  const rate = Math.round(saturation.sent / saturation.elapsedS).toLocaleString('en-US')
  console.log(`bench:ingest  ${PROBES} probes, ${CHECKS} checks, through the embedded aedes broker`)
  console.log(
    `  saturation   ${saturation.sent} results in batches of 500: ${rate} results/s (${saturation.elapsedS.toFixed(1)} s)`,
  )
  console.log(
    `               publish→commit p50 ${ms(saturation.latency, 50)}, p99 ${ms(saturation.latency, 99)} (queueing behind ${PROBES * 8} batches in flight)`,
  )
  console.log(
    `  steady load  ${steady.sent} results at ~2,000/s in batches of 20: publish→commit p50 ${ms(steady.latency, 50)}, p99 ${ms(steady.latency, 99)}`,
  )
  console.log(
    `  stored       ${health.ingest.results} of ${saturation.sent + steady.sent} published, ${health.ingest.duplicates} duplicates`,
  )
  console.log(`  hub peak RSS ${rss.toFixed(0)} MiB`)
} finally {
  await hub.stop()
  rmSync(dir, { recursive: true, force: true })
}
