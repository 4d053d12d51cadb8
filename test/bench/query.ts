/**
 * `npm run bench:query [-- CHECKS]`: seeds CHECKS checks (default 1,000) × 3 regions
 * with 90 days of rollups as the hub keeps them (minutes for the last 30 days, hours
 * for 90, days sealed), their state time and a few outages, into a file database; then
 * times the read paths through the real routes: the check list with its summary, one
 * check's 30-day history for a chart, and a 90-day availability. Prints p50/p95 each.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { validateMonitoring } from '../../checks/validate.ts'
import { openDatabase } from '../../hub/store/database.ts'
import { ResultStore } from '../../hub/store/result-store.ts'
import { IncidentStore } from '../../hub/incidents/incident-store.ts'
import { checkRoutes } from '../../hub/api/check-routes.ts'
import { emptyCell, type Cell } from '../../hub/history/rollup-cell.ts'
import { record } from '../../hub/history/latency-histogram.ts'
import { encodePack, sealPack, type Pack } from '../../hub/history/rollup-pack.ts'
import { OVERALL_SERIES } from '../../hub/history/rollup-schema.ts'
import { benchResult, checkIdOf, latencyOf, seededRandom } from './history/sim-results.ts'
import { percentile } from './history/stats.ts'

const CHECKS = Number(process.argv[2] ?? 1_000)
const REGIONS = ['eu-west', 'us-east', 'ap-south']
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 5, 1, 12, 0, 30)
const GOAL_MS = 50

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-query-'))
const db = openDatabase(join(dir, 'hub.db'))
const store = new ResultStore(db)
const incidents = new IncidentStore(db)
const random = seededRandom(7)
const outcome = validateMonitoring({
  defaults: { regions: REGIONS, every: '1m' },
  checks: Array.from({ length: CHECKS }, (_, i) => ({
    kind: 'http',
    id: checkIdOf(i),
    url: `https://s${i}.example.com/health`,
    tags: [`team-${i % 10}`],
  })),
})
if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
const checks = outcome.config.checks

function runCell(base: number, down: boolean): Cell {
  const cell = emptyCell()
  const ms = Math.round(latencyOf(random, base))
  cell[down ? 'down' : 'up'] = 1
  cell.durSum = cell.durMax = ms
  record(cell.hist, ms)
  cell.time[down ? 3 : 0] = MIN
  return cell
}

console.log(
  `bench:query  seeding ${CHECKS} checks × ${REGIONS.length} regions × 90 days of rollups ...`,
)
const seedStarted = performance.now()
const insertMinutes = db.prepare(
  'INSERT INTO rollup_minutes (hour_start, check_id, series, cells) VALUES (?, ?, ?, ?)',
)
const insertHours = db.prepare(
  'INSERT INTO rollup_days (day_start, check_id, series, cells, hours) VALUES (?, ?, ?, ?, ?)',
)
const firstDay = Math.floor((NOW - 90 * DAY) / DAY) * DAY
const minutesFrom = Math.floor((NOW - 30 * DAY) / HOUR) * HOUR
const seedCheck = db.transaction((index: number) => {
  const id = checkIdOf(index)
  const base = 50 + random() * 400
  // About one outage a fortnight, 3 to 40 minutes.
  const outages: [number, number][] = []
  for (let t = firstDay; t < NOW; t += 14 * DAY) {
    const from = t + Math.floor(random() * 14 * DAY)
    if (from < NOW)
      outages.push([from, Math.min(NOW, from + (3 + Math.floor(random() * 37)) * MIN)])
  }
  const downAt = (minute: number) => outages.some(([a, b]) => minute + MIN > a && minute < b)
  for (let day = firstDay; day < NOW; day += DAY) {
    const hours = new Map<string, Pack>()
    for (let h = 0; h < 24 && day + h * HOUR < NOW; h++) {
      const hourStart = day + h * HOUR
      const minutes = new Map<string, Pack>()
      for (const series of [...REGIONS, OVERALL_SERIES]) minutes.set(series, new Map())
      for (let m = 0; m < 60 && hourStart + m * MIN < NOW; m++) {
        const minute = hourStart + m * MIN
        const down = downAt(minute)
        for (const region of REGIONS) minutes.get(region)!.set(m, runCell(base, down))
        const overall = emptyCell()
        overall.time[down ? 3 : 0] = MIN
        minutes.get(OVERALL_SERIES)!.set(m, overall)
      }
      for (const [series, pack] of minutes) {
        const total = emptyCell()
        for (const cell of pack.values()) {
          total.up += cell.up
          total.down += cell.down
          total.durSum += cell.durSum
          total.durMax = Math.max(total.durMax, cell.durMax)
          for (const [b, n] of cell.hist) total.hist.set(b, (total.hist.get(b) ?? 0) + n)
          for (let i = 0; i < 7; i++) total.time[i]! += cell.time[i]!
          if (series === OVERALL_SERIES) {
            total.valid += 1
            if (cell.time[3]! > 0) total.bad += 1
          }
        }
        if (!hours.has(series)) hours.set(series, new Map())
        hours.get(series)!.set(h, total)
        if (hourStart >= minutesFrom)
          insertMinutes.run(hourStart, id, series, encodePack(pack, 'minutes'))
      }
    }
    const sealed = day + DAY <= NOW - DAY
    for (const [series, pack] of hours) {
      const dense = encodePack(pack, 'hours')
      insertHours.run(day, id, series, sealed ? sealPack(dense, 'hours') : dense, sealed ? 2 : 1)
    }
  }
  db.prepare('INSERT INTO rollup_checks (check_id, first_at) VALUES (?, ?)').run(id, firstDay)
  for (const [from, to] of outages) {
    const incidentId = incidents.open({
      checkId: id,
      at: from,
      regions: REGIONS.slice(0, 2),
      firstError: null,
    })
    if (to < NOW) incidents.resolve(incidentId, to)
  }
  store.insert(REGIONS.map((region) => benchResult(id, region, NOW - 30_000, false, base)))
})
for (let i = 0; i < CHECKS; i++) seedCheck(i)
db.pragma('wal_checkpoint(TRUNCATE)')
const size = statSync(join(dir, 'hub.db')).size
console.log(
  `seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s: ${(size / 1e6).toFixed(0)} MB, ${(store.rollups.tableRows().rollup_minutes ?? 0).toLocaleString('en-US')} minute rows, ${(store.rollups.tableRows().rollup_days ?? 0).toLocaleString('en-US')} day rows\n`,
)

const app = new Hono()
app.route(
  '/',
  checkRoutes({
    checks: () => checks,
    results: store,
    alertState: (checkId) => ({
      checkId,
      status: 'up',
      regions: Object.fromEntries(REGIONS.map((r) => [r, 'passing' as const])),
      failingRegions: [],
      since: NOW - DAY,
      incidentId: null,
    }),
    outages: (checkId, from, to) => incidents.outages(checkId, from, to),
    now: () => NOW,
  }),
)
app.onError((error, c) =>
  c.json({ error: error.message }, error instanceof HTTPException ? error.status : 500),
)

async function time(name: string, paths: () => string, runs: number): Promise<string[]> {
  const times: number[] = []
  const cpu: number[] = []
  let bytes = 0
  for (let i = 0; i < runs; i++) {
    const path = paths()
    const started = performance.now()
    const used = process.cpuUsage()
    const response = await app.request(path)
    const body = await response.text()
    times.push(performance.now() - started)
    const spent = process.cpuUsage(used)
    cpu.push((spent.user + spent.system) / 1000)
    bytes = body.length
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body}`)
  }
  times.sort((a, b) => a - b)
  cpu.sort((a, b) => a - b)
  const p95 = percentile(times, 0.95)
  return [
    name,
    `${percentile(times, 0.5).toFixed(1)} ms`,
    `${p95.toFixed(1)} ms`,
    `${percentile(cpu, 0.5).toFixed(1)} / ${percentile(cpu, 0.95).toFixed(1)} ms`,
    `${(bytes / 1000).toFixed(0)} kB`,
    p95 < GOAL_MS ? 'ok' : 'FAIL',
  ]
}

const pick = () => checkIdOf(Math.floor(random() * CHECKS))
const rows = [
  ['query', 'p50', 'p95', 'CPU p50 / p95', 'answer', `p95 < ${GOAL_MS} ms`],
  await time(
    'status summary: GET /api/v1/checks (first page of 50, counts of all)',
    () => '/api/v1/checks',
    200,
  ),
  await time(
    "a check's 30-day history: GET .../history?from=-30d (default step 6h, 120 buckets)",
    () => `/api/v1/checks/${pick()}/history?from=${NOW - 30 * DAY}&to=${NOW}`,
    200,
  ),
  await time(
    "a check's 30-day history: GET .../history?from=-30d&step=1h (720 buckets)",
    () => `/api/v1/checks/${pick()}/history?from=${NOW - 30 * DAY}&to=${NOW}&step=1h`,
    200,
  ),
  await time(
    'a 90-day availability: GET .../availability?window=90d',
    () => `/api/v1/checks/${pick()}/availability?window=90d`,
    200,
  ),
  await time(
    'a later page: GET /api/v1/checks?cursor=... (50 checks)',
    () => {
      const after = checkIdOf(Math.floor(random() * Math.max(1, CHECKS - 100)))
      return `/api/v1/checks?cursor=${Buffer.from(JSON.stringify({ after })).toString('base64url')}`
    },
    50,
  ),
]
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const r of rows)
  console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
db.close()
rmSync(dir, { recursive: true, force: true })
