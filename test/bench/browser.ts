/**
 * `npm run bench:browser [-- N]`: browser checks through the probe's own pool and
 * runner, against a loopback page: runs per minute and p50/p95 run duration for a
 * one-page check and a three-step flow, the peak RSS of the probe (this process,
 * whose threads run the pool) plus its Chromium tree, and the same one-page journey as
 * a bare Playwright script (one browser, a new context per run, in its own process) as
 * the baseline, with the ratio of time per run. The memory is sampled in a process of its
 * own (browser-memory-sampler.ts), so that sampling weighs on the probe and the baseline alike.
 *
 * The target runs in its own process, and so does the baseline. The probe and the
 * baseline take turns run by run (N one-page runs each, default 60), so that a
 * background load on a shared machine weighs on both alike; both run one journey at a
 * time, so time per run is their cost per run. Then N runs of the three-step flow, and
 * N runs of the one-page check two at a time, as a probe with two slots runs them.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCheck } from '../../checks/run-check.ts'
import type { BrowserSpec } from '../../checks/specs/browser.ts'
import { chromiumArgs, findChromium } from '../../probe/browser/find-chromium.ts'
import { browserCheck, startTestPool } from '../fixtures/browser-checks.ts'

const TOTAL = Number(process.argv[2] ?? process.env.BENCH_N ?? 60)
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url))
const TARGET = fileURLToPath(new URL('./browser-target-process.ts', import.meta.url))
const BARE = fileURLToPath(new URL('./browser-bare.mjs', import.meta.url))
const SAMPLER = fileURLToPath(new URL('./browser-memory-sampler.ts', import.meta.url))
const MIB = 1_048_576
/** Far above a journey's few seconds: only a dead or stuck baseline takes this long. */
const BARE_DEADLINE_MS = 120_000

