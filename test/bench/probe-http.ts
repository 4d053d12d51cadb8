/**
 * `npm run bench:probe-http [-- N]`: N HTTP checks (default 2,000) through Vantage's
 * real runner (`runCheck` -> http runner: phase timings, a fresh connection per run)
 * and, when prometheus-blackbox-exporter is installed, N probes of the same target
 * through it, with the ratio of CPU per check.
 *
 * How the CPU is measured, so that each figure is one prober's own work:
 * - the target is a keep-alive HTTP server on 127.0.0.1 in a child process, so its
 *   CPU counts for neither side;
 * - Vantage: process.cpuUsage() of this process while only Vantage runs;
 * - blackbox_exporter: utime+stime of its process from /proc/<pid>/stat while only it
 *   runs; the CPU this process spends calling its /probe endpoint counts for neither.
 * Both use the same concurrency and an untimed warm-up, and they take turns in
 * rounds, so that a background load on the machine weighs on both alike.
 * Loopback only; each round is bounded by its count and a deadline.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startBlackbox } from './blackbox.ts'
import type { Prober } from './prober.ts'
import { startVantageProber } from './vantage-prober.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 2_000)
/** Checks in flight at once, for both probers: a busy probe, not a load test. */
const CONCURRENCY = 8
/**
 * Untimed checks first, for both: a probe runs for days, so its steady state is the
 * figure that matters, and V8 needs about a thousand runs to optimise the hot path.
 */
const WARMUP = 1_000
const ROUNDS = 4
/** A round stops starting checks after this long rather than hang on a stuck prober. */
const ROUND_DEADLINE_MS = 60_000
const BLACKBOX_BIN = process.env.BLACKBOX_BIN ?? '/usr/bin/prometheus-blackbox-exporter'
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))
const TARGET_SCRIPT = fileURLToPath(new URL('./http-target.ts', import.meta.url))

if (!Number.isInteger(TOTAL) || TOTAL < ROUNDS) {
  console.error(`usage: npm run bench:probe-http [-- N]   (N >= ${ROUNDS} checks, got "${TOTAL}")`)
  process.exit(2)
}

interface Totals {
  done: number
  notUp: number
  elapsedMs: number
  cpuMs: number
}

/** Runs `count` checks, `CONCURRENCY` at a time, until done or past the deadline. */
async function bounded(prober: Prober, count: number): Promise<{ done: number; notUp: number }> {
  const deadline = Date.now() + ROUND_DEADLINE_MS
  let started = 0
  let notUp = 0
  const worker = async () => {
    while (started < count && Date.now() < deadline) {
      started += 1
      if (!(await prober.once())) notUp += 1
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return { done: started, notUp }
}

async function round(prober: Prober, count: number, totals: Totals): Promise<void> {
  const cpuBefore = prober.cpuMs()
  const started = performance.now()
  const { done, notUp } = await bounded(prober, count)
  totals.elapsedMs += performance.now() - started
  totals.cpuMs += prober.cpuMs() - cpuBefore
  totals.done += done
  totals.notUp += notUp
}

function startTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [RUN_TS, TARGET_SCRIPT], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('target did not start in 30 s')), 30_000)
    child.once('exit', (code) => reject(new Error(`target exited with ${code}`)))
    child.once('message', (message: { url: string }) => {
      clearTimeout(timer)
      resolve({ child, url: `${message.url}/` })
    })
  })
}

function targetConnections(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message: { stats: { connections: number } }) =>
      resolve(message.stats.connections),
    )
    child.send('stats')
  })
}

/** utime + stime of a process in ms, from /proc/<pid>/stat (fields 14 and 15). */
function processCpuMs(pid: number, ticksPerSecond: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces; the fields after its ')' do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1_000) / ticksPerSecond
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
}

function line(name: string, totals: Totals): string {
  const rate = Math.round(totals.done / (totals.elapsedMs / 1_000)).toLocaleString('en-US')
  const perCheck = totals.cpuMs / totals.done
  return (
    `  ${name.padEnd(10)} ${totals.done} checks (${totals.notUp} not up) in ${(totals.elapsedMs / 1_000).toFixed(2)} s: ` +
    `${rate} checks/s, CPU ${perCheck.toFixed(3)} ms/check (${Math.round(totals.cpuMs)} ms CPU)`
  )
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-http-'))
const target = await startTarget()
const probers: Prober[] = []
try {
  console.log(
    `bench:probe-http  ${TOTAL} HTTP checks per prober, ${CONCURRENCY} at a time, a fresh connection per check,`,
  )
  console.log(
    `                  against ${target.url} (keep-alive target in its own process);` +
      ` ${WARMUP} untimed warm-up checks each, then ${ROUNDS} alternating rounds`,
  )
  const ticks = clockTicks()
  const vantage = startVantageProber(target.url)
  probers.push(vantage)
  const blackbox = existsSync(BLACKBOX_BIN)
    ? await startBlackbox({
        bin: BLACKBOX_BIN,
        dir,
        target: target.url,
        concurrency: CONCURRENCY,
        cpuMs: (pid) => processCpuMs(pid, ticks),
      })
    : undefined
  if (blackbox) probers.push(blackbox)

  for (const prober of probers) await bounded(prober, WARMUP)
  const vantageTotals: Totals = { done: 0, notUp: 0, elapsedMs: 0, cpuMs: 0 }
  const blackboxTotals: Totals = { done: 0, notUp: 0, elapsedMs: 0, cpuMs: 0 }
  const connectionsBefore = await targetConnections(target.child)
  let vantageConnections = 0
  for (let index = 0; index < ROUNDS; index += 1) {
    const count = Math.floor(TOTAL / ROUNDS) + (index < TOTAL % ROUNDS ? 1 : 0)
    const before = await targetConnections(target.child)
    await round(vantage, count, vantageTotals)
    vantageConnections += (await targetConnections(target.child)) - before
    if (blackbox) await round(blackbox, count, blackboxTotals)
  }
  const blackboxConnections =
    (await targetConnections(target.child)) - connectionsBefore - vantageConnections

  console.log(line('vantage', vantageTotals))
  console.log(
    `             ${vantageConnections} TCP connections; ${vantage.withoutPhases()} of ${WARMUP + vantageTotals.done} results without phase timings`,
  )
  if (!blackbox) {
    console.log(
      `  blackbox   not installed (${BLACKBOX_BIN}; Debian: apt-get install prometheus-blackbox-exporter): no ratio`,
    )
  } else {
    console.log(line('blackbox', blackboxTotals))
    console.log(`             ${blackboxConnections} TCP connections`)
    const ratio =
      vantageTotals.cpuMs / vantageTotals.done / (blackboxTotals.cpuMs / blackboxTotals.done)
    console.log(
      `  ratio      ${ratio.toFixed(2)}  (Vantage CPU per check / blackbox_exporter CPU per check; goal <= 1.0)`,
    )
  }
} finally {
  for (const prober of probers) await prober.close()
  target.child.disconnect()
  rmSync(dir, { recursive: true, force: true })
}
