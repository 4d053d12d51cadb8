/**
 * `npm run bench:storage [-- CHECKS [DAYS]]`: 90 simulated days (default) of CHECKS
 * checks (default 10) in 3 regions, every 60 s, through the real store in virtual time:
 * ResultStore (raw results and rollups), the state roller (time per state, SLI slices)
 * and the pruner with the default retention, run every simulated hour. Prints bytes per
 * check-region by table, rows per table, the time to prune, the steady state projected to
 * 13 months of hours, and ingest latency while the pruner works through a backlog.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ManualClock } from '../../lib/clock.ts'
import { openDatabase } from '../../hub/store/database.ts'
import { ResultStore } from '../../hub/store/result-store.ts'
import { StateRoller } from '../../hub/history/state-roller.ts'
import { StatusLog } from '../../hub/history/status-log.ts'
import { Pruner } from '../../hub/history/pruner.ts'
import { DEFAULT_RETENTION } from '../../hub/history/retention.ts'
import type { CheckResult } from '../../checks/result.ts'
import { benchResult, checkIdOf, latencyOf, seededRandom } from './history/sim-results.ts'
import { percentile } from './history/stats.ts'

const CHECKS = Number(process.argv[2] ?? 10)
const DAYS = Number(process.argv[3] ?? 90)
const REGIONS = ['eu-west', 'us-east', 'ap-south']
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const START = Date.UTC(2026, 0, 1)
const GOAL_BYTES = 500_000

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-storage-'))
const file = join(dir, 'hub.db')
const db = openDatabase(file)
const clock = new ManualClock(START)
const store = new ResultStore(db, { retention: () => DEFAULT_RETENTION })
const statusLog = new StatusLog(db)
const roller = new StateRoller({
  rollups: store.rollups,
  clock,
  onStatus: (checkId, status, at) => statusLog.record(checkId, status, at),
  writeChunk: Infinity,
})
const checks = Array.from({ length: CHECKS }, (_, i) => ({
  id: checkIdOf(i),
  tags: [],
  series: REGIONS,
}))
roller.setChecks(checks, () => ({
  status: 'up',
  regions: Object.fromEntries(REGIONS.map((r) => [r, 'passing'])),
}))
const pruner = new Pruner({
  db,
  retention: () => DEFAULT_RETENTION,
  clock,
  budgetMs: Infinity,
  batchRows: 5_000,
})
const random = seededRandom(12)
const base = checks.map(() => 50 + random() * 400)

console.log(
  `bench:storage  ${CHECKS} checks × ${REGIONS.length} regions every 60 s, ${DAYS} simulated days, default retention`,
)
const pruneMs: number[] = []
const outageUntil = new Map<string, number>()
const started = performance.now()
let results = 0
// Ten minutes go in at a time, as a probe's batches of a busy network would (the store
// folds them the same way); the roller closes those minutes, the pruner runs hourly.
const STEP = 10
let batch: CheckResult[] = []
for (let minute = 0; minute < DAYS * 24 * 60; minute++) {
  const at = START + minute * MIN
  // About one outage a week per check, 5 to 30 minutes long, seen by every region.
  checks.forEach((check, i) => {
    const until = outageUntil.get(check.id) ?? 0
    if (until <= at && random() < 1 / (7 * 24 * 60)) {
      outageUntil.set(check.id, at + (5 + Math.floor(random() * 25)) * MIN)
      clock.set(at + 20_000)
      roller.change({ checkId: check.id, series: null, state: 'down', at: at + 20_000 })
    } else if (until > 0 && until <= at) {
      outageUntil.delete(check.id)
      clock.set(at)
      roller.change({ checkId: check.id, series: null, state: 'up', at })
    }
    const down = (outageUntil.get(check.id) ?? 0) > at
    for (const region of REGIONS) {
      batch.push(
        benchResult(check.id, region, at + ((i * 997) % 50_000), down, latencyOf(random, base[i]!)),
      )
    }
  })
  if (minute % STEP !== STEP - 1) continue
  clock.set(at + 59_000)
  store.insert(batch)
  results += batch.length
  batch = []
  clock.set(at + MIN)
  roller.tick()
  if (minute % 60 === 59) {
    const t0 = performance.now()
    await pruner.run()
    pruneMs.push(performance.now() - t0)
  }
}
const simSeconds = (performance.now() - started) / 1000
db.pragma('wal_checkpoint(TRUNCATE)')

// Bytes per table from the page-level statistics, indexes counted with their table.
const INDEX_TABLE: Record<string, string> = {
  results_by_check: 'results',
  results_journal: 'results',
  sqlite_autoindex_result_names_1: 'result_names',
  status_changes_by_check: 'status_changes',
  status_changes_by_time: 'status_changes',
  rollup_days_open: 'rollup_days',
  rollup_days_sealed: 'rollup_days',
  sqlite_autoindex_rollup_checks_1: 'rollup_checks',
}
const bytes = new Map<string, number>()
for (const { name, size } of db
  .prepare<[], { name: string; size: number }>(
    'SELECT name, SUM(pgsize) AS size FROM dbstat GROUP BY name',
  )
  .all()) {
  const table = INDEX_TABLE[name] ?? name
  bytes.set(table, (bytes.get(table) ?? 0) + size)
}
const count = (table: string) =>
  db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n
const series = CHECKS * REGIONS.length
const HISTORY = ['rollup_minutes', 'rollup_days', 'rollup_checks', 'status_changes']
const RAW = ['results', 'latest_results', 'result_names']
const kb = (b: number) => `${(b / 1000).toFixed(1)} kB`
const rows: string[][] = [['table', 'rows', 'bytes', 'per check-region']]
let history = 0
let raw = 0
for (const table of [...HISTORY, ...RAW]) {
  const size = bytes.get(table) ?? 0
  if (HISTORY.includes(table)) history += size
  else raw += size
  // Raw results are stored in blocks (hub/store/result-blocks.ts): a row holds several.
  const rowCount =
    table === 'results'
      ? `${store.countRaw().toLocaleString('en-US')} in ${count(table).toLocaleString('en-US')} blocks`
      : count(table).toLocaleString('en-US')
  rows.push([table, rowCount, kb(size), kb(size / series)])
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
console.log(
  `\n${results.toLocaleString('en-US')} results stored in ${simSeconds.toFixed(0)} s of wall time\n`,
)
for (const r of rows)
  console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))

// Hour rollups reach steady state at 13 months: project from the bytes of a day row
// that still holds its hours, and of one reduced to its total.
const dayRows = count('rollup_days')
const hourBytes = bytes.get('rollup_days') ?? 0
const perDayRow = hourBytes / dayRows
const hoursKept = Math.round(DEFAULT_RETENTION.hourMs / DAY)
const reducedSample = db
  .prepare<[], { cells: Buffer }>('SELECT cells FROM rollup_days LIMIT 200')
  .all()
const { dayTotal } = await import('../../hub/history/rollup-pack.ts')
const reducedRatio =
  reducedSample.reduce((n, r) => n + dayTotal(r.cells).length, 0) /
  reducedSample.reduce((n, r) => n + r.cells.length, 0)
const rowsPerDay = dayRows / DAYS
const projectedHours = perDayRow * rowsPerDay * hoursKept
const projectedYearOfTotals = perDayRow * Math.max(reducedRatio, 0.15) * rowsPerDay * 365
const projectedHistory = history - hourBytes + projectedHours
console.log(`\nbytes per check-region (${series} check-regions):`)
console.log(`  history (rollups, status log)        ${kb(history / series)} after ${DAYS} days`)
console.log(
  `  history at steady state (13 months)  ${kb(projectedHistory / series)}   goal ≤ ${kb(GOAL_BYTES)}: ${projectedHistory / series <= GOAL_BYTES ? 'ok' : 'FAIL'}`,
)
console.log(`    + each further year of day totals  ${kb(projectedYearOfTotals / series)}`)
console.log(`  raw results (7 days) and latest      ${kb(raw / series)}`)
console.log(`  everything at steady state           ${kb((projectedHistory + raw) / series)}`)
console.log(
  `  raw bytes per result                 ${((bytes.get('results') ?? 0) / store.countRaw()).toFixed(0)} B (${(raw / store.countRaw()).toFixed(0)} B with latest results and names)`,
)

const sorted = [...pruneMs].sort((a, b) => a - b)
console.log(
  `\nprune runs (hourly, ${pruneMs.length}): p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
)

// Ingest while pruning: batches of 500 arrive every 50 ms (10,000 results/s), first with
// the pruner idle, then while it works through a backlog (raw retention cut to 4 days,
// so 3 days of raw results to delete) with its production settings, then idle again.
let t = clock.now()
function nextBatch(): CheckResult[] {
  const next: CheckResult[] = []
  for (let i = 0; i < 500; i++) {
    t += 120
    next.push(benchResult(checkIdOf(i % CHECKS), REGIONS[i % 3]!, t, false, 100))
  }
  return next
}
async function ingestLatency(
  ms: number,
  pruneFor: Pruner | null,
): Promise<{ latencies: number[]; deleted: number; longest: number }> {
  const batches = Array.from({ length: Math.ceil(ms / 50) }, nextBatch)
  const latencies: number[] = []
  let stop = false
  let deleted = 0
  let longest = 0
  const loop = (async () => {
    while (!stop && pruneFor) {
      deleted += (await pruneFor.run()).results ?? 0
      longest = Math.max(longest, pruneFor.longestBatchMs)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
  })()
  let due = performance.now()
  for (const next of batches) {
    due += 50
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    store.insert(next)
    latencies.push(performance.now() - due)
  }
  stop = true
  await loop
  return { latencies: latencies.sort((a, b) => a - b), deleted, longest }
}
await ingestLatency(2_000, null)
const quiet = await ingestLatency(5_000, null)
const backlog = new Pruner({
  db,
  retention: () => ({ ...DEFAULT_RETENTION, rawMs: 4 * DAY }),
  clock,
})
const busy = await ingestLatency(5_000, backlog)
const after = await ingestLatency(5_000, null)
const show = (l: number[]) =>
  `p50 ${percentile(l, 0.5).toFixed(1)} ms, p99 ${percentile(l, 0.99).toFixed(1)} ms, max ${l.at(-1)!.toFixed(1)} ms`
console.log(`\ningest of 500-result batches every 50 ms (due → committed):`)
console.log(`  pruner idle                   ${show(quiet.latencies)}`)
console.log(
  `  pruner deleting a backlog     ${show(busy.latencies)}  (${busy.deleted.toLocaleString('en-US')} raw rows deleted meanwhile)`,
)
console.log(`  pruner idle again             ${show(after.latencies)}`)
console.log(
  `  longest single prune batch    ${busy.longest.toFixed(1)} ms (the most it holds the database at once)`,
)
console.log('  (spikes while idle are WAL checkpoints, which run whatever the pruner does)')
db.close()
rmSync(dir, { recursive: true, force: true })