if (!Number.isInteger(TOTAL) || TOTAL < 4) {
  console.error(`usage: npm run bench:browser [-- N]   (N >= 4 runs, got "${TOTAL}")`)
  process.exit(2)
}
const found = findChromium()
if (!found.ok) {
  console.error(`bench:browser: ${found.reason}`)
  process.exit(1)
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** The baseline's process: `run()` makes it run one journey and gives its duration. */
async function startBare(url: string): Promise<{ run(): Promise<number>; stop(): void }> {
  const child = spawn(process.execPath, [BARE, found.ok ? found.location.path : '', url], {
    env: { ...process.env, BARE_ARGS: JSON.stringify(chromiumArgs()) },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  // A baseline whose browser died would leave the bench waiting for ever: each answer has a deadline.
  const next = async () => {
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the baseline did not answer within ${BARE_DEADLINE_MS} ms`)),
        BARE_DEADLINE_MS,
      )
    })
    const line = await Promise.race([lines.next(), deadline]).finally(() => clearTimeout(timer))
    if (line.done) throw new Error('the baseline process ended')
    return line.value
  }
  if ((await next()) !== 'ready') throw new Error('the baseline did not start')
  return {
    async run() {
      child.stdin!.write('run\n')
      return Number(await next())
    },
    // Its stdin closed ends its loop and it exits; SIGTERM alone (which Playwright takes to
    // close the browser) left it, and so the bench, waiting on stdin for ever.
    stop: () => {
      child.stdin!.end()
      child.kill('SIGTERM')
    },
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vantage-bench-browser-'))
// A pipe on stdin: the target ends when this process does, however it ends.
const targetProcess = spawn(process.execPath, [RUN_TS, TARGET], {
  stdio: ['pipe', 'pipe', 'inherit'],
})
const url = await new Promise<string>((resolve) =>
  targetProcess.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
)
const test = await startTestPool(join(dir, 'work'), { concurrency: 2 })

// RSS counts a page shared by several processes in each of them (Chromium's processes
// share much), so the memory really used is the PSS; both are printed. Sampled in a process
// of its own (browser-memory-sampler.ts), told the browser's pid as the pool replaces it.
const sampler = spawn(process.execPath, [RUN_TS, SAMPLER, String(process.pid)], {
  stdio: ['pipe', 'pipe', 'inherit'],
})
const peaks = createInterface({ input: sampler.stdout! })[Symbol.asyncIterator]().next()
let toldPid: number | undefined
const tellPid = setInterval(() => {
  const pid = test.pool.stats().browserPid
  if (pid && pid !== toldPid) sampler.stdin!.write(`${pid}\n`)
  toldPid = pid
}, 200)

try {
  const onePage = await browserCheck(
    dir,
    'one-page',
    `export default async ({ page, expect }) => {
      await page.goto('${url}/')
      await expect(page.getByRole('heading')).toHaveText('Welcome')
    }`,
  )
  const flow = await browserCheck(
    dir,
    'flow',
    `export default async ({ page, expect, step }) => {
      await step('open the home page', () => page.goto('${url}/'))
      await step('log in', async () => {
        await page.getByRole('link', { name: 'Log in' }).click()
        await page.getByLabel('Username').fill('demo')
        await page.getByLabel('Password').fill('s3cret')
        await page.getByRole('button', { name: 'Log in' }).click()
      })
      await step('see the account', () => expect(page.getByRole('heading')).toHaveText('Hello, demo'))
    }`,
  )
  const run = async (spec: BrowserSpec): Promise<number> => {
    const result = await runCheck(spec, {
      probeId: 'bench',
      region: 'local',
      configVersion: 'bench',
      scheduledAt: Date.now(),
      trigger: 'schedule',
      browser: test.pool,
    })
    if (result.status !== 'up') {
      throw new Error(`${spec.id} was ${result.status}: ${result.error?.message ?? ''}`)
    }
    return result.durationMs
  }
  const series = async (spec: BrowserSpec, count: number, parallel = 1) => {
    const durations: number[] = []
    const started = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < count) {
          next += 1
          durations.push(await run(spec))
        }
      }),
    )
    return { durations, elapsedMs: performance.now() - started }
  }

  // Untimed warm-up: both run workers started, scripts compiled, the browser's caches filled.
  await series(onePage, 4, 2)
  await series(flow, 2)

  const baseline = await startBare(`${url}/`)
  const probeOne = { durations: [] as number[], elapsedMs: 0 }
  const bareOne = { durations: [] as number[], elapsedMs: 0 }
  try {
    for (let i = 0; i < TOTAL; i++) {
      const started = performance.now()
      probeOne.durations.push(await run(onePage))
      probeOne.elapsedMs += performance.now() - started
      const bareMs = await baseline.run()
      bareOne.durations.push(bareMs)
      bareOne.elapsedMs += bareMs
    }
  } finally {
    baseline.stop()
  }
  const probeFlow = await series(flow, TOTAL)
  const parallel = await series(onePage, TOTAL, 2)

  const line = (name: string, totals: { durations: number[]; elapsedMs: number }) => {
    const sorted = [...totals.durations].sort((a, b) => a - b)
    const perMinute = (totals.durations.length / totals.elapsedMs) * 60_000
    return `  ${name.padEnd(26)} ${String(totals.durations.length).padStart(4)} runs  ${perMinute.toFixed(1).padStart(6)} runs/min  p50 ${percentile(sorted, 50).toFixed(0).padStart(5)} ms  p95 ${percentile(sorted, 95).toFixed(0).padStart(5)} ms`
  }
  const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
  const medianOf = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    )
  clearInterval(tellPid)
  sampler.stdin!.end()
  const peaksLine = await peaks
  const { peakRss, peakPss } = JSON.parse(peaksLine.done ? '{}' : peaksLine.value) as {
    peakRss: number
    peakPss: number
  }
  const ratio = meanOf(probeOne.durations) / meanOf(bareOne.durations)
  const medianRatio = medianOf(probeOne.durations) / medianOf(bareOne.durations)
  const onePerMinute = (probeOne.durations.length / probeOne.elapsedMs) * 60_000
  console.log(`bench:browser: ${url}, Chromium ${found.location.path}, ${TOTAL} runs per series`)
  console.log(line('probe, one page', probeOne))
  console.log(line('probe, three-step flow', probeFlow))
  console.log(line('probe, one page, 2 at once', parallel))
  console.log(line('bare Playwright, one page', bareOne))
  console.log(`  one-page runs per minute   ${onePerMinute.toFixed(1)} (one at a time; goal >= 30)`)
  console.log(
    `  peak memory                ${(peakPss / MIB).toFixed(0)} MiB PSS, ${(peakRss / MIB).toFixed(0)} MiB as a sum of RSS (probe + its Chromium tree; goal <= 1536 MiB)`,
  )
  console.log(
    `  ratio                      ${ratio.toFixed(2)} of means, ${medianRatio.toFixed(2)} of medians (probe time per one-page run / bare Playwright's; goal <= 1.2)`,
  )
} finally {
  clearInterval(tellPid)
  sampler.kill('SIGTERM')
  await test.stop()
  targetProcess.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
