/**
 * `npm run bench:status [-- CHECKS]`: what a viewer of the hub's pages costs at CHECKS
 * checks (default 10,000) × 3 regions with 90 days of history.
 *
 * Seeds a database once (test/bench/history/seed-rollups.ts: minute rows for 30 days,
 * day rows for 90, about an outage per check a fortnight; kept in the temp directory
 * for later runs, VANTAGE_BENCH_RESEED=1 seeds again), copies it, and starts the hub's
 * HTTP app, status pages and read model on it in a process of their own
 * (status/hub-process.ts), served over HTTP: on the compiled build (dist/) when there is
 * one, as `vantage hub` runs, else on the sources through tsx (status/hub-entry.ts). Then,
 * from this process:
 *
 * 1. each route at 20 concurrent clients (keep-alive, gzip, no If-None-Match: every
 *    answer a full 200), p50 and p95 of the whole request, and the bytes sent: `/` (a
 *    page of 20 components), `/status/page-200`, `/status/all` (a component per check),
 *    `/internal`, `/api/v1/checks` (its default page of 50) and `?limit=500`, the v2
 *    summary and a badge; with a check changing state every second while it runs
 *    (`churn`), so caches are invalidated as on a live hub;
 * 2. once the routes' load has settled (a minute: V8 hands back the heap it grew), the
 *    hub's CPU over a minute with nothing asking, then with 10 viewers each
 *    reloading `/internal` and `/` every 10 s as the pages do (a browser revalidates
 *    with If-None-Match): CPU per viewer in % of a core, and the hub's RSS;
 * 3. a check's state change: how long until `/` and `/internal` show it;
 * 4. 30-day availability of every check: one at a time (a sample, the figure before the
 *    list summed it), and at once from the check list's `?window=30d` (pages of 500); and
 *    every check's 1 h and 24 h availability (the check list's pages of 500).
 *
 * Environment: BENCH_REQUESTS (per route, default 2,000), BENCH_VIEW_SECONDS (default 60),
 * BENCH_SETTLE_SECONDS (after the routes, before the hub at rest; default 60),
 * BENCH_FROM_SOURCE=1 (the hub from the sources through tsx even when there is a build),
 * BENCH_HEAP_SNAPSHOT=<file> (the hub's heap after the viewers, for a profiler).
 */
import { fork, type ChildProcess } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { Agent, request } from 'node:http'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { IncidentStore } from '../../hub/incidents/incident-store.ts'
import { openDatabase } from '../../hub/store/database.ts'
import { ResultStore } from '../../hub/store/result-store.ts'
import { seedRollups } from './history/seed-rollups.ts'
import { checkIdOf } from './history/sim-results.ts'
import { processCpuMs, processRssMiB } from './proc-stats.ts'
import { NOW, REGIONS } from './status/bench-config.ts'
import { hubEntry } from './status/hub-entry.ts'

const CHECKS = Number(process.argv[2] ?? 10_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2_000)
const VIEW_SECONDS = Number(process.env.BENCH_VIEW_SECONDS ?? 60)
const SETTLE_SECONDS = Number(process.env.BENCH_SETTLE_SECONDS ?? 60)
const CLIENTS = 20
const VIEWERS = 10
const GOAL_MS = 50
/** A route's measurement stops after this long whatever its count (a slow route). */
const ROUTE_LIMIT_MS = Number(process.env.BENCH_ROUTE_SECONDS ?? 60) * 1000

const log = (line: string) => process.stdout.write(`${line}\n`)

// 1. The seeded database, kept for later runs.
const seedDir = join(tmpdir(), `vantage-bench-status-v1-${CHECKS}`)
const seedDb = join(seedDir, 'hub.db')
if (!existsSync(join(seedDir, 'done')) || process.env.VANTAGE_BENCH_RESEED) {
  rmSync(seedDir, { recursive: true, force: true })
  mkdirSync(seedDir, { recursive: true })
  log(`seeding ${CHECKS} checks × ${REGIONS.length} regions × 90 days into ${seedDir} ...`)
  const started = performance.now()
  const db = openDatabase(seedDb)
  db.pragma('synchronous = OFF')
  const stats = seedRollups({
    db,
    store: new ResultStore(db),
    incidents: new IncidentStore(db),
    checkIds: Array.from({ length: CHECKS }, (_, i) => checkIdOf(i)),
    regions: REGIONS,
    now: NOW,
    log,
  })
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  writeFileSync(join(seedDir, 'done'), JSON.stringify(stats))
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}
const workDir = mkdtempSync(join(tmpdir(), 'vantage-bench-status-'))
copyFileSync(seedDb, join(workDir, 'hub.db'))
log(
  `database: ${(statSync(seedDb).size / 1e9).toFixed(2)} GB (${CHECKS} checks, 30 days of minute rows, 90 of day rows)`,
)

