/**
 * The internal status view as an operator sees it: a real headless Chromium loads the
 * page a running hub serves at /internal, with real results ingested over MQTT. The
 * public pages have their own browser test (status-page-a11y.e2e.test.ts).
 */
import { join } from 'node:path'
import mqtt from 'mqtt'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium, launchChromium } from '../fixtures/chromium.ts'
import { makeResult } from '../fixtures/results.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { waitFor } from './processes.ts'

describe.runIf(toolAvailable('chromium', findChromium() !== undefined))(
  'the internal status view in Chromium',
  () => {
    let hub: TestHub
    let browser: Browser

    beforeAll(async () => {
      hub = await startTestHub({
        project: 'Acme',
        defaults: { regions: ['eu-west', 'us-east'] },
        checks: [
          { kind: 'http', id: 'site', name: 'Public site', url: 'http://127.0.0.1:9/' },
          { kind: 'ping', id: 'gateway', name: 'Gateway', host: '127.0.0.1' },
        ],
      })
      const now = Date.now()
      for (const [probeId, region, status] of [
        ['eu-1', 'eu-west', 'up'],
        ['us-1', 'us-east', 'down'],
      ] as const) {
        // The broker lets a client publish results only under the probe id it connected as.
        const client = await mqtt.connectAsync(hub.mqttUrl, {
          clientId: `vantage-probe-${probeId}`,
        })
        const results = [0, 1, 2].map((i) =>
          makeResult({
            checkId: 'site',
            probeId,
            region,
            status,
            scheduledAt: now - (3 - i) * 10_000,
            ...(status === 'down'
              ? { error: { code: 'HTTP_STATUS', message: 'expected 200..399, got 503' } }
              : {}),
          }),
        )
        await client.publishAsync(
          `vantage/v1/results/0/${probeId}`,
          JSON.stringify({ batchId: `b-${probeId}`, probeId, region, sentAt: now, results }),
          { qos: 1 },
        )
        await client.endAsync()
      }
      await waitFor('results to be stored', () => hub.results.countRaw('site') === 6)
      browser = await launchChromium()
    })

    afterAll(async () => {
      await browser?.close()
      await hub?.close()
    })

    it('shows each check with its state per region and its availability, and refreshes itself', async () => {
      const page = await browser.newPage()
      await page.goto(`${hub.httpUrl}/internal`)
      const text = await page.locator('body').innerText()
      expect(text).toContain('Acme')
      expect(text).toContain('Public site')
      expect(text).toContain('Gateway')
      expect(text).toContain('eu-west')
      expect(text).toContain('us-east')
      // us-east failed every run: 0 % there, while the check overall is partial, not down.
      expect(text).toMatch(/(^|[^0-9.])0(\.0+)?\s*%/m)
      const refresh = await page.locator('meta[http-equiv="refresh"]').getAttribute('content')
      expect(Number(refresh)).toBeGreaterThan(0)
      await page.screenshot({ path: join(hub.dataDir, 'status.png'), fullPage: true })
    })
  },
)
