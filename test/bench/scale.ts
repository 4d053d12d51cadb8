/**
 * `npm run bench:scale`: what Vantage costs at a large network's size, as one table.
 *
 * 1. The hub at 10,000 checks × 3 regions every 60 s, 500 results/s: a real hub process
 *    fed through its broker by six simulated probes (two per region, each owning half
 *    its region's checks) that send what real ones do: each check at its own second of
 *    the minute (checks/schedule.ts), batched as the publisher batches (every 250 ms),
 *    at most 8 batches unacked, each probe's status retained. Measured with no status
 *    page viewer, then with one loading the page every 10 s: the hub's cores (CPU time
 *    over wall time, from /proc) and RSS.
 * 2. The probe at 1,000 checks every 60 s against loopback targets (HTTP and TCP): a
 *    real `vantage probe` process (compiled when built) on Mosquitto, with a stand-in hub
 *    (bench-hub.ts): its cores, RSS and scheduling lateness.
 * 3. Storage per check-region after 90 simulated days: bench:storage's own run
 *    (10 checks × 3 regions through the real store in virtual time), its figures quoted.
 *
 * Loopback only; each phase has a fixed duration, about five minutes in all.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import mqtt, { type MqttClient } from 'mqtt'
import { openBundle } from '../../checks/bundle.ts'
import type { CheckResult } from '../../checks/result.ts'
import { offsetFor } from '../../checks/schedule.ts'
import { topics as topicsFor } from '../../checks/wire.ts'
import { disableNagle } from '../../lib/mqtt-connection.ts'
import { ulid } from '../../lib/ulid.ts'
import { startHubProcess, type HubProcess } from '../e2e/processes.ts'
import { mosquittoWorks, startMosquitto } from '../fixtures/mosquitto.ts'
import { startBenchHub } from './bench-hub.ts'
import { percentile, processCpuMs, processRssMiB } from './proc-stats.ts'
import { startBenchProbe } from './probe-process.ts'

const HUB_CHECKS = 10_000
const REGIONS = ['eu-west', 'us-east', 'ap-south']
const PROBES_PER_REGION = 2
const PROBE_CHECKS = 1_000
/** The hub settles (the first minute of every check, the first rollups) before it is measured. */
const HUB_WARMUP_MS = 30_000
const HUB_WINDOW_MS = 60_000
const VIEWER_EVERY_MS = 10_000
/** A full interval first, so that every check has run once and the probe is warm. */
const PROBE_WARMUP_MS = 60_000
const PROBE_WINDOW_MS = 60_000
const LINGER_MS = 250
/** bench:storage takes about a minute on an idle machine; a loaded one gets room. */
const STORAGE_LIMIT_MS = 8 * 60_000
const WINDOW_BATCHES = 8
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))
const STORAGE_BENCH = fileURLToPath(new URL('./storage.ts', import.meta.url))
const TARGET_SCRIPT = fileURLToPath(new URL('./http-target.ts', import.meta.url))

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const checkId = (i: number) => `check-${String(i).padStart(5, '0')}`

interface Usage {
  cores: number
  rssMiB: number
  peakMiB: number
}

/** CPU cores a process used over `ms` (its CPU time over the wall time), and its RSS at the end. */
async function measure(pid: number, ms: number, meanwhile?: () => Promise<void>): Promise<Usage> {
  const cpuBefore = processCpuMs(pid)
  const started = performance.now()
  const rss: number[] = []
  const sampler = setInterval(() => rss.push(processRssMiB(pid).now), 1_000)
  const ends = sleep(ms)
  await Promise.all([ends, meanwhile?.()])
  clearInterval(sampler)
  const cores = (processCpuMs(pid) - cpuBefore) / (performance.now() - started)
  rss.sort((a, b) => a - b)
  return { cores, rssMiB: percentile(rss, 50), peakMiB: processRssMiB(pid).peak }
}

// ---- 1. the hub ----

