/**
 * The demo's public status page in a real headless Chromium, in each state a visitor
 * can meet (operational, degraded, outage, maintenance, incident posts), at 1280 and
 * 390 px, light and dark: axe-core must find no serious or critical violation, and a
 * screenshot of each is kept under test-artifacts/status-pages/ to be looked at. Also:
 * the page works without JavaScript, a day's bar is reachable by keyboard with its
 * figures, and a change reaches an open page by server-sent events.
 *
 * Chromium comes from the machine (test/fixtures/chromium.ts); without one the test is
 * skipped on a developer machine and fails in CI.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importMonitors } from '../../cli/load-monitors.ts'
import { findChromium, launchChromium } from '../fixtures/chromium.ts'
import { statusHub, T0 } from '../fixtures/status-pages.ts'

const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/status-pages')
const DAY = 86_400_000
const MIN = 60_000
const chromium = findChromium()
if (!chromium && process.env.CI === 'true') {
  throw new Error('CI needs a Chromium for the status page tests (apt-get install chromium)')
}
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

let hub: ReturnType<typeof statusHub>
let server: ServerType
let base: string
let browser: Browser

/** 90 days of history: a few outages, one overlapping pair, a maintenance day. */
function seed() {
  hub.store(
    ...['demo-api', 'demo-port', 'demo-home', 'demo-cron', 'loopback'].map((checkId) => ({
      checkId,
      scheduledAt: T0 - 91 * DAY,
    })),
  )
  const outage = (checkId: string, daysAgo: number, minutes: number, offset = 0) => {
    const at = T0 - daysAgo * DAY + offset
    const id = hub.incidents.open({
      kind: 'down',
      checkId,
      at,
      regions: ['eu-west'],
      firstError: null,
    })
    hub.incidents.resolve(id, at + minutes * MIN)
  }
  outage('demo-api', 40, 95)
  outage('demo-port', 40, 30, 20 * MIN)
  outage('demo-home', 12, 11)
  outage('demo-cron', 3, 240)
  outage('loopback', 70, 600)
  hub.pages.history.clear()
}

async function visit(page: Page, path = '/status/public') {
  const response = await page.goto(`${base}${path}`)
  return response!
}

/** What axe found on each page, kept with the screenshots. */
const axeLog: Array<{ page: string; passes: number; incomplete: number; violations: string[] }> = []

/** axe-core in the page; the serious and critical violations, with where they are. */
async function axe(page: Page, name: string) {
  await page.addScriptTag({ content: axeSource })
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: Document) => Promise<unknown> } }).axe.run(document),
  )) as {
    passes: unknown[]
    incomplete: unknown[]
    violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>
  }
  // A run that checked nothing would pass anything: make sure it looked.
  expect(result.passes.length, name).toBeGreaterThan(10)
  const all = result.violations.map(
    (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
  axeLog.push({
    page: name,
    passes: result.passes.length,
    incomplete: result.incomplete.length,
    violations: all,
  })
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** Every width and theme of the page now: axe findings, and a screenshot of each. */
async function checkState(state: string, path = '/status/public') {
  const findings: string[] = []
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme })
      const page = await context.newPage()
      const response = await visit(page, path)
      expect(response.status(), `${state} ${path}`).toBeLessThan(500)
      const name = `${state} ${width}px ${colorScheme}`
      findings.push(...(await axe(page, name)).map((f) => `${name}: ${f}`))
      await page.screenshot({
        path: join(ARTIFACTS, `${state}-${width}${colorScheme === 'dark' ? '-dark' : ''}.png`),
        fullPage: true,
      })
      await context.close()
    }
  }
  return findings
}