// 2. The hub in its own process: started once to read every check's 90 days into its
// read model (a hub's first start with one), stopped (it persists them), and started
// again, as a restart finds it.
// The hub runs the compiled build when there is one, as `vantage hub` does
// (status/hub-entry.ts; BENCH_FROM_SOURCE=1 for the sources through tsx).
const hubFile =
  process.env.BENCH_HUB_PROCESS ?? join(import.meta.dirname, 'status', 'hub-process.ts')
const entry = await hubEntry(hubFile)
log(`hub: ${entry.label}`)
async function startHubProcess() {
  const started = performance.now()
  const child: ChildProcess = fork(
    entry.script,
    [...entry.args, join(workDir, 'hub.db'), String(CHECKS)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`the hub process exited (${code})`)))
  })
  return { child, url, ms: performance.now() - started }
}
async function stopHubProcess(child: ChildProcess) {
  child.send({ close: true })
  await new Promise((resolve) => child.once('exit', resolve))
}
const first = await startHubProcess()
log(
  `hub's first start (its read model reads every check's 90 days): ${(first.ms / 1000).toFixed(1)} s, RSS ${processRssMiB(first.child.pid!).now.toFixed(0)} MiB`,
)
await stopHubProcess(first.child)
const { child: hub, url, ms: restartMs } = await startHubProcess()
const pid = hub.pid!
log(
  `hub's restart (days from read_model_days, the rest in bulk): ${(restartMs / 1000).toFixed(1)} s, RSS ${processRssMiB(pid).now.toFixed(0)} MiB`,
)

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS * 2 })
interface Answer {
  status: number
  ms: number
  bytes: number
  plain: number
  etag: string | undefined
  body: Buffer
}
/** A request; once more on a kept-alive socket the server had just closed. */
async function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    return await getOnce(path, headers)
  } catch (error) {
    if ((error as { code?: string }).code !== 'ECONNRESET') throw error
    return getOnce(path, headers)
  }
}

function getOnce(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { agent, headers: { 'accept-encoding': 'gzip', ...headers } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const raw = Buffer.concat(chunks)
          const body = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw
          resolve({
            status: res.statusCode!,
            ms: performance.now() - started,
            bytes: raw.length,
            plain: body.length,
            etag: res.headers.etag,
            body,
          })
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end()
  })
}

const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1))] ?? NaN
const kib = (bytes: number) =>
  bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`

/** A check flips between up and down every second while `on`, as on a live hub. */
let churning: NodeJS.Timeout | undefined
let flips = 0
function churn(on: boolean) {
  clearInterval(churning)
  if (!on) return
  churning = setInterval(() => {
    flips += 1
    hub.send({ flip: checkIdOf((flips * 7919) % CHECKS), status: flips % 2 ? 'down' : 'up' })
  }, 1_000)
}

async function load(path: string) {
  const cold = await get(path)
  if (cold.status !== 200)
    throw new Error(`${path}: HTTP ${cold.status} ${cold.body.toString().slice(0, 200)}`)
  const times: number[] = []
  const deadline = performance.now() + ROUTE_LIMIT_MS
  const cpuBefore = processCpuMs(pid)
  const wallBefore = performance.now()
  let left = REQUESTS
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left > 0 && performance.now() < deadline) {
        left -= 1
        const answer = await get(path)
        if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status}`)
        times.push(answer.ms)
      }
    }),
  )
  const cpu = processCpuMs(pid) - cpuBefore
  const wall = performance.now() - wallBefore
  times.sort((a, b) => a - b)
  return { cold, times, cpuPerRequest: cpu / times.length, rps: (times.length * 1000) / wall }
}