function writeHubChecks(dir: string): string {
  const file = join(dir, 'monitors.ts')
  const checks = Array.from({ length: HUB_CHECKS }, (_, i) => ({
    kind: 'http',
    id: checkId(i),
    url: `https://service-${i}.example.com/health`,
    every: '1m',
  }))
  writeFileSync(
    file,
    `export default ${JSON.stringify({
      project: 'Scale',
      defaults: { regions: REGIONS },
      checks,
    })}\n`,
  )
  return file
}

/** A simulated probe: the results its checks would produce, sent as its publisher sends them. */
interface SimProbe {
  sent: () => number
  acked: () => number
  stop(): Promise<void>
}

async function startSimProbe(
  hub: HubProcess,
  probeId: string,
  region: string,
  owned: string[],
): Promise<SimProbe> {
  const topics = topicsFor()
  const client: MqttClient = await mqtt.connectAsync(hub.mqttUrl, {
    clientId: probeId,
    reconnectPeriod: 0,
  })
  disableNagle(client)
  let configVersion = 'none'
  const inFlight = new Set<string>()
  let sent = 0
  let acked = 0
  const sizes = new Map<string, number>()
  client.on('message', (topic, payload) => {
    if (topic === topics.config) {
      const opened = openBundle(payload)
      if (opened.ok) configVersion = opened.bundle.version
      return
    }
    for (const batchId of (JSON.parse(payload.toString()) as { batchIds: string[] }).batchIds) {
      if (inFlight.delete(batchId)) acked += sizes.get(batchId) ?? 0
      sizes.delete(batchId)
    }
  })
  await client.subscribeAsync([topics.config, topics.acks(probeId)], { qos: 1 })
  await client.publishAsync(
    topics.probeStatus(probeId),
    JSON.stringify({
      state: 'online',
      probeId,
      region,
      labels: {},
      capabilities: ['http', 'ping', 'tcp', 'dns'],
      version: 'bench',
    }),
    { qos: 1, retain: true },
  )
  // The checks due in each second of the minute, by their stable offset.
  const bySecond: string[][] = Array.from({ length: 60 }, () => [])
  for (const id of owned) bySecond[offsetFor(id, 60_000) / 1_000]!.push(id)
  const queue: CheckResult[] = []
  let lastSecond = Math.floor(Date.now() / 1_000)
  let stopped = false
  const result = (id: string, scheduledAt: number, n: number): CheckResult => {
    const down = n % 211 === 0
    const durationMs = 20 + (n % 60) + 0.25
    return {
      id: ulid(scheduledAt),
      checkId: id,
      kind: 'http',
      configVersion,
      probeId,
      region,
      scheduledAt,
      startedAt: scheduledAt + 3,
      durationMs,
      status: down ? 'down' : 'up',
      ...(down ? { error: { code: 'HTTP_STATUS', message: 'status 503, expected 200..399' } } : {}),
      phases: { dnsMs: 0.9, connectMs: 2.1, ttfbMs: durationMs - 5, transferMs: 0.4 },
      assertions: [
        { name: 'status', ok: !down, expected: '200..399', actual: down ? '503' : '200' },
      ],
      trigger: 'schedule',
    }
  }
  const loop = (async () => {
    let n = 0
    while (!stopped) {
      await sleep(LINGER_MS)
      const now = Math.floor(Date.now() / 1_000)
      for (let second = lastSecond + 1; second <= now; second += 1) {
        for (const id of bySecond[second % 60]!) queue.push(result(id, second * 1_000, n++))
      }
      lastSecond = now
      while (queue.length > 0 && inFlight.size < WINDOW_BATCHES) {
        const results = queue.splice(0, 500)
        const batchId = ulid()
        inFlight.add(batchId)
        sizes.set(batchId, results.length)
        const payload = JSON.stringify({ batchId, probeId, region, sentAt: Date.now(), results })
        await client.publishAsync(topics.results(0, probeId), payload, { qos: 1 })
        sent += results.length
      }
    }
  })()
  return {
    sent: () => sent,
    acked: () => acked,
    async stop() {
      stopped = true
      await loop
      await client.endAsync()
    },
  }
}

