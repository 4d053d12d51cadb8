/**
 * The end-of-run read of a page's vitals in a real Chromium: it waits for a large image
 * that arrived after the largest paint to be reported as the LCP, frame after frame, as
 * a busy machine needs, and it gives a small late image one frame only.
 *
 * A busy compositor is played by holding the page's LCP back for a number of frames:
 * the page's own snapshot reports the text's paint until then.
 */
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs, findChromium } from '../../probe/browser/find-chromium.ts'
import { READ_VITALS_AT_THE_END } from '../../probe/browser/page-vitals-read.ts'
import { PAGE_VITALS_SCRIPT, type PageVitalsReport } from '../../probe/browser/page-vitals.ts'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'

const found = findChromium()
const SLOW_IMAGE_MS = 600

/** Keeps the first LCP candidate of a page, the text, which paints long before the image. */
const FIRST_LCP = `new PerformanceObserver((list) => {
  window.__firstLcp ??= list.getEntries()[0]
}).observe({ type: 'largest-contentful-paint', buffered: true })`

/**
 * Makes the page's snapshot report the first LCP candidate (the text) for `frames`
 * rendered frames, and counts the snapshot's calls.
 */
function holdLcpBack(frames: number): string {
  return `(() => {
    const real = window.__vantageVitalsSnapshot
    const state = window.__vantageVitalsState
    const first = window.__firstLcp
    const latest = state.lcpSize
    let passed = 0
    const count = () => { passed += 1; if (passed < ${frames}) requestAnimationFrame(count) }
    requestAnimationFrame(count)
    window.__snapshotCalls = 0
    window.__vantageVitalsSnapshot = () => {
      window.__snapshotCalls += 1
      const report = real()
      if (passed >= ${frames}) { state.lcpSize = latest; return report }
      state.lcpSize = first.size
      return { ...report, lcp: first.renderTime || first.startTime }
    }
  })()`
}

describe.runIf(toolAvailable('chromium', found.ok))('the last read of a page’s vitals', () => {
  let browser: Browser
  let target: BrowserTarget
  let page: Page

  beforeAll(async () => {
    target = await startBrowserTarget({ slowImageMs: SLOW_IMAGE_MS })
    browser = await chromium.launch({
      executablePath: found.ok ? found.location.path : undefined,
      headless: true,
      args: chromiumArgs(),
    })
    const context = await browser.newContext()
    await context.addInitScript(PAGE_VITALS_SCRIPT)
    await context.addInitScript(FIRST_LCP)
    page = await context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await target?.close()
  })

  it('waits several frames for a large late image to be reported as the LCP', async () => {
    await page.goto(`${target.url}/shift`)
    await page.evaluate(holdLcpBack(6))
    const report = (await page.evaluate(READ_VITALS_AT_THE_END)) as PageVitalsReport
    expect(report.lcp).toBeGreaterThanOrEqual(SLOW_IMAGE_MS)
  })

  it('gives a small late image one frame and reads the text as the LCP', async () => {
    await page.goto(`${target.url}/pixel`)
    await page.evaluate(holdLcpBack(1))
    const report = (await page.evaluate(READ_VITALS_AT_THE_END)) as PageVitalsReport
    expect(report.lcp).toBeLessThan(SLOW_IMAGE_MS)
    // One read to decide, one after the frame: no reads frame after frame.
    expect(await page.evaluate('window.__snapshotCalls')).toBe(2)
  })

  it('does not wait for an LCP after a click, which stops the browser reporting it', async () => {
    await page.goto(`${target.url}/shift`)
    await page.evaluate(holdLcpBack(1_000))
    await page.mouse.click(5, 5)
    const report = (await page.evaluate(READ_VITALS_AT_THE_END)) as PageVitalsReport
    expect(report.lcp).toBeLessThan(SLOW_IMAGE_MS)
    expect(await page.evaluate('window.__snapshotCalls')).toBe(2)
  })
})
