/**
 * Browser checks across real probe processes: of two probes in a region, only the one
 * that can launch Chromium advertises the `browser` capability and is given the
 * browser check, every time; when it dies (SIGKILL), its Chromium goes with it, and the
 * region's other probe reports the check inconclusive CAPABILITY_MISSING, so the check
 * is insufficient, never down.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBrowserTarget, type BrowserTarget } from '../fixtures/browser-target.ts'
import { waitForNoChromium } from '../fixtures/chromium-processes.ts'
import { findChromium } from '../fixtures/chromium.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { makeTempDir, type OwnedTempDir } from '../fixtures/temp-dir.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

interface RecentResult {
  probeId: string
  scheduledAt: number
  status: string
  error?: { code: string }
}

describe.runIf(toolAvailable('chromium', findChromium() !== undefined))(
  'browser checks on probes with and without a browser',
  () => {
    let target: BrowserTarget
    let scripts: OwnedTempDir
    let network: Network

    beforeAll(async () => {
      target = await startBrowserTarget()
      scripts = makeTempDir('vantage-browser-scripts-')
      const script = join(scripts.path, 'home.ts')
      writeFileSync(
        script,
        `export default async ({ page, expect }) => {
          await page.goto('${target.url}/')
          await expect(page.getByRole('heading')).toHaveText('Welcome')
        }`,
      )
      network = await startNetwork({
        name: 'vantage-browser-probes-',
        monitors: `export default {
          defaults: { regions: ['eu-west'] },
          checks: [{ kind: 'browser', id: 'home', script: ${JSON.stringify(script)}, every: '2s', timeout: '10s', alert: { failAfter: 1 } }],
        }`,
        probes: [
          { id: 'eu-west-1', region: 'eu-west', args: ['--no-browser'] },
          { id: 'eu-west-2', region: 'eu-west' },
        ],
      })
    })
    afterAll(async () => {
      await network?.stop()
      scripts?.remove()
      await target?.close()
    })

    const recent = async () =>
      ((await network.getJson('/api/v1/checks/home')) as { recent: RecentResult[] }).recent

    it('runs the check only on the probe that advertises the browser capability', async () => {
      const capable = await waitFor('both probes to be registered', async () => {
        const probes = (await network.getJson('/api/v1/probes')) as Array<{
          probeId: string
          capabilities: string[]
        }>
        return probes.length === 2
          ? Object.fromEntries(
              probes.map((probe) => [probe.probeId, probe.capabilities.includes('browser')]),
            )
          : undefined
      })
      expect(capable).toEqual({ 'eu-west-1': false, 'eu-west-2': true })
      // Until the capable probe was online, the region had no browser: the other probe
      // ran the check to say so (CAPABILITY_MISSING). From then on, only the capable one.
      const since = Date.now() + 2_000
      const results = await waitFor(
        'five results',
        async () => {
          const found = (await recent()).filter((result) => result.scheduledAt > since)
          return found.length >= 5 ? found : undefined
        },
        60_000,
      )
      expect(new Set(results.map((result) => result.probeId))).toEqual(new Set(['eu-west-2']))
      expect(results.every((result) => result.status === 'up')).toBe(true)
    })

    it('goes insufficient, never down, when the region has no browser left; the dead probe leaves no Chromium', async () => {
      const capable = network.probe('eu-west-2')
      const started = /"browserPid":(\d+)/.exec(capable.logs())
      expect(started).not.toBeNull()
      const browserPid = Number(started![1])
      capable.kill('SIGKILL')
      const killedAt = Date.now()
      // Chromium talks to the probe over a pipe: it exits when the probe does.
      expect(await waitForNoChromium({ groups: new Set([browserPid]) }, 10_000)).toEqual([])

      const missing = await waitFor(
        'a result from the probe without a browser',
        async () => {
          const found = (await recent()).find(
            (result) => result.probeId === 'eu-west-1' && result.scheduledAt > killedAt,
          )
          return found
        },
        60_000,
      )
      expect(missing).toMatchObject({
        status: 'inconclusive',
        error: { code: 'CAPABILITY_MISSING' },
      })
      const state = await waitFor(
        'the check to be insufficient',
        async () => {
          const check = (await network.getJson('/api/v1/checks/home')) as {
            state: { status: string }
          }
          return check.state.status === 'insufficient' ? check.state : undefined
        },
        30_000,
      )
      expect(state.status).toBe('insufficient')
    })
  },
)