async function benchHub(dir: string) {
  const hub = await startHubProcess({
    checksFile: writeHubChecks(dir),
    dataDir: join(dir, 'hub'),
    env: { VANTAGE_LOG_LEVEL: 'warn' },
  })
  const probes: SimProbe[] = []
  try {
    for (const region of REGIONS) {
      for (let p = 0; p < PROBES_PER_REGION; p += 1) {
        const owned = Array.from({ length: HUB_CHECKS }, (_, i) => i)
          .filter((i) => i % PROBES_PER_REGION === p)
          .map(checkId)
        probes.push(await startSimProbe(hub, `${region}-${p + 1}`, region, owned))
      }
    }
    const ackedSoFar = () => probes.reduce((sum, probe) => sum + probe.acked(), 0)
    const sentSoFar = () => probes.reduce((sum, probe) => sum + probe.sent(), 0)
    await sleep(HUB_WARMUP_MS)
    const ackedBefore = ackedSoFar()
    const quiet = await measure(hub.child.pid!, HUB_WINDOW_MS)
    const rate = (ackedSoFar() - ackedBefore) / (HUB_WINDOW_MS / 1_000)
    const pageMs: number[] = []
    let pageFailures = 0
    const viewer = async () => {
      const ends = Date.now() + HUB_WINDOW_MS
      while (Date.now() < ends) {
        const started = performance.now()
        try {
          // A load that outlasts the window is cut short, so the phase keeps its length.
          const signal = AbortSignal.timeout(Math.max(1_000, ends - Date.now()))
          const response = await fetch(`${hub.httpUrl}/`, { signal })
          await response.text()
          if (response.ok) pageMs.push(performance.now() - started)
          else pageFailures += 1
        } catch {
          pageFailures += 1
        }
        await sleep(Math.max(0, VIEWER_EVERY_MS - (performance.now() - started)))
      }
    }
    const viewed = await measure(hub.child.pid!, HUB_WINDOW_MS, viewer)
    const backlog = sentSoFar() - ackedSoFar()
    return { quiet, viewed, rate, pageMs: pageMs.sort((a, b) => a - b), pageFailures, backlog }
  } finally {
    for (const probe of probes) await probe.stop()
    await hub.stop()
  }
}

// ---- 2. the probe ----

function startTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [RUN_TS, TARGET_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`target exited with ${code}`)))
    child.once('message', (message: { url: string }) => resolve({ child, url: message.url }))
  })
}

async function benchProbe(dir: string) {
  const target = await startTarget()
  const broker = await startMosquitto('set_tcp_nodelay true')
  const hub = await startBenchHub(broker.url)
  const probe = await startBenchProbe({ brokerUrl: broker.url, id: 'scale-1', region: 'lo', dir })
  try {
    const { port } = new URL(target.url)
    await hub.deploy(
      Array.from({ length: PROBE_CHECKS }, (_, i) =>
        i % 10 === 9
          ? { kind: 'tcp', id: `tcp-${i}`, host: '127.0.0.1', port: Number(port), every: '1m' }
          : { kind: 'http', id: `http-${i}`, url: `${target.url}/`, every: '1m' },
      ),
      ['lo'],
    )
    await sleep(PROBE_WARMUP_MS)
    const from = Date.now()
    const usage = await measure(probe.pid, PROBE_WINDOW_MS)
    const results = hub.resultsBetween(from, Date.now() - 1_000)
    const lateness = results
      .filter((result) => result.trigger === 'schedule')
      .map((result) => result.latenessMs)
      .sort((a, b) => a - b)
    return { usage, compiled: probe.compiled, lateness, notUp: results.filter((r) => !r.up).length }
  } finally {
    await probe.process.stop()
    await hub.close()
    await broker.stop()
    target.child.disconnect()
  }
}

