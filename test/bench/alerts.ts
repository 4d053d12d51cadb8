/**
 * `npm run bench:alerts`: the alerting scenarios on a virtual-time simulator that
 * drives the hub's real alert engine, confirmation runs, dispatcher and probe alerts
 * (test/bench/alerts/). Notifications are counted where they leave the dispatcher.
 *
 * 1. full outage, 3 regions: time to the first notification (p50/p95 over 200 phases),
 *    also without confirmation runs and with one phase shared by all regions;
 * 2. one region with 5% random failures and one cut off (its probe online, then
 *    offline), 10 checks × 10,000 runs per region: check notifications (goal 0);
 * 3. a target toggling every 60 s for 2 hours: notifications (goal ≤ 4);
 * 4. a region that loses 50 checks at once, default quorum and quorum 1 (goal 1);
 * 5. a probe dies: check notifications (goal 0), probe notifications (goal 1).
 *
 * Then the engine's cost per result (engine-throughput.ts), which ingest pays for every
 * stored result.
 *
 * A report, not a gate: it exits 0 and marks each missed goal FAIL.
 */
import {
  FULL_SIZES,
  fullOutageScenario,
  noisyScenario,
  probeDiesScenario,
  regionLossScenario,
  togglingScenario,
} from './alerts/scenarios.ts'
import { measureEngineThroughput } from './alerts/engine-throughput.ts'
import { formatTable, type Row } from './alerts/table.ts'

const CHECKS_NOTE = '200 checks × 3 regions, 300,000 results, ~1 % down'

const scenarios: [name: string, run: () => Row[]][] = [
  ['full outage', () => fullOutageScenario(FULL_SIZES)],
  ['noisy + cut-off region', () => noisyScenario(FULL_SIZES)],
  ['toggling target', () => togglingScenario(FULL_SIZES)],
  ['region-wide loss', () => regionLossScenario(FULL_SIZES)],
  ['probe dies', () => probeDiesScenario()],
]

console.log('bench:alerts  virtual time, real engine + confirmations + dispatcher + probe alerts')
const rows: Row[] = []
for (const [name, run] of scenarios) {
  const started = performance.now()
  rows.push(...run())
  console.error(`  ${name}: ${((performance.now() - started) / 1_000).toFixed(1)} s wall`)
}
console.log(formatTable(rows))
const throughput = measureEngineThroughput()
console.log(
  `engine cost: ${throughput.microsPerResult.toFixed(2)} µs per result, ${throughput.perSecond.toLocaleString('en-US')} results/s on one thread (${CHECKS_NOTE})`,
)
const missed = rows.filter((row) => row.pass === false).length
console.log(missed ? `FAIL: ${missed} goal(s) missed` : 'all goals met')
