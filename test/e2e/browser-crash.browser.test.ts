/**
 * The probe's Chromium killed in the middle of a run: the run is inconclusive
 * BROWSER_CRASH (never up or down), the next run succeeds on a fresh browser, and once
 * the pool stops no process of either browser is left.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCheck } from '../../checks/run-check.ts'
import { browserCheck, startTestPool, type TestPool } from '../fixtures/browser-checks.ts'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { ownChromium, waitForNoChromium } from '../fixtures/chromium-processes.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { waitFor } from './processes.ts'

describe.runIf(toolAvailable('chromium', findChromium() !== undefined))(
  'a browser that crashes mid-run',
  () => {
    const dir = useTempDir('vantage-browser-crash-')
    let target: BrowserTarget
    let test: TestPool

    beforeAll(async () => {
      target = await startBrowserTarget()
      test = await startTestPool(join(dir.path, 'work'))
    })
    afterAll(async () => {
      await test?.stop()
      await target?.close()
    })

    it('makes the run inconclusive BROWSER_CRASH, and the next run passes on a fresh browser', async () => {
      const run = (spec: Parameters<typeof runCheck>[0]) =>
        runCheck(spec, {
          probeId: 'p1',
          region: 'local',
          configVersion: '1',
          scheduledAt: Date.now(),
          trigger: 'manual',
          browser: test.pool,
        })
      const stuck = await browserCheck(
        dir.path,
        'stuck',
        `export default async ({ page, step }) => {
          await step('open the stuck page', () => page.goto('${target.url}/stuck'))
        }`,
        { timeout: '30s' },
      )
      const first = test.pool.stats().browserPid!
      expect(ownChromium({ groups: new Set([first]) }).length).toBeGreaterThan(1)
      const started = performance.now()
      const running = run(stuck)
      await waitFor('the page to be loading', () => target.hits('/never.png') > 0)
      process.kill(-first, 'SIGKILL')
      const crashed = await running
      expect(crashed.status).toBe('inconclusive')
      expect(crashed.error?.code).toBe('BROWSER_CRASH')
      expect(crashed.error?.message).toContain('in step "open the stuck page"')
      // Well before the run's own 30 s timeout.
      expect(performance.now() - started).toBeLessThan(15_000)

      const home = await browserCheck(
        dir.path,
        'home',
        `export default async ({ page, expect }) => {
          await page.goto('${target.url}/')
          await expect(page.getByRole('heading')).toHaveText('Welcome')
        }`,
      )
      const next = await run(home)
      expect(next.status).toBe('up')
      const second = test.pool.stats().browserPid!
      expect(second).not.toBe(first)
      expect(test.pool.stats()).toMatchObject({ launches: 2, crashes: 1 })

      expect(await waitForNoChromium({ groups: new Set([first]) })).toEqual([])
      await test.pool.stop()
      // The crash handlers too, which leave the group: by the pool's tag.
      expect(
        await waitForNoChromium({ groups: new Set([first, second]), tag: test.pool.tag }),
      ).toEqual([])
    })
  },
)
