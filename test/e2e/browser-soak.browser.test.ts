/**
 * A soak of the probe's browser pool: 300 runs of a login journey with crashes and
 * timeouts injected (Chromium killed mid-run every 30th run, a script that never
 * returns every 20th, a busy loop every 50th). At the end no Chromium process of the
 * pool is left, and the RSS of the probe (this process, whose threads run the pool)
 * plus its Chromium tree has grown by less than 15 % between the first and the last
 * hundred runs.
 *
 * It takes several minutes, so it runs only when asked:
 *   VANTAGE_BROWSER_SOAK=1 npx vitest run test/e2e/browser-soak.browser.test.ts
 * (VANTAGE_BROWSER_SOAK_RUNS sets the number of runs, at least 300 for the figures.)
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCheck } from '../../checks/run-check.ts'
import type { BrowserSpec } from '../../checks/specs/browser.ts'
import { treeRssBytes } from '../../probe/browser/proc-tree.ts'
import { browserCheck, startTestPool, type TestPool } from '../fixtures/browser-checks.ts'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { ownChromium, waitForNoChromium } from '../fixtures/chromium-processes.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { waitFor } from './processes.ts'

const RUNS = Number(process.env.VANTAGE_BROWSER_SOAK_RUNS ?? 300)
const MIB = 1_048_576

const wanted = process.env.VANTAGE_BROWSER_SOAK === '1'

describe.runIf(wanted && toolAvailable('chromium', findChromium() !== undefined))(
  'a soak of the browser pool',
  () => {
    const dir = useTempDir('vantage-browser-soak-')
    let target: BrowserTarget
    let test: TestPool

    beforeAll(async () => {
      target = await startBrowserTarget()
      test = await startTestPool(join(dir.path, 'work'), { concurrency: 1 })
    })
    afterAll(async () => {
      await test?.stop()
      await target?.close()
    })

    it(
      `runs ${RUNS} journeys with crashes and timeouts, and leaves nothing behind`,
      async () => {
        const journey = await browserCheck(
          dir.path,
          'journey',
          `export default async ({ page, expect, step }) => {
          await step('open the home page', () => page.goto('${target.url}/'))
          await step('log in', async () => {
            await page.getByRole('link', { name: 'Log in' }).click()
            await page.getByLabel('Username').fill('demo')
            await page.getByLabel('Password').fill('s3cret')
            await page.getByRole('button', { name: 'Log in' }).click()
            await expect(page.getByRole('heading')).toHaveText('Hello, demo')
          })
        }`,
        )
        const stuck = await browserCheck(
          dir.path,
          'stuck',
          `export default async ({ page }) => { await page.goto('${target.url}/stuck') }`,
          { timeout: '30s' },
        )
        const forever = await browserCheck(
          dir.path,
          'forever',
          `export default async ({ page }) => { await page.goto('${target.url}/'); await new Promise(() => {}) }`,
          { timeout: '5s' },
        )
        const spin = await browserCheck(
          dir.path,
          'spin',
          `export default async ({ page }) => { await page.goto('${target.url}/'); for (;;) {} }`,
          { timeout: '5s' },
        )
        const run = (spec: BrowserSpec) =>
          runCheck(spec, {
            probeId: 'soak',
            region: 'local',
            configVersion: '1',
            scheduledAt: Date.now(),
            trigger: 'schedule',
            browser: test.pool,
          })

        const browsers = new Set<number>()
        const samples: number[] = []
        const counts: Record<string, number> = {}
        let maxProcesses = 0
        const started = performance.now()
        for (let i = 0; i < RUNS; i++) {
          const before = test.pool.stats().browserPid
          if (before) browsers.add(before)
          let expected: string
          let result
          if (i % 30 === 29) {
            expected = 'BROWSER_CRASH'
            const hits = target.hits('/never.png')
            const running = run(stuck)
            await waitFor('the stuck page to load', () => target.hits('/never.png') > hits)
            process.kill(-test.pool.stats().browserPid!, 'SIGKILL')
            result = await running
            expect(await waitForNoChromium({ groups: new Set([before!]) })).toEqual([])
          } else if (i % 50 === 25) {
            expected = 'TIMEOUT'
            result = await run(spin)
          } else if (i % 20 === 10) {
            expected = 'TIMEOUT'
            result = await run(forever)
          } else {
            expected = 'up'
            result = await run(journey)
          }
          const got = result.status === 'up' ? 'up' : (result.error?.code ?? result.status)
          counts[got] = (counts[got] ?? 0) + 1
          expect(got, `run ${i}: ${result.error?.message ?? ''}`).toBe(expected)
          const pid = test.pool.stats().browserPid
          if (pid) browsers.add(pid)
          maxProcesses = Math.max(
            maxProcesses,
            ownChromium({ tag: test.pool.tag, groups: browsers }).length,
          )
          samples.push(process.memoryUsage().rss + (pid ? treeRssBytes(pid) : 0))
        }
        const elapsedS = (performance.now() - started) / 1_000
        const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
        const first = mean(samples.slice(0, 100))
        const last = mean(samples.slice(-100))
        const growth = (last - first) / first
        await test.pool.stop()
        const left = await waitForNoChromium({ groups: browsers, tag: test.pool.tag })
        console.log(
          [
            `soak: ${RUNS} runs in ${elapsedS.toFixed(0)} s: ${JSON.stringify(counts)}`,
            `browsers launched: ${test.pool.stats().launches}, crashes seen: ${test.pool.stats().crashes}`,
            `Chromium processes of the pool: at most ${maxProcesses} at once, ${left.length} after stop`,
            `RSS probe + Chromium tree: first 100 runs ${(first / MIB).toFixed(0)} MiB, last 100 ${(last / MIB).toFixed(0)} MiB (${(growth * 100).toFixed(1)} %), peak ${(Math.max(...samples) / MIB).toFixed(0)} MiB`,
          ].join('\n'),
        )
        expect(left).toEqual([])
        expect(growth).toBeLessThan(0.15)
      },
      30 * 60_000,
    )
  },
)
