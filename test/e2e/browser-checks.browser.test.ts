/**
 * Browser checks as a probe runs them: a real headless Chromium (the probe's own pool)
 * against a loopback app that misbehaves on demand (test/fixtures/browser-target.ts),
 * each script bundled as the loader bundles it, each run through run-check and the
 * browser runner to a CheckResult.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rateVital } from '../../checks/browser/vitals.ts'
import { runCheck } from '../../checks/run-check.ts'
import type { BrowserSpec } from '../../checks/specs/browser.ts'
import { browserCheck, startTestPool, type TestPool } from '../fixtures/browser-checks.ts'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { waitFor } from './processes.ts'

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47])

/**
 * A run with a 5 s timeout is ended by timeout + 5 s. The margin is for a loaded CI
 * machine: what this guards against is a run that never ends.
 */
const ENDED_WITHIN_MS = 5_000 + 5_000 + 10_000

describe.runIf(toolAvailable('chromium', findChromium() !== undefined))(
  'browser checks in a real Chromium',
  () => {
    const dir = useTempDir('vantage-browser-')
    let target: BrowserTarget
    let test: TestPool

    const run = (spec: BrowserSpec) =>
      runCheck(spec, {
        probeId: 'p1',
        region: 'local',
        configVersion: '1-test',
        scheduledAt: Date.now(),
        trigger: 'manual',
        browser: test.pool,
      })
    const keptFor = (resultId: string) => test.kept.find((run) => run.resultId === resultId)

    beforeAll(async () => {
      target = await startBrowserTarget({ slowImageMs: 2_700 })
      test = await startTestPool(join(dir.path, 'work'))
    })
    afterAll(async () => {
      await test?.stop()
      await target?.close()
    })

    it('walks a login flow through its steps, with Web Vitals for each page', async () => {
      const spec = await browserCheck(
        dir.path,
        'login',
        `export default async ({ page, expect, step, secrets }) => {
          await step('open the home page', async () => {
            await page.goto('${target.url}/')
            await expect(page.getByRole('heading')).toHaveText('Welcome')
          })
          await step('log in', async () => {
            await page.getByRole('link', { name: 'Log in' }).click()
            await page.getByLabel('Username').fill('demo')
            await page.getByLabel('Password').fill(secrets.PASSWORD)
            await page.getByRole('button', { name: 'Log in' }).click()
            await expect(page).toHaveURL(/\\/account$/)
            await expect(page.getByRole('heading')).toHaveText('Hello, demo')
          })
        }`,
        { secrets: ['PASSWORD'], secretValues: { PASSWORD: 's3cret' } },
      )
      const result = await run(spec)
      expect(result.error).toBeUndefined()
      expect(result.status).toBe('up')
      expect(result.browser?.steps.map((s) => [s.name, s.status])).toEqual([
        ['open the home page', 'passed'],
        ['log in', 'passed'],
      ])
      expect(result.browser?.pages.map((page) => new URL(page.url).pathname)).toEqual([
        '/',
        '/login',
        '/account',
      ])
      const home = result.browser!.pages[0]!.vitals
      expect(home.fcp?.value).toBeGreaterThan(0)
      expect(home.ttfb?.rating).toBe(rateVital('ttfb', home.ttfb!.value))
      expect(result.metrics?.lcpMs).toBeGreaterThan(0)
      // A passing run keeps nothing unless the check asks for every run, and is not re-run.
      expect(result.browser?.artifacts).toEqual([])
      await test.pool.drain()
      expect(keptFor(result.id)).toBeUndefined()
    })

    it("gives scripts Playwright's web-first matchers, which retry until the page gets there", async () => {
      const spec = await browserCheck(
        dir.path,
        'matchers',
        `export default async ({ page, expect }) => {
          await page.goto('${target.url}/login')
          await expect(page).toHaveTitle('Log in')
          await expect(page).toHaveURL(/\\/login$/)
          await expect(page.getByRole('heading')).toHaveText(/log IN/, { ignoreCase: true })
          await expect(page.getByRole('heading')).toContainText('Log')
          await expect(page.getByRole('textbox')).toHaveCount(2) // a password field is a textbox too
          await expect(page.getByLabel('Password')).toHaveAttribute('type', 'password')
          await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible()
          await expect(page.getByRole('button', { name: 'Log in' })).toBeEnabled()
          await expect(page.getByRole('alert')).toBeHidden()
          await expect(page.getByRole('alert')).not.toBeVisible()
          await page.getByLabel('Username').fill('demo')
          await expect(page.getByLabel('Username')).toHaveValue('demo')
          // Appears after 300 ms: the matcher waits for it.
          await page.evaluate(() => setTimeout(() => {
            const note = document.createElement('p')
            note.textContent = 'Ready'
            document.body.appendChild(note)
          }, 300))
          await expect(page.getByText('Ready')).toBeVisible({ timeout: 3000 })
          await expect(page.getByRole('heading')).not.toHaveText('Log in', { timeout: 500 })
        }`,
      )
      const result = await run(spec)
      expect(result.status).toBe('down')
      expect(result.assertions).toContainEqual({
        name: "expect(getByRole('heading')).not.toHaveText",
        ok: false,
        expected: 'not "Log in"',
        actual: '"Log in"',
      })
      expect(result.error?.message).toContain('matchers.ts:22:')
    })

    it('gives every run a fresh context: no cookie from the last run', async () => {
      const spec = await browserCheck(
        dir.path,
        'fresh',
        `export default async ({ page, expect }) => {
          await page.goto('${target.url}/account')
          await expect(page.getByRole('heading')).toHaveText('Log in')
        }`,
      )
      expect((await run(spec)).status).toBe('up')
    })

    it("keeps two runs at once apart: a script sees no page of the other run's context", async () => {
      // Each run worker has a DevTools connection of its own to the one browser, and a
      // Playwright connected over DevTools attaches to every page the browser opens.
      const holding = await browserCheck(
        dir.path,
        'holding',
        `export default async ({ page }) => {
          await page.goto('${target.url}/')
          await page.waitForTimeout(3000)
        }`,
      )
      const looking = await browserCheck(
        dir.path,
        'looking',
        `export default async ({ page, context, expect }) => {
          await page.goto('${target.url}/login')
          const seen = context.browser().contexts().flatMap((each) => each.pages()).map((each) => each.url())
          expect(seen).toEqual(['${target.url}/login'])
        }`,
      )
      const opened = target.hits('/')
      const first = run(holding)
      await waitFor("the other run's page to load", () => target.hits('/') > opened)
      const second = await run(looking)
      expect(second.error).toBeUndefined()
      expect(second.status).toBe('up')
      expect((await first).status).toBe('up')
    })

    it('reports a wrong heading as ASSERTION_FAILED with expected and actual, and a screenshot of the step', async () => {
      target.setMode('wrong')
      try {
        const spec = await browserCheck(
          dir.path,
          'heading',
          `export default async ({ page, expect, step }) => {
            await step('open the home page', () => page.goto('${target.url}/'))
            await step('see the welcome', () => expect(page.getByRole('heading')).toHaveText('Welcome', { timeout: 1000 }))
          }`,
        )
        const result = await run(spec)
        expect(result.status).toBe('down')
        expect(result.error?.code).toBe('ASSERTION_FAILED')
        expect(result.error?.message).toContain('in step "see the welcome"')
        expect(result.error?.message).toContain('heading.ts:3')
        expect(result.assertions).toContainEqual({
          name: "expect(getByRole('heading')).toHaveText",
          ok: false,
          expected: '"Welcome"',
          actual: '"Oops"',
        })
        const failed = result.browser!.steps[1]!
        expect(failed).toMatchObject({ name: 'see the welcome', status: 'failed' })
        const kept = keptFor(result.id)!
        expect(kept.files.map((file) => file.name)).toEqual(
          expect.arrayContaining([failed.screenshot, 'final.png']),
        )
        const shot = readFileSync(join(kept.dir, failed.screenshot!))
        expect(shot.subarray(0, 4)).toEqual(PNG)
        // The first attempt records no trace; a re-run after the result records it.
        expect(kept.files.map((file) => file.name)).not.toContain('trace.zip')
        await test.pool.drain()
        const rerun = test.kept.filter((run) => run.resultId === result.id)[1]!
        expect(rerun.files).toEqual([expect.objectContaining({ name: 'rerun-trace.zip' })])
        expect(rerun.verdict).toMatchObject({ status: 'down', errorCode: 'ASSERTION_FAILED' })
        // A zip file.
        const zip = readFileSync(join(rerun.dir, 'rerun-trace.zip'))
        expect(zip.subarray(0, 2).toString()).toBe('PK')
      } finally {
        target.setMode('ok')
      }
    })

    it('reports a 500 on navigation as NAVIGATION_FAILED with the status', async () => {
      target.setMode('error')
      try {
        const spec = await browserCheck(
          dir.path,
          'nav500',
          `export default async ({ page }) => { await page.goto('${target.url}/') }`,
        )
        const result = await run(spec)
        expect(result.status).toBe('down')
        expect(result.error?.code).toBe('NAVIGATION_FAILED')
        expect(result.error?.message).toContain(`HTTP 500 at ${target.url}/`)
      } finally {
        target.setMode('ok')
      }
    })

    it('reports a refused connection as NAVIGATION_FAILED with the net:: error', async () => {
      const spec = await browserCheck(
        dir.path,
        'refused',
        `export default async ({ page }) => { await page.goto('http://127.0.0.1:9/') }`,
      )
      const result = await run(spec)
      expect(result.error?.code).toBe('NAVIGATION_FAILED')
      expect(result.error?.message).toMatch(/net::ERR_[A-Z_]+/)
    })

    it('ends a page that never finishes loading at the timeout: TIMEOUT in its step, with a screenshot', async () => {
      const spec = await browserCheck(
        dir.path,
        'stuck',
        `export default async ({ page, step }) => {
          await step('open the stuck page', () => page.goto('${target.url}/stuck'))
        }`,
        { timeout: '5s' },
      )
      const started = performance.now()
      const result = await run(spec)
      const tookMs = performance.now() - started
      expect(result.status).toBe('down')
      expect(result.error?.code).toBe('TIMEOUT')
      expect(result.error?.message).toContain('in step "open the stuck page"')
      expect(tookMs).toBeLessThan(ENDED_WITHIN_MS)
      const kept = keptFor(result.id)!
      expect(kept.files.map((file) => file.name)).toContain('final.png')
      expect(readFileSync(join(kept.dir, 'final.png')).subarray(0, 4)).toEqual(PNG)
    })

    it("reports an exception in the script as SCRIPT_ERROR at the script's own line", async () => {
      const spec = await browserCheck(
        dir.path,
        'throws',
        `function total(items: number[]): number {
  if (items.length === 0) throw new RangeError('the cart is empty')
  return items.reduce((a, b) => a + b, 0)
}
export default async ({ page }) => {
  await page.goto('${target.url}/')
  total([])
}`,
      )
      const result = await run(spec)
      expect(result.status).toBe('down')
      expect(result.error?.code).toBe('SCRIPT_ERROR')
      expect(result.error?.message).toContain('RangeError: the cart is empty')
      expect(result.error?.message).toContain('throws.ts:2:')
      expect(result.error?.message).toContain('throws.ts:7:')
    })

    it('ends a script that never returns at its timeout', async () => {
      const spec = await browserCheck(
        dir.path,
        'forever',
        `export default async ({ page, step }) => {
          await page.goto('${target.url}/')
          await step('wait for nothing', () => new Promise(() => {}))
        }`,
        { timeout: '5s' },
      )
      const started = performance.now()
      const result = await run(spec)
      expect(performance.now() - started).toBeLessThan(ENDED_WITHIN_MS)
      expect(result.error?.code).toBe('TIMEOUT')
      expect(result.error?.message).toContain('in step "wait for nothing"')
      expect(keptFor(result.id)?.files.map((file) => file.name)).toContain('final.png')
    })

    it('ends a busy-looping script within timeout + 5 s, with the last screenshot, and runs the next', async () => {
      const spec = await browserCheck(
        dir.path,
        'spin',
        `export default async ({ page, step }) => {
          await page.goto('${target.url}/')
          await step('spin', async () => { for (;;) {} })
        }`,
        { timeout: '5s' },
      )
      const started = performance.now()
      const result = await run(spec)
      expect(performance.now() - started).toBeLessThan(ENDED_WITHIN_MS)
      expect(result.status).toBe('down')
      expect(result.error?.code).toBe('TIMEOUT')
      expect(result.error?.message).toContain('in step "spin"')
      const kept = keptFor(result.id)!
      expect(readFileSync(join(kept.dir, 'final.png')).subarray(0, 4)).toEqual(PNG)
      const next = await browserCheck(
        dir.path,
        'after-spin',
        `export default async ({ page, expect }) => {
          await page.goto('${target.url}/')
          await expect(page.getByRole('heading')).toHaveText('Welcome')
        }`,
      )
      expect((await run(next)).status).toBe('up')
    })

    it('measures and rates CLS and LCP on a page with a layout shift and a slow image', async () => {
      const spec = await browserCheck(
        dir.path,
        'shift',
        `export default async ({ page }) => {
          await page.goto('${target.url}/shift')
        }`,
        { expect: { lcp: { below: '2.5s', status: 'down' } } },
      )
      const result = await run(spec)
      const vitals = result.browser!.pages[0]!.vitals
      expect(vitals.cls!.value).toBeGreaterThan(0.05)
      expect(vitals.cls!.rating).toBe(rateVital('cls', vitals.cls!.value))
      expect(vitals.lcp!.value).toBeGreaterThanOrEqual(2_700)
      expect(vitals.lcp!.rating).toBe(rateVital('lcp', vitals.lcp!.value))
      // The budget makes the run down, with expected and actual.
      expect(result.status).toBe('down')
      expect(result.assertions).toContainEqual(
        expect.objectContaining({ name: 'LCP budget', ok: false, expected: '< 2.5s' }),
      )
    })

    it('counts console errors, uncaught errors and a failed sub-request', async () => {
      const spec = await browserCheck(
        dir.path,
        'noisy',
        `export default async ({ page }) => {
          await page.goto('${target.url}/noisy')
          await page.waitForTimeout(300)
        }`,
      )
      const result = await run(spec)
      expect(result.status).toBe('up')
      expect(result.browser?.console.errors).toBeGreaterThanOrEqual(1)
      expect(result.browser?.console.pageErrors).toBe(1)
      expect(result.browser?.console.first).toEqual(
        expect.arrayContaining(['boom: the widget failed']),
      )
      expect(result.browser?.requests.failed).toBeGreaterThanOrEqual(1)
      expect(result.browser?.requests.firstFailed).toContain(`404 ${target.url}/missing`)
      expect(result.metrics?.failedRequests).toBeGreaterThanOrEqual(1)
    })

    it("traces every attempt with trace 'always': the failed run's own trace", async () => {
      target.setMode('wrong')
      try {
        const spec = await browserCheck(
          dir.path,
          'always-traced',
          `export default async ({ page, expect }) => {
            await page.goto('${target.url}/')
            await expect(page.getByRole('heading')).toHaveText('Welcome', { timeout: 500 })
          }`,
          { artifacts: { trace: 'always' } },
        )
        const result = await run(spec)
        expect(result.status).toBe('down')
        expect(result.browser?.artifacts.map((file) => file.name)).toContain('trace.zip')
        await test.pool.drain()
        expect(test.kept.filter((kept) => kept.resultId === result.id)).toHaveLength(1)
      } finally {
        target.setMode('ok')
      }
    })

    it('makes a run that passes only on a retry degraded, never up', async () => {
      const spec = await browserCheck(
        dir.path,
        'flaky',
        `export default async ({ page, expect }) => {
          await page.goto('${target.url}/flaky')
          await expect(page.getByRole('heading')).toHaveText('Welcome', { timeout: 500 })
        }`,
        { retries: 1 },
      )
      const result = await run(spec)
      expect(result.status).toBe('degraded')
      expect(result.browser?.attempts).toBe(2)
      expect(result.assertions[0]).toMatchObject({ name: 'passed without a retry', ok: false })
      expect(result.assertions[0]!.actual).toContain('NAVIGATION_FAILED')
      // The failed attempt's evidence is kept, with the trace of the retry that passed.
      expect(keptFor(result.id)?.files.map((file) => file.name)).toEqual(
        expect.arrayContaining(['final.png', 'a2-trace.zip']),
      )
      expect(keptFor(result.id)?.files.map((file) => file.name)).not.toContain('trace.zip')
    })
  },
)
