/**
 * Confirmation runs end to end, with real processes: a hub and three probe processes
 * watch a check that runs once a minute. When the first region sees it down, the hub
 * asks the other regions to run it now, so the alert fires within seconds instead of
 * at the next scheduled run a minute later.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebhookSink, type WebhookSink } from '../fixtures/webhook-sink.ts'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

/** Leaves room for the first scheduled run (up to a minute away) and the confirmations. */
const TEST_TIMEOUT_MS = 150_000

/**
 * A target whose outage one region sees first. Every probe runs a check at the same
 * offset second, so a plain error mode would fail all regions in one scheduled round
 * and nothing would need confirming. Here the first request gets a 500 (held back a
 * little, so the other regions' scheduled runs finish before their confirmation runs
 * arrive), the next two still get 200, and every later one gets 500.
 */
function startOutageTarget(): Promise<{
  server: Server
  url: string
  firstFailureAt: () => number
}> {
  let requests = 0
  let firstFailureAt = 0
  const server = createServer((_request, response) => {
    requests += 1
    if (requests === 1) {
      setTimeout(() => {
        firstFailureAt = Date.now()
        response.writeHead(500).end('down')
      }, 300)
    } else if (requests <= 3) {
      response.writeHead(200).end('ok')
    } else {
      response.writeHead(500).end('down')
    }
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ server, url: `http://127.0.0.1:${port}/`, firstFailureAt: () => firstFailureAt })
    }),
  )
}

describe('confirmation runs', () => {
  let target: Awaited<ReturnType<typeof startOutageTarget>>
  let sink: WebhookSink
  let network: Network

  beforeAll(async () => {
    target = await startOutageTarget()
    sink = await startWebhookSink()
    network = await startNetwork({
      name: 'vantage-confirm-',
      regions: REGIONS,
      monitors: {
        project: 'E2E',
        defaults: { regions: REGIONS, every: '1m', timeout: '2s' },
        channels: [{ type: 'webhook', name: 'sink', url: sink.url }],
        checks: [
          { kind: 'http', id: 'site', url: target.url, alert: { failAfter: 1, recoverAfter: 1 } },
        ],
      },
    })
  })

  afterAll(async () => {
    await network?.stop()
    await sink?.close()
    await new Promise((resolve) => target?.server.close(resolve))
  })

  it(
    'confirms a first failure from the other regions at once and alerts within seconds',
    async () => {
      const fired = await waitFor(
        'an alert at the webhook sink',
        () => sink.received.find((hit) => hit.body.type === 'alert.fired'),
        TEST_TIMEOUT_MS - 10_000,
      )
      const timeToAlertMs = Date.now() - target.firstFailureAt()
      console.info(`time from the first failure to the alert: ${timeToAlertMs} ms`)
      // The next scheduled run is a minute after the first: this is confirmation's doing.
      expect(timeToAlertMs).toBeLessThan(20_000)
      expect(fired.body.regions.length).toBeGreaterThanOrEqual(2)

      const check = await network.getJson('/api/v1/checks/site')
      const recent = check.recent as Array<{ region: string; status: string; trigger: string }>
      const first = recent.find((r) => r.trigger === 'schedule' && r.status === 'down')
      expect(first).toBeDefined()
      const confirmed = recent.filter((r) => r.trigger === 'confirm' && r.status === 'down')
      expect(new Set(confirmed.map((r) => r.region))).toEqual(
        new Set(REGIONS.filter((region) => region !== first!.region)),
      )
    },
    TEST_TIMEOUT_MS,
  )
})
