/**
 * `npm run bench:status [-- ROUNDS]`: a status page of 1,000 checks with 90 days of
 * history, built and rendered through the hub's HTTP app on real SQLite stores.
 *
 * Seeds 1,000 checks, a first result for each 91 days back, and about a confirmed
 * outage per check every ten days (some overlapping within a component), kept as the hub
 * keeps them: time per quorum verdict in the rollups (hub/history/), read by the pages
 * through the history reader, and the outages themselves for overlaps. Then asks for
 * the page ROUNDS times (default 200), each time without the model cache, and prints
 * p50/p95 of the whole request (model, history, render, gzip) and the bytes sent:
 *
 * - `page-20`: 20 components of 50 checks each (the 100 KB budget is for 20 × 90 bars);
 * - `page-200`: 200 components of 5 checks each;
 * - the v2 summary JSON and a badge, for scale.
 *
 * Bounded by ROUNDS; everything is in memory and goes away with the process.
 */
import { cpus, loadavg } from 'node:os'
import { validateMonitoring } from '../../checks/validate.ts'
import { createApp } from '../../hub/api/app.ts'
import { OVERALL_SERIES } from '../../hub/history/rollup-schema.ts'
import { IncidentStore } from '../../hub/incidents/incident-store.ts'
import { startStatusPages } from '../../hub/statuspages/wiring.ts'
import { openDatabase } from '../../hub/store/database.ts'
import { ResultStore } from '../../hub/store/result-store.ts'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { makeResult } from '../fixtures/results.ts'

const ROUNDS = Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 200)
const CHECKS = 1_000
const DAY = 86_400_000
const NOW = Date.UTC(2026, 5, 30, 15, 0)

/** A fixed-seed generator, so two runs seed the same history. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

function page(slug: string, components: number) {
  const per = CHECKS / components
  return {
    slug,
    title: `Bench ${components} components`,
    components: Array.from({ length: components }, (_, c) => ({
      name: `Service ${c + 1}`,
      description: `Backed by ${per} checks`,
      checks: Array.from({ length: per }, (_, i) => `check-${c * per + i}`),
    })),
    groups: [
      { name: 'First group', components: [`service-1`, `service-2`] },
      { name: 'Second group', components: [`service-3`], collapsed: true },
    ],
  }
}

const outcome = validateMonitoring({
  project: 'Bench',
  defaults: { regions: ['eu', 'us', 'ap'] },
  checks: Array.from({ length: CHECKS }, (_, i) => ({
    kind: 'http',
    id: `check-${i}`,
    url: `https://svc-${i}.example.com/health`,
  })),
  statusPages: [page('page-20', 20), page('page-200', 200)],
})
if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
const config = outcome.config

const clock = new ManualClock(NOW - 91 * DAY)
const db = openDatabase(':memory:')
const results = new ResultStore(db)
const incidents = new IncidentStore(db)

const seedStarted = performance.now()
const rand = random(42)
results.insert(
  config.checks.map((check) => makeResult({ checkId: check.id, scheduledAt: NOW - 91 * DAY })),
)
let outages = 0
// The hub's rollups, as its state roller writes them: time per quorum verdict. One
// sample an hour keeps seeding quick; pages read days and hours, never minutes.
const HOUR = 3_600_000
const OVERALL = OVERALL_SERIES
for (const check of config.checks) {
  const spans: Array<[number, number]> = []
  for (let day = 0; day < 90; day += 1) {
    if (rand() > 0.1) continue
    const at = NOW - (90 - day) * DAY + Math.floor(rand() * DAY)
    const end = at + Math.floor(1 + rand() * 90) * 60_000
    const id = incidents.open({
      kind: 'down',
      checkId: check.id,
      at,
      regions: ['eu', 'us'],
      firstError: null,
    })
    incidents.resolve(id, end)
    spans.push([at, end])
    outages += 1
  }
  const samples = []
  for (let hour = Math.floor((NOW - 91 * DAY) / HOUR) * HOUR; hour < NOW; hour += HOUR) {
    const down = spans.reduce(
      (sum, [a, b]) => sum + Math.max(0, Math.min(b, hour + HOUR, NOW) - Math.max(a, hour)),
      0,
    )
    const length = Math.min(HOUR, NOW - hour)
    const time = [length - down, 0, 0, down, 0, 0, 0]
    samples.push({
      checkId: check.id,
      series: OVERALL,
      minute: hour,
      time,
      valid: true,
      bad: down > 0,
    })
  }
  results.rollups.addTime(samples)
}
clock.set(NOW)
const seedMs = performance.now() - seedStarted

const pages = startStatusPages({
  db,
  config: () => config,
  results,
  incidents,
  engine: {
    state: (checkId) => ({
      checkId,
      status: checkId.endsWith('7') ? 'degraded' : 'up',
      regions: {},
      failingRegions: [],
      since: null,
      incidentId: null,
    }),
  },
  silences: { inMaintenance: () => false, maintenanceWindows: () => [] },
  clock,
  logger: silentLogger(),
  publicUrl: 'https://status.example.com',
  historyReader: results.history,
})
const app = createApp({
  project: () => config.project,
  checks: () => config.checks,
  results,
  alertState: () => {
    throw new Error('not read by the pages')
  },
  outages: (id, from, to) => incidents.outages(id, from, to),
  probes: () => [],
  health: () => ({ ok: true }),
  now: () => clock.now(),
  statusPages: pages.app,
})

/**
 * The first request after a start reads 90 days of every check; later ones reuse the
 * finished days (hub/statuspages/cached-history.ts) and compute today, the states and
 * the page. Both are printed; the clock moves a second a request, as with live visitors,
 * so today's bucket is read again every 30 s inside a request, as on a hub with no
 * status-page pass to keep it warm (the hub's pass every 5 s usually does).
 */
