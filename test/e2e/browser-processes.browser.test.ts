/**
 * The processes of a probe's Chromium, launched with the probe's flags: the GPU runs
 * inside the browser process instead of in a process of its own, which would add its
 * own copy of Chromium's resident pages to the probe's memory. A page still loads and renders (a screenshot of it has its colour).
 */
import { readFileSync } from 'node:fs'
import { chromium, type BrowserServer } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs, findChromium } from '../../probe/browser/find-chromium.ts'
import { descendants } from '../../probe/browser/proc-tree.ts'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'

const found = findChromium()

/** Chromium's `--type=` of a process (`browser` for the browser process itself). */
function processType(pid: number): string {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  const type = /--type=(\S+)/.exec(cmdline)?.[1] ?? 'browser'
  const sub = /--utility-sub-type=(\S+)/.exec(cmdline)?.[1]
  return sub ? `${type}:${sub}` : type
}

describe.runIf(toolAvailable('chromium', found.ok))("the probe's Chromium processes", () => {
  let server: BrowserServer
  let target: BrowserTarget

  beforeAll(async () => {
    target = await startBrowserTarget()
    server = await chromium.launchServer({
      executablePath: found.ok ? found.location.path : undefined,
      headless: true,
      args: chromiumArgs(),
    })
  })
  afterAll(async () => {
    await server?.close()
    await target?.close()
  })

  it('has no GPU process of its own, and still renders a page', async () => {
    const browser = await chromium.connect(server.wsEndpoint())
    try {
      const page = await browser.newPage()
      const response = await page.goto(`${target.url}/`)
      expect(response?.status()).toBe(200)
      const png = await page.screenshot()
      expect(png.byteLength).toBeGreaterThan(1_000)
      const types = descendants(server.process().pid!).map((info) => processType(info.pid))
      expect(types).toContain('renderer')
      expect(types).not.toContain('gpu-process')
    } finally {
      await browser.close()
    }
  })
})