// ---- 3. storage ----

/** bench:storage's figures per check-region, from its own output. */
async function benchStorage(): Promise<{ history: string; steady: string } | { error: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [RUN_TS, STORAGE_BENCH], {
      maxBuffer: 16 * 1024 * 1024,
      timeout: STORAGE_LIMIT_MS,
    })
    const figure = (label: RegExp) => label.exec(stdout)?.[1]?.trim()
    const history = figure(/history \(rollups, status log\)\s+(.+?) after/)
    const steady = figure(/everything at steady state\s+(.+)/)
    if (!history || !steady) return { error: 'bench:storage printed no per check-region figures' }
    return { history, steady }
  } catch (error) {
    const failed = error as { killed?: boolean; stderr?: string; message: string }
    if (failed.killed)
      return { error: `bench:storage did not finish in ${STORAGE_LIMIT_MS / 60_000} minutes` }
    const why = (failed.stderr ?? '').trim().split('\n').at(-1) || failed.message.split('\n')[0]
    return { error: `bench:storage failed: ${why}` }
  }
}

// ---- the table ----

if (!mosquittoWorks()) {
  console.error('bench:scale needs Mosquitto for the probe phase (apt-get install mosquitto)')
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-scale-'))
try {
  const started = Date.now()
  console.log(
    `bench:scale  hub: ${HUB_CHECKS.toLocaleString('en-US')} checks × ${REGIONS.length} regions every 60 s from ${REGIONS.length * PROBES_PER_REGION} simulated probes; ` +
      `probe: ${PROBE_CHECKS.toLocaleString('en-US')} checks every 60 s; storage: 90 simulated days`,
  )
  mkdirSync(join(dir, 'hub'), { recursive: true })
  const hub = await benchHub(join(dir, 'hub'))
  const probe = await benchProbe(join(dir, 'probe'))
  const storage = await benchStorage()

  const cores = (usage: Usage) => usage.cores.toFixed(2)
  const mib = (usage: Usage) => `${usage.rssMiB.toFixed(0)} MiB (peak ${usage.peakMiB.toFixed(0)})`
  const rows: string[][] = [
    ['what', 'cores', 'RSS', 'notes'],
    [
      'hub, no viewer',
      cores(hub.quiet),
      mib(hub.quiet),
      `${Math.round(hub.rate)} results/s acked (target ${Math.round((HUB_CHECKS * REGIONS.length) / 60)})`,
    ],
    [
      'hub, one viewer every 10 s',
      cores(hub.viewed),
      mib(hub.viewed),
      `status page p50 ${percentile(hub.pageMs, 50).toFixed(0)} ms, max ${(hub.pageMs.at(-1) ?? Number.NaN).toFixed(0)} ms` +
        `${hub.pageFailures > 0 ? `, ${hub.pageFailures} failed or cut at the window's end` : ''}; ` +
        `${hub.backlog} results sent and not acked at the end`,
    ],
    [
      `probe, ${PROBE_CHECKS.toLocaleString('en-US')} checks${probe.compiled ? '' : ' (tsx)'}`,
      cores(probe.usage),
      mib(probe.usage),
      `lateness p50 ${percentile(probe.lateness, 50)} ms, p99 ${percentile(probe.lateness, 99)} ms over ${probe.lateness.length} runs; ${probe.notUp} not up`,
    ],
  ]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  console.log('')
  for (const row of rows)
    console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`)
  console.log('')
  if ('error' in storage) console.log(`  storage per check-region: ${storage.error}`)
  else {
    console.log(
      `  storage per check-region after 90 days: history ${storage.history}; with 7 days of raw results, at steady state ${storage.steady}`,
    )
  }
  console.log(`  (${Math.round((Date.now() - started) / 1_000)} s)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