describe.skipIf(!chromium)('the demo status page in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    const demo = await importMonitors(join(import.meta.dirname, '../../examples/monitors.ts'))
    if (!demo.ok) throw new Error(demo.errors.join('\n'))
    hub = statusHub({ config: demo.input, apiToken: 'a11y-token' })
    seed()
    server = serve({ fetch: hub.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchChromium()
  }, 60_000)

  afterAll(async () => {
    if (axeLog.length > 0) {
      writeFileSync(join(ARTIFACTS, 'axe-results.json'), `${JSON.stringify(axeLog, null, 2)}\n`)
    }
    await browser?.close()
    await new Promise<void>((resolve) => server?.close(() => resolve()))
    hub?.close()
  })

  it('has no serious or critical axe violation in any state, and keeps a screenshot of each', async () => {
    const findings: string[] = []
    findings.push(...(await checkState('operational')))

    hub.setState('demo-home', 'degraded')
    hub.store({
      checkId: 'demo-home',
      status: 'degraded',
      metrics: { certDaysLeft: 5.3 },
      assertions: [{ name: 'certificate days left', ok: false, expected: '>= 14', actual: '5' }],
    })
    findings.push(...(await checkState('degraded')))
    hub.setState('demo-home', 'up')

    hub.setState('demo-api', 'down')
    hub.setState('demo-port', 'down')
    hub.store({
      checkId: 'demo-api',
      status: 'down',
      error: { code: 'CONNECT_REFUSED', message: 'x' },
    })
    hub.pages.pages.syncAutoPosts()
    findings.push(...(await checkState('outage')))

    hub.clock.advance(25 * MIN)
    hub.setState('demo-api', 'up')
    hub.setState('demo-port', 'up')
    hub.pages.pages.syncAutoPosts()
    hub.setMaintenance('demo-cron', hub.clock.now() - MIN, hub.clock.now() + 60 * MIN)
    hub.pages.pages.createPost({
      page: 'public',
      kind: 'maintenance',
      title: 'Job runner upgrade',
      impact: 'maintenance',
      status: 'in_progress',
      body: 'Scheduled jobs pause while the runner is upgraded.',
      components: ['scheduled-jobs'],
      at: hub.clock.now() - 2 * DAY,
      scheduledFor: hub.clock.now() - MIN,
      scheduledUntil: hub.clock.now() + 60 * MIN,
    })
    findings.push(...(await checkState('maintenance')))
    hub.setMaintenance('demo-cron', 0, 0)

    const posts = hub.pages.pages
    const open = posts.createPost({
      page: 'public',
      kind: 'incident',
      title: 'Slow responses from the API',
      impact: 'minor',
      status: 'investigating',
      body: 'Some requests take several seconds.',
      components: ['api'],
      at: hub.clock.now() - 50 * MIN,
    })
    posts.updatePost(
      open.id,
      'identified',
      'A slow database query; a fix is deploying.',
      hub.clock.now() - 20 * MIN,
    )
    posts.createPost({
      page: 'public',
      kind: 'maintenance',
      title: 'Network maintenance',
      impact: 'maintenance',
      status: 'scheduled',
      body: 'Brief interruptions possible.',
      components: ['network'],
      at: hub.clock.now(),
      scheduledFor: hub.clock.now() + 2 * DAY,
      scheduledUntil: hub.clock.now() + 2 * DAY + 60 * MIN,
    })
    findings.push(...(await checkState('incident-posts')))

    findings.push(...(await checkState('private-sign-in', '/status/public/login')))
    findings.push(...(await checkState('not-found', '/status/no-such-page')))
    findings.push(...(await checkState('internal-sign-in', '/internal')))
    expect(findings).toEqual([])
  }, 240_000)

  it('works without JavaScript, and shows a day by keyboard', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await visit(page)
    await expect(page.locator('h1').textContent()).resolves.toBe('Vantage demo status')
    expect(await page.locator('.comp').count()).toBe(4)
    await context.close()

    const live = await browser.newPage()
    await visit(live)
    let label: string | null = null
    for (let i = 0; i < 20 && !label?.match(/^\d+ \w{3}: /); i += 1) {
      await live.keyboard.press('Tab')
      label = await live.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null)
    }
    expect(label).toMatch(/^\d+ \w{3}: (\d+\.\d\d %|no data)/)
    await live.close()
  }, 60_000)

  it('updates an open page by server-sent events', async () => {
    const page = await browser.newPage()
    await visit(page)
    await expect(page.locator('.banner strong').textContent()).resolves.not.toBe('Major outage')
    hub.setState('loopback', 'down')
    await page.waitForFunction(
      () =>
        document.querySelector('.banner strong')?.textContent === 'Major outage' ||
        document.querySelector('#c-network .st')?.textContent?.includes('Major outage'),
      undefined,
      { timeout: 20_000 },
    )
    hub.setState('loopback', 'up')
    await page.close()
  }, 60_000)
})
