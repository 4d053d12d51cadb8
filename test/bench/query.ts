/**
 * `npm run bench:query [-- CHECKS]`: seeds CHECKS checks (default 1,000) × 3 regions
 * with 90 days of rollups as the hub keeps them (minutes for the last 30 days, hours
 * for 90, days sealed), their state time and a few outages, into a file database; then
 * times the read paths through the real routes: the check list with its summary (served
 * through the hub's read model, and from the stores as before it), one check's 30-day
 * history for a chart, and a 90-day availability. Prints p50/p95 each. Seeding shares
 * bench:status's seeder (history/seed-rollups.ts).
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
import { startReadModel } from '../../hub/views/read-model.ts'
import { silentLogger } from '../../lib/logger.ts'
import { seedRollups } from './history/seed-rollups.ts'
import { checkIdOf, seededRandom } from './history/sim-results.ts'
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

console.log(
  `bench:query  seeding ${CHECKS} checks × ${REGIONS.length} regions × 90 days of rollups ...`,
)
const seedStarted = performance.now()
db.pragma('synchronous = OFF')
seedRollups({
  db,
  store,
  incidents,
  checkIds: checks.map((check) => check.id),
  regions: REGIONS,
  now: NOW,
})
db.pragma('synchronous = NORMAL')
db.pragma('wal_checkpoint(TRUNCATE)')
const size = statSync(join(dir, 'hub.db')).size
console.log(
  `seeded in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s: ${(size / 1e6).toFixed(0)} MB, ${(store.rollups.tableRows().rollup_minutes ?? 0).toLocaleString('en-US')} minute rows, ${(store.rollups.tableRows().rollup_days ?? 0).toLocaleString('en-US')} day rows\n`,
)

const alertState = (checkId: string) => ({
  checkId,
  status: 'up' as const,
  regions: Object.fromEntries(REGIONS.map((r) => [r, 'passing' as const])),
  failingRegions: [],
  since: NOW - DAY,
  incidentId: null,
})
// The hub's read model, as the hub serves the list: loaded once, answers kept.
const loadStarted = performance.now()
const readModel = startReadModel({
  db,
  config: () => outcome.config,
  results: store,
  incidents,
  alertState,
  clock: { now: () => NOW },
  logger: silentLogger(),
})
await readModel.ready()
console.log(`read model loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s\n`)

const app = new Hono()
for (const [prefix, model] of [
  ['', readModel],
  ['/stores', undefined],
] as const) {
  const routes = checkRoutes({
    checks: () => checks,
    results: store,
    alertState,
    outages: (checkId, from, to) => incidents.outages(checkId, from, to),
    now: () => NOW,
    readModel: model,
  })
  app.route(prefix || '/', routes)
}
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
    'the same from the stores, without the read model (as before it)',
    () => '/stores/api/v1/checks',
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
await readModel.close()
db.close()
rmSync(dir, { recursive: true, force: true })
