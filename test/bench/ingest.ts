/**
 * `npm run bench:ingest [-- N [STEADY_S]]`: publishes synthetic results into a hub process
 * from simulated probes that behave like real ones (batches, a window of unacked batches,
 * done on ack), once through the hub's embedded aedes broker and once through a real
 * Mosquitto (`hub --broker`), when the `mosquitto` binary is installed.
 *
 * For each broker, all loopback only and bounded by count and a deadline:
 * 1. batching: the same load as fast as the hub acks, in batches of 1, 50 and 500
 *    results, to show what batching buys (batch 1 sends fewer results);
 * 2. saturation: N results (default 200,000) in batches of 500, the probe's default:
 *    results/s, and the hub's CPU time per result (its process, all threads);
 * 3. steady load: 2,000 results/s for STEADY_S seconds (default 30) the way probes send
 *    them: each result goes into a real outbox when it is measured and the probe's own
 *    publisher sends it (its linger, batches and window). Over the part after a warm-up:
 *    measured→commit latency, the longest event-loop stall of the hub's main thread
 *    (monitorEventLoopDelay, sampled by a preload: loop-monitor.mjs), and the bytes the
 *    hub wrote per result: write(2) bytes of its process (wchar, all threads: SQLite's
 *    WAL and checkpoints, sockets' acks are a few bytes a batch) and what reached the
 *    block layer (write_bytes, /proc/PID/io; the page cache absorbs rewrites of a page).
 * Then, with the hub stopped, the bytes each stored raw result takes in its database
 * (dbstat: the result tables and their index, per result), and the hub's peak RSS.
 *
 * Latency is measured per result from `scheduledAt` (when it was measured) to the ack
 * (the hub acks a batch only after its SQLite commit), and per batch from publish to
 * ack, the hub's own share.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import * as hdr from 'hdr-histogram-js'
import { ResultReads } from '../../hub/store/result-reads.ts'
import { startHubProcess, type HubProcess } from '../e2e/processes.ts'
import { mosquittoWorks, startMosquitto } from '../fixtures/mosquitto.ts'
import { publishingProbe, rawProbe, type Latencies } from './ingest-probe.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 200_000)
const STEADY_S = Number(process.argv[3] ?? process.env.BENCH_STEADY_S ?? 30)
const STEADY_WARMUP_S = 5
const STEADY_PER_SECOND = 2_000
const PROBES = 10
const CHECKS = 200
/** Each phase gives up after this long rather than hang on a stuck hub. */
const DEADLINE_MS = 5 * 60_000
const LOOP_MONITOR = fileURLToPath(new URL('./loop-monitor.mjs', import.meta.url))

const histogram = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000,
    numberOfSignificantValueDigits: 3,
  })
const latencies = (): Latencies => ({
  measuredToCommit: histogram(),
  publishToCommit: histogram(),
  batches: 0,
  acked: 0,
})

/** Each probe measures its own tenth of the checks, as a region's probes split them. */
const checksOf = (probe: number) =>
  Array.from({ length: CHECKS / PROBES }, (_, i) => `c${probe + i * PROBES}`)

interface Usage {
  /** CPU ms of the whole process and of its main thread. */
  cpuMs: number
  mainCpuMs: number
  wchar: number
  writeBytes: number
}

function cpuMsOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