// 1. Routes at 20 concurrent clients.
const routes = [
  '/',
  '/status/page-200',
  '/status/all',
  '/internal',
  '/api/v1/checks',
  '/api/v1/checks?limit=500',
  '/status/page-20/api/v2/summary.json',
  '/status/page-20/badges/uptime-90d.svg',
]
const rows: string[][] = [
  [
    'route',
    'p50',
    'p95',
    'hub CPU/req',
    'req/s',
    'cold',
    'answer (gzip / plain)',
    `p95 < ${GOAL_MS} ms`,
  ],
]
churn(true)
for (const path of routes) {
  const m = await load(path)
  const p95 = pick(m.times, 0.95)
  rows.push([
    path,
    `${pick(m.times, 0.5).toFixed(1)} ms`,
    `${p95.toFixed(1)} ms`,
    `${m.cpuPerRequest.toFixed(2)} ms`,
    m.rps.toFixed(0),
    `${m.cold.ms.toFixed(0)} ms`,
    `${kib(m.cold.bytes)} / ${kib(m.cold.plain)}`,
    `${p95 < GOAL_MS ? 'ok' : 'FAIL'} (${m.times.length} requests)`,
  ])
}
churn(false)
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`
log(
  `\nroutes at ${CLIENTS} concurrent clients, a check changing state every second (${loadAverage()}):`,
)
for (const r of rows)
  log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))

// 2. Viewers: each reloads /internal and / every 10 s, revalidating with its ETag.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
async function cpuOver(seconds: number, during: () => Promise<void>) {
  const before = processCpuMs(pid)
  const started = performance.now()
  await during()
  return { cpuMs: processCpuMs(pid) - before, wallMs: performance.now() - started }
}
// Let the routes' load settle before measuring the hub at rest: its garbage collected,
// and the heap it grew handed back by V8's memory reducer, which runs once allocation has
// been low for a while (8 s ticks; 20 to 40 s after the load here), three collections.
await sleep(SETTLE_SECONDS * 1000)
const idle = await cpuOver(VIEW_SECONDS, () => sleep(VIEW_SECONDS * 1000))
let peakRss = 0
const statuses: Record<string, number> = {}
const viewing = await cpuOver(VIEW_SECONDS, async () => {
  const end = performance.now() + VIEW_SECONDS * 1000
  await Promise.all(
    Array.from({ length: VIEWERS }, async (_, v) => {
      const etags: Record<string, string | undefined> = {}
      await sleep((v * 10_000) / VIEWERS)
      while (performance.now() < end) {
        const next = performance.now() + 10_000
        for (const path of ['/internal', '/']) {
          const answer = await get(path, etags[path] ? { 'if-none-match': etags[path]! } : {})
          statuses[`${path} ${answer.status}`] = (statuses[`${path} ${answer.status}`] ?? 0) + 1
          if (answer.etag) etags[path] = answer.etag
        }
        peakRss = Math.max(peakRss, processRssMiB(pid).now)
        await sleep(Math.max(0, next - performance.now()))
      }
    }),
  )
})
const idleShare = (idle.cpuMs / idle.wallMs) * 100
const viewShare = (viewing.cpuMs / viewing.wallMs) * 100
log(
  `\nviewers: hub CPU ${idleShare.toFixed(2)} % of a core with none, ${viewShare.toFixed(2)} % with ${VIEWERS} ` +
    `reloading /internal and / every 10 s for ${VIEW_SECONDS} s: ${((viewShare - idleShare) / VIEWERS).toFixed(3)} % ` +
    `of a core per viewer (goal < 1 %); answers ${JSON.stringify(statuses)}`,
)
const rss = processRssMiB(pid)
log(
  `hub RSS with ${VIEWERS} viewers: ${peakRss.toFixed(0)} MiB (peak over the run ${rss.peak.toFixed(0)} MiB; goal < 512 MiB)`,
)
{
  // Where it is, now: V8's heap (live and not yet collected), what Node keeps outside it,
  // and the rest (code, SQLite's page caches, malloc's arenas, thread stacks).
  const memory = await new Promise<NodeJS.MemoryUsage & { spaces: Record<string, number> }>(
    (resolve) => {
      const heard = (m: { memory?: NodeJS.MemoryUsage & { spaces: Record<string, number> } }) => {
        if (!m.memory) return
        hub.off('message', heard)
        resolve(m.memory)
      }
      hub.on('message', heard)
      hub.send({ memory: true })
    },
  )
  const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(0)}`
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
  const kB = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024
  const { spaces } = memory
  if (process.env.BENCH_HEAP_SNAPSHOT) {
    hub.send({ snapshot: process.env.BENCH_HEAP_SNAPSHOT })
    await new Promise<void>((resolve) => hub.once('message', () => resolve()))
  }
  const space = (...names: string[]) => names.reduce((sum, name) => sum + (spaces[name] ?? 0), 0)
  const files = kB('Rss') - kB('Anonymous')
  log(
    `  of it now: RSS ${mib(memory.rss)} MiB: mapped files ${mib(files)}; ` +
      `V8 heap ${mib(memory.heapTotal)} (${mib(memory.heapUsed)} used; old ${mib(space('old_space'))}, ` +
      `large objects ${mib(space('large_object_space', 'new_large_object_space'))}, new ${mib(space('new_space'))}, ` +
      `code ${mib(space('code_space', 'code_large_object_space'))}); ` +
      `external ${mib(memory.external)} (${mib(memory.arrayBuffers)} array buffers); ` +
      `the rest ${mib(memory.rss - files - memory.heapTotal - memory.external)} (malloc: SQLite's page cache, thread arenas and stacks)`,
  )
}