async function measure(path: string) {
  const times: number[] = []
  const cpu: number[] = []
  let bytes = 0
  let cold = 0
  pages.history.clear()
  for (let round = 0; round <= ROUNDS; round += 1) {
    pages.pages.changed()
    clock.advance(1_000)
    const started = performance.now()
    const cpuStarted = process.cpuUsage()
    const response = await app.request(path, { headers: { 'accept-encoding': 'gzip' } })
    const body = Buffer.from(await response.arrayBuffer())
    const took = performance.now() - started
    const used = process.cpuUsage(cpuStarted)
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`)
    if (round === 0) cold = took
    else {
      times.push(took)
      cpu.push((used.user + used.system) / 1000)
    }
    bytes = body.length
  }
  const pick = (list: number[], q: number) => {
    const sorted = [...list].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!
  }
  return {
    p50: pick(times, 0.5),
    p95: pick(times, 0.95),
    cpu50: pick(cpu, 0.5),
    cpu95: pick(cpu, 0.95),
    cold,
    bytes,
  }
}

const rows: string[] = []
for (const path of [
  '/status/page-20',
  '/status/page-200',
  '/status/page-20/api/v2/summary.json',
  '/status/page-20/badges/uptime-90d.svg',
]) {
  const m = await measure(path)
  const plain = (await (await app.request(path)).arrayBuffer()).byteLength
  rows.push(
    `${path.padEnd(40)} p50 ${m.p50.toFixed(1).padStart(6)} ms   p95 ${m.p95.toFixed(1).padStart(6)} ms   ` +
      `cpu p50 ${m.cpu50.toFixed(1).padStart(5)} p95 ${m.cpu95.toFixed(1).padStart(5)} ms   ` +
      `cold ${m.cold.toFixed(0).padStart(5)} ms   ` +
      `${(m.bytes / 1024).toFixed(1).padStart(6)} KiB gzip (${(plain / 1024).toFixed(0)} KiB plain)`,
  )
}

process.stdout.write(
  `status pages: ${CHECKS} checks, 90 days, ${outages} outages seeded in ${(seedMs / 1000).toFixed(1)} s; ` +
    `${ROUNDS} requests each without the page cache (states, history, render, gzip), after a cold one\n` +
    `${rows.join('\n')}\n` +
    `goals: page-20 p95 < 50 ms and under 100 KiB gzip (the page has no other assets)\n` +
    `wall times include waiting for a busy machine; cpu is this process's own work per request\n` +
    `load average now: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores\n`,
)
await pages.close()
db.close()