function usageOf(pid: number): Usage {
  const io = Object.fromEntries(
    readFileSync(`/proc/${pid}/io`, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  )
  return {
    cpuMs: cpuMsOf(`/proc/${pid}/stat`),
    mainCpuMs: cpuMsOf(`/proc/${pid}/task/${pid}/stat`),
    wchar: Number(io.wchar),
    writeBytes: Number(io.write_bytes),
  }
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

/** The longest event-loop delay the monitor saw in [from, to), and the slices over 10 ms. */
function stalls(
  file: string,
  from: number,
  to: number,
): { maxMs: number; over10: number; slices: number } {
  const slices = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ').map(Number) as [number, number])
    .filter(([at]) => at >= from && at < to)
  return {
    maxMs: Math.max(0, ...slices.map(([, ms]) => ms)),
    over10: slices.filter(([, ms]) => ms > 10).length,
    slices: slices.length,
  }
}

const ms = (h: hdr.Histogram, p: number) => `${h.getValueAtPercentile(p)} ms`
const n = (value: number) => Math.round(value).toLocaleString('en-US')

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

async function rawPhase(hub: HubProcess, name: string, perProbe: number, batchSize: number) {
  const result = latencies()
  const started = performance.now()
  const counts = await Promise.all(
    Array.from({ length: PROBES }, (_, p) =>
      rawProbe({
        mqttUrl: hub.mqttUrl,
        probeId: `${name}-${p}`,
        checks: checksOf(p),
        total: perProbe,
        batchSize,
        window: 8,
        deadline: Date.now() + DEADLINE_MS,
        latencies: result,
      }),
    ),
  )
  const seconds = (performance.now() - started) / 1000
  const sent = counts.reduce((a, b) => a + b, 0)
  return { sent, seconds, rate: sent / seconds, ...result }
}

/** Bytes the result tables take per stored raw result, from a stopped hub's database. */
function storedBytes(file: string): { raw: number; perResult: number; withNames: number } {
  const db = new Database(file, { readonly: true })
  try {
    const sizes = new Map(
      db
        .prepare<[], { name: string; size: number }>(
          'SELECT name, SUM(pgsize) AS size FROM dbstat GROUP BY name',
        )
        .all()
        .map((row) => [row.name, row.size]),
    )
    const size = (...names: string[]) =>
      names.reduce((sum, name) => sum + (sizes.get(name) ?? 0), 0)
    const raw = new ResultReads(db).count()
    const rawBytes = size('results', 'results_by_check', 'results_journal')
    return {
      raw,
      perResult: rawBytes / raw,
      withNames: (rawBytes + size('result_names', 'sqlite_autoindex_result_names_1')) / raw,
    }
  } finally {
    db.close()
  }
}

/** Runs every phase against one hub process and prints its figures. */
async function benchThrough(label: string, dir: string, brokerUrl?: string): Promise<void> {
  const loopFile = join(dir, 'loop.txt')
  const dataDir = join(dir, 'hub')
  const hub: HubProcess = await startHubProcess({
    checksFile: writeChecks(dir),
    dataDir,
    env: {
      VANTAGE_LOG_LEVEL: 'warn',
      VANTAGE_BENCH_LOOP_FILE: loopFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${LOOP_MONITOR}`.trim(),
      ...(brokerUrl ? { VANTAGE_BROKER: brokerUrl } : {}),
    },
  })
  const pid = hub.child.pid!
  let published = 0
  try {
    console.log(`\nthrough ${label}: ${PROBES} probes, ${CHECKS} checks`)
    const perProbe = Math.ceil(TOTAL / PROBES)
    for (const batchSize of [1, 50, 500]) {
      // Batches of one are slow; a twentieth of the load shows their rate well enough.
      const count = batchSize === 1 ? Math.ceil(perProbe / 20) : Math.ceil(perProbe / 4)
      const r = await rawPhase(hub, `b${batchSize}`, count, batchSize)
      published += r.sent
      console.log(
        `  batch ${String(batchSize).padEnd(4)} ${String(r.sent).padStart(7)} results: ${n(r.rate).padStart(7)} results/s, measured→commit p99 ${ms(r.measuredToCommit, 99)}`,
      )
    }

    const before = usageOf(pid)
    const sat = await rawPhase(hub, 'sat', perProbe, 500)
    const after = usageOf(pid)
    published += sat.sent
    console.log(
      `  saturation  ${sat.sent} results in batches of 500: ${n(sat.rate)} results/s (${sat.seconds.toFixed(1)} s)`,
    )
    console.log(
      `              hub CPU ${(((after.cpuMs - before.cpuMs) * 1000) / sat.sent).toFixed(1)} µs per result (main thread ${(((after.mainCpuMs - before.mainCpuMs) * 1000) / sat.sent).toFixed(1)} µs); measured→commit p50 ${ms(sat.measuredToCommit, 50)}, p99 ${ms(sat.measuredToCommit, 99)} (queueing behind ${PROBES * 8} batches in flight)`,
    )

    // Steady: 2,000 results/s the way probes send them. Figures from after the warm-up.
    const steady = latencies()
    const warmedUp = Date.now() + STEADY_WARMUP_S * 1000
    let atWarm: Usage | undefined
    const warmTimer = setTimeout(() => (atWarm = usageOf(pid)), STEADY_WARMUP_S * 1000)
    const probeDir = join(dir, 'outboxes')
    mkdirSync(probeDir, { recursive: true })
    const measured = await Promise.all(
      Array.from({ length: PROBES }, (_, p) =>
        publishingProbe({
          mqttUrl: hub.mqttUrl,
          probeId: `steady-${p}`,
          dir: probeDir,
          checks: checksOf(p),
          perSecond: STEADY_PER_SECOND / PROBES,
          durationMs: (STEADY_S + STEADY_WARMUP_S) * 1000,
          recordFrom: warmedUp,
          latencies: steady,
        }),
      ),
    )
    const steadyEnd = Date.now()
    const atEnd = usageOf(pid)
    clearTimeout(warmTimer)
    published += measured.reduce((a, b) => a + b, 0)
    const stall = stalls(loopFile, warmedUp, steadyEnd)
    const window = atWarm ?? before
    const perResult = (bytes: number) => `${n(bytes / steady.acked)} B`
    console.log(
      `  steady      ${n(steady.acked)} results at ${n(STEADY_PER_SECOND)}/s after a ${STEADY_WARMUP_S} s warm-up, sent by the probe publisher (${(steady.acked / steady.batches).toFixed(1)} results a batch):`,
    )
    console.log(
      `              measured→commit p50 ${ms(steady.measuredToCommit, 50)}, p99 ${ms(steady.measuredToCommit, 99)}, max ${ms(steady.measuredToCommit, 100)}; publish→commit p50 ${ms(steady.publishToCommit, 50)}, p99 ${ms(steady.publishToCommit, 99)}`,
    )
    console.log(
      `              event loop: longest stall ${stall.maxMs.toFixed(1)} ms; ${stall.over10} of ${stall.slices} 100 ms slices had one over 10 ms`,
    )
    console.log(
      `              written per result: ${perResult(atEnd.wchar - window.wchar)} (write(2), the process), ${perResult(atEnd.writeBytes - window.writeBytes)} reached the block layer; hub CPU ${(((atEnd.cpuMs - window.cpuMs) * 1000) / steady.acked).toFixed(1)} µs per result`,
    )
    const health = (await (await fetch(`${hub.httpUrl}/healthz`)).json()) as {
      ingest: { results: number; duplicates: number }
      storage?: { maxCommitMs: number; maxFoldMs: number; maxCheckpointMs: number }
    }
    console.log(
      `  stored      ${health.ingest.results} of ${published} published, ${health.ingest.duplicates} duplicates`,
    )
    if (health.storage) {
      console.log(
        `  storage     longest commit ${health.storage.maxCommitMs.toFixed(1)} ms, fold ${health.storage.maxFoldMs.toFixed(1)} ms, checkpoint ${health.storage.maxCheckpointMs.toFixed(1)} ms (each on its own thread)`,
      )
    }
    console.log(`  hub peak RSS ${peakRssMiB(pid).toFixed(0)} MiB`)
  } finally {
    await hub.stop()
  }
  const bytes = storedBytes(join(dataDir, 'hub.db'))
  console.log(
    `  bytes stored ${bytes.perResult.toFixed(0)} B per raw result (${n(bytes.raw)} results: blocks, their index and the journal), ${bytes.withNames.toFixed(0)} B with the shared names`,
  )
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-'))
try {
  console.log(`bench:ingest  N=${TOTAL}, steady ${STEADY_S} s`)
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