// 3. A state change reaches the pages.
{
  const id = checkIdOf(Math.floor(CHECKS / 2) + 3)
  const started = performance.now()
  await new Promise<void>((resolve) => {
    const heard = (m: { flipped?: string }) => {
      if (m.flipped === id) {
        hub.off('message', heard)
        resolve()
      }
    }
    hub.on('message', heard)
    hub.send({ flip: id, status: 'down' })
  })
  const internal = await get(`/internal?state=down`)
  const shown = internal.body.toString().includes(`check-${id}`)
  log(
    `\na state change: /internal?state=down shows ${id} down ${shown ? 'on' : 'NOT on'} the next request, ` +
      `${(performance.now() - started).toFixed(0)} ms after the change`,
  )
}

// 4. 30-day availability of every check: one check at a time (a sample of 200, scaled
// to all), the figure before the list summed it; then every check at once, the list's
// `?window=30d` in pages of 500, with 50 checks' figures compared with their own answers
// read right after; and every check's 1 h and 24 h availability (pages of 500, no window).
{
  const own = async (id: string) => {
    const answer = await get(`/api/v1/checks/${id}/availability?window=30d`)
    if (answer.status !== 200) throw new Error(`availability: HTTP ${answer.status}`)
    const view = JSON.parse(answer.body.toString()) as Record<string, unknown>
    const { from, to, edgeGrain, availability } = view
    return { from, to, edgeGrain, availability }
  }
  const started = performance.now()
  const sample = Math.min(200, CHECKS)
  for (let i = 0; i < sample; i++) await own(checkIdOf(Math.floor((i * CHECKS) / sample)))
  const perCheck = (performance.now() - started) / sample
  log(
    `\n30-day availability one check at a time (/api/v1/checks/:id/availability?window=30d): ` +
      `${perCheck.toFixed(1)} ms a check, ${((perCheck * CHECKS) / 1000).toFixed(1)} s for all ${CHECKS}`,
  )
  const listed = new Map<string, unknown>()
  for (const window of ['30d', null]) {
    const from = performance.now()
    let cursor: string | null = null
    let bytes = 0
    let seen = 0
    do {
      const answer = await get(
        `/api/v1/checks?limit=500${window ? `&window=${window}` : ''}${cursor ? `&cursor=${cursor}` : ''}`,
      )
      if (answer.status !== 200)
        throw new Error(`list: HTTP ${answer.status} ${answer.body.toString().slice(0, 300)}`)
      const page = JSON.parse(answer.body.toString()) as {
        checks: Array<{ id: string; window?: unknown }>
        nextCursor: string | null
      }
      for (const check of page.checks) if (window) listed.set(check.id, check.window)
      seen += page.checks.length
      bytes += answer.plain
      cursor = page.nextCursor
    } while (cursor && performance.now() - from < ROUTE_LIMIT_MS * 5)
    const took = `${((performance.now() - from) / 1000).toFixed(2)} s, ${kib(bytes)}`
    if (!window) {
      log(
        `1 h and 24 h availability of ${seen} checks (/api/v1/checks?limit=500, every page): ${took}`,
      )
      continue
    }
    // The window moves with the clock: a figure read in another minute is not compared.
    let same = 0
    let other = 0
    let apart = 0
    for (let i = 0; i < Math.min(50, CHECKS); i++) {
      const id = checkIdOf(Math.floor((i * CHECKS) / 50))
      const a = JSON.stringify(await own(id))
      const b = JSON.stringify(listed.get(id))
      if (a === b) same += 1
      else if (JSON.parse(a).to !== (listed.get(id) as { to?: number } | undefined)?.to) apart += 1
      else other += 1
    }
    log(
      `30-day availability of ${seen} checks at once (/api/v1/checks?limit=500&window=30d, every page): ${took}; ` +
        `50 checks against their own answer: ${same} equal, ${other} different, ${apart} read in another minute`,
    )
  }
}

log(`\n${loadAverage()} now`)
hub.send({ close: true })
await new Promise((resolve) => hub.once('exit', resolve))
agent.destroy()
rmSync(workDir, { recursive: true, force: true })
if (entry.compiled) rmSync(dirname(entry.script), { recursive: true, force: true })
