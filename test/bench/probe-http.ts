/**
 * `npm run bench:probe-http [-- CHECKS]`: the CPU a whole Vantage probe spends per HTTP
 * check, next to prometheus-blackbox-exporter's for the same probes, and how late the
 * probe's scheduled runs start.
 *
 * - Vantage: a `vantage probe` process (the compiled build when there is one) runs
 *   CHECKS HTTP checks (default 1,000) every 10 s on its own schedule, with everything a
 *   probe does per result: scheduler, runner, outbox, publisher, MQTT to a real broker
 *   (Mosquitto), acks from a stand-in hub (bench-hub.ts) that does nothing else.
 * - blackbox_exporter: the Debian binary probes the same target through its /probe
 *   endpoint at the same rate, as Prometheus would scrape that many targets.
 * Each prober's CPU is its own process's utime + stime from /proc/<pid>/stat, so the
 * target (a keep-alive HTTP server in its own process), the broker and this process
 * count for neither. Both open a fresh connection per check. Both get an untimed
 * warm-up and then take turns in rounds (the probe drained between its own), so a
 * background load on the machine weighs on both alike. Loopback only, bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { startBlackbox } from './blackbox.ts'
import { percentile, processRssMiB } from './proc-stats.ts'
import type { Prober, Round } from './prober.ts'
import { startVantageProber } from './vantage-prober.ts'

const CHECKS = Number(process.argv[2] ?? process.env.BENCH_CHECKS ?? 1_000)
const EVERY = '10s'
const PER_SECOND = CHECKS / 10
/** Untimed first, for both: V8 optimises the hot path over the first thousand runs. */
const WARMUP_MS = 20_000
const ROUNDS = 4
const ROUND_MS = 12_000
const BLACKBOX_BIN = process.env.BLACKBOX_BIN ?? '/usr/bin/prometheus-blackbox-exporter'
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))
const TARGET_SCRIPT = fileURLToPath(new URL('./http-target.ts', import.meta.url))
/** Scheduled runs should start within this of their second (the lateness goal). */
const LATENESS_GOAL_MS = 50

if (!Number.isInteger(CHECKS) || CHECKS < 10) {
  console.error(`usage: npm run bench:probe-http [-- CHECKS]   (CHECKS >= 10, got "${CHECKS}")`)
  process.exit(2)
}
if (!mosquittoWorks()) {
  console.error('bench:probe-http needs Mosquitto for the probe (apt-get install mosquitto)')
  process.exit(2)
}

interface Totals extends Round {
  elapsedMs: number
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

async function round(prober: Prober, totals: Totals): Promise<void> {
  const { done, notUp, cpuMs } = await prober.round(ROUND_MS)
  totals.elapsedMs += ROUND_MS
  totals.done += done
  totals.notUp += notUp
  totals.cpuMs += cpuMs
}

function line(name: string, totals: Totals): string {
  const rate = Math.round(totals.done / (totals.elapsedMs / 1_000)).toLocaleString('en-US')
  return (
    `  ${name.padEnd(10)} ${totals.done} checks (${totals.notUp} not up), ${rate} checks/s: ` +
    `CPU ${(totals.cpuMs / totals.done).toFixed(3)} ms/check (${Math.round(totals.cpuMs)} ms CPU)`
  )
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-http-'))
const target = await startTarget()
const probers: Prober[] = []
let broker: Mosquitto | undefined
try {
  console.log(
    `bench:probe-http  ${CHECKS} HTTP checks every ${EVERY} (${PER_SECOND} checks/s), a fresh connection per check,`,
  )
  console.log(
    `                  against ${target.url} (keep-alive target in its own process);` +
      ` ${WARMUP_MS / 1_000} s untimed warm-up each, then ${ROUNDS} alternating rounds of ${ROUND_MS / 1_000} s`,
  )
  broker = await startMosquitto('set_tcp_nodelay true')
  const vantage = await startVantageProber({
    brokerUrl: broker.url,
    dir,
    target: target.url,
    checks: CHECKS,
    every: EVERY,
  })
  probers.push(vantage)
  const blackbox = existsSync(BLACKBOX_BIN)
    ? await startBlackbox({ bin: BLACKBOX_BIN, dir, target: target.url, perSecond: PER_SECOND })
    : undefined
  if (blackbox) probers.push(blackbox)
  console.log(
    `  vantage    a whole probe process (${vantage.probe.compiled ? 'compiled dist/' : 'TypeScript through tsx: run `npm run build` for the production figure'}), pid ${vantage.probe.pid}`,
  )

  for (const prober of probers) await prober.round(WARMUP_MS)
  vantage.measured().length = 0
  const vantageTotals: Totals = { done: 0, notUp: 0, cpuMs: 0, elapsedMs: 0 }
  const blackboxTotals: Totals = { done: 0, notUp: 0, cpuMs: 0, elapsedMs: 0 }
  let vantageConnections = 0
  let blackboxConnections = 0
  for (let index = 0; index < ROUNDS; index += 1) {
    let before = await targetConnections(target.child)
    await round(vantage, vantageTotals)
    vantageConnections += (await targetConnections(target.child)) - before
    if (blackbox) {
      before = await targetConnections(target.child)
      await round(blackbox, blackboxTotals)
      blackboxConnections += (await targetConnections(target.child)) - before
    }
  }

  console.log(line('vantage', vantageTotals))
  const lateness = vantage
    .measured()
    .filter((result) => result.trigger === 'schedule')
    .map((result) => result.latenessMs)
    .sort((a, b) => a - b)
  const p99 = percentile(lateness, 99)
  console.log(
    `             ${vantageConnections} TCP connections; RSS ${processRssMiB(vantage.probe.pid).now.toFixed(0)} MiB, peak ${processRssMiB(vantage.probe.pid).peak.toFixed(0)} MiB`,
  )
  console.log(
    `             scheduling lateness of ${lateness.length} runs: p50 ${percentile(lateness, 50)} ms, ` +
      `p99 ${p99} ms, max ${lateness.at(-1)} ms (goal: p99 < ${LATENESS_GOAL_MS} ms)`,
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
      `  ratio      ${ratio.toFixed(2)}  (whole-probe CPU per check / blackbox_exporter CPU per check; goal <= 1.0)`,
    )
  }
} finally {
  for (const prober of probers) await prober.close()
  await broker?.stop()
  target.child.disconnect()
  rmSync(dir, { recursive: true, force: true })
}
