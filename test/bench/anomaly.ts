/**
 * `npm run bench:anomaly`: the hub's latency watch, alert engine and dispatcher in
 * virtual time (test/bench/anomaly/), fed latencies like a probe's: per-region network
 * time with a daily cycle and retransmissions, plus the jitter measured against a
 * loopback target on this machine with the real HTTP runner. Every check runs every
 * 60 s in three regions.
 *
 * 1. +100 % p50 step in every region: the ticket within 5 runs;
 * 2. +30 % step: within 15 runs;
 * 3. a normal week after a week of history: at most 1 false ticket per check;
 * 4. +100 % in one region only: that region degraded (within 5 runs), no ticket.
 *
 * Scenarios 2 and 3 run again with 15 % network jitter instead of 5 %, for comparison.
 *
 * A report, not a gate: it exits 0 and marks each missed goal FAIL.
 */
import { formatTable, type Row } from './alerts/table.ts'
import { measureLoopbackJitter } from './anomaly/loopback-jitter.ts'
import { FULL_SIZES, quietScenario, stepScenario } from './anomaly/scenarios.ts'
import { REGIONS } from './anomaly/latency-series.ts'

/** The same with three times the network jitter: shown, not a goal of the issue. */
const NOISY = { ...FULL_SIZES, spread: 0.15 }

console.log('bench:anomaly  virtual time, real latency watch + engine + dispatcher')
const started = performance.now()
const jitter = await measureLoopbackJitter(300)
const sorted = [...jitter].sort((a, b) => a - b)
const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(2)
console.log(
  `loopback jitter over the fastest of ${jitter.length} HTTP runs: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms`,
)

const scenarios: [string, () => Row[]][] = [
  ['+100 %', () => stepScenario('+100 % p50, every region', 2, REGIONS, jitter, FULL_SIZES, 5)],
  ['+30 %', () => stepScenario('+30 % p50, every region', 1.3, REGIONS, jitter, FULL_SIZES, 15)],
  ['normal week', () => quietScenario(jitter, FULL_SIZES)],
  [
    '+30 % noisy',
    () => stepScenario('+30 % p50, 15 % network jitter', 1.3, REGIONS, jitter, NOISY, null),
  ],
  ['noisy week', () => quietScenario(jitter, NOISY)],
  [
    'one region',
    () => stepScenario('+100 % p50, us-east only', 2, ['us-east'], jitter, FULL_SIZES, 5),
  ],
]
const rows: Row[] = []
for (const [name, run] of scenarios) {
  const t0 = performance.now()
  rows.push(...run())
  console.error(`  ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall`)
}
console.log(formatTable(rows))
const missed = rows.filter((row) => row.pass === false).length
console.log(missed ? `FAIL: ${missed} goal(s) missed` : 'all goals met')
console.error(`  ${((performance.now() - started) / 1000).toFixed(1)} s wall in all`)
