/**
 * `npm run bench:ingest [-- N]`: publishes N synthetic results (default 200,000)
 * through the hub's embedded broker into its store, from several simulated probes,
 * the way real probes do (batches, a window of unacked batches, delete on ack).
 * Prints results/s, p50/p99 publish→commit (the hub acks only after the SQLite
 * commit), and the hub process's peak RSS. Loopback only; bounded by N and a deadline.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as hdr from 'hdr-histogram-js'
import mqtt from 'mqtt'
import { monotonicFactory } from 'ulid'
import { startHubProcess } from '../e2e/processes.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 200_000)
const PROBES = 10
const CHECKS = 200
const BATCH = 500
/** Unacked batches per probe, like the probe's publisher window. */
const WINDOW = 8
/** The run gives up after this long rather than hang on a stuck hub. */
const DEADLINE_MS = 10 * 60_000

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
const latency = hdr.build({
  lowestDiscernibleValue: 1,
  highestTrackableValue: 600_000,
  numberOfSignificantValueDigits: 3,
})
const nextId = monotonicFactory()
const perProbe = Math.ceil(TOTAL / PROBES)
const started = Date.now()
const deadline = started + DEADLINE_MS

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

async function runProbe(index: number): Promise<number> {
  const probeId = `bench-${index}`
  const client = await mqtt.connectAsync(hub.mqttUrl, { clientId: probeId, reconnectPeriod: 0 })
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
  while (sent < perProbe && Date.now() < deadline) {
    const count = Math.min(BATCH, perProbe - sent)
    const { batchId, payload } = makeBatch(probeId, count)
    const acked = new Promise<void>((resolve) =>
      pending.set(batchId, { sentAt: Date.now(), resolve }),
    )
    inflight.add(acked)
    void acked.then(() => inflight.delete(acked))
    await client.publishAsync(`vantage/v1/results/0/${probeId}`, payload, { qos: 1 })
    sent += count
    if (inflight.size >= WINDOW) await Promise.race(inflight)
  }
  await Promise.all(inflight)
  await client.endAsync()
  return sent
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
  return kib / 1024
}

try {
  const counts = await Promise.all(Array.from({ length: PROBES }, (_, i) => runProbe(i)))
  const elapsedS = (Date.now() - started) / 1_000
  const total = counts.reduce((a, b) => a + b, 0)
  const rss = peakRssMiB(hub.child.pid!)
  const health = (await (await fetch(`${hub.httpUrl}/healthz`)).json()) as {
    ingest: { results: number }
  }
  console.log(
    `bench:ingest  ${total} results from ${PROBES} probes in batches of ${BATCH} through the embedded broker`,
  )
  console.log(`  stored            ${health.ingest.results}`)
  console.log(
    `  throughput        ${Math.round(total / elapsedS).toLocaleString('en-US')} results/s  (${elapsedS.toFixed(1)} s)`,
  )
  console.log(
    `  publish→commit    p50 ${latency.getValueAtPercentile(50)} ms   p99 ${latency.getValueAtPercentile(99)} ms   max ${latency.maxValue} ms`,
  )
  console.log(`  hub peak RSS      ${rss.toFixed(0)} MiB`)
} finally {
  await hub.stop()
  rmSync(dir, { recursive: true, force: true })
}
