/**
 * A confirmation request that reaches a probe while it is running the same check is
 * run right after that run, not dropped. Probes of every region run a check at the same
 * offset second, so this is the usual case: here the first request fails at once and
 * every other one takes 1.5 s, so the other regions are still busy with their scheduled
 * run when the hub's confirmation round arrives.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

/** Room for two rounds of 30 s (every region up, then the failing one) and the confirmations. */
const TEST_TIMEOUT_MS = 180_000
const SLOW_MS = 1_500

/**
 * Answers at once until armed: a probe that starts late on a loaded machine must not
 * miss the round that fails. Once armed, the first request fails and the rest are slow.
 */
function startSlowTarget(): Promise<{ server: Server; url: string; arm(): void }> {
  let armed = false
  let requests = 0
  const server = createServer((_request, response) => {
    if (!armed) return void response.writeHead(200).end('ok')
    requests += 1
    if (requests === 1) return void response.writeHead(500).end('down')
    setTimeout(() => response.writeHead(200).end('ok'), SLOW_MS)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ server, url: `http://127.0.0.1:${port}/`, arm: () => (armed = true) })
    }),
  )
}

describe('a confirmation request during a run', () => {
  let target: Awaited<ReturnType<typeof startSlowTarget>>
  let network: Network

  beforeAll(async () => {
    target = await startSlowTarget()
    network = await startNetwork({
      name: 'vantage-confirm-busy-',
      regions: REGIONS,
      monitors: {
        project: 'E2E',
        defaults: { regions: REGIONS, every: '30s', timeout: '5s' },
        channels: [{ type: 'console', name: 'console' }],
        checks: [{ kind: 'http', id: 'site', url: target.url }],
      },
    })
  })

  afterAll(async () => {
    await network?.stop()
    await new Promise((resolve) => target?.server.close(resolve))
  })

  it(
    'is run right after the scheduled run it met, in every other region',
    async () => {
      type Recent = { region: string; status: string; trigger: string; scheduledAt: number }
      await network.everyRegionUp('site', 60_000)
      target.arm()
      const recent = await waitFor(
        'confirmation results from the two busy regions',
        async () => {
          const check = await network.getJson('/api/v1/checks/site')
          const results = check.recent as Recent[]
          const confirmed = new Set(
            results.filter((r) => r.trigger === 'confirm').map((r) => r.region),
          )
          return confirmed.size >= 2 ? results : undefined
        },
        TEST_TIMEOUT_MS - 75_000,
      )
      const failed = recent.find((r) => r.trigger === 'schedule' && r.status === 'down')
      expect(failed).toBeDefined()
      const confirms = recent.filter((r) => r.trigger === 'confirm')
      expect(new Set(confirms.map((r) => r.region))).toEqual(
        new Set(REGIONS.filter((region) => region !== failed!.region)),
      )
      // Before the next scheduled round, 30 s later: the requests were not dropped.
      for (const confirm of confirms)
        expect(confirm.scheduledAt - failed!.scheduledAt).toBeLessThan(10_000)
    },
    TEST_TIMEOUT_MS,
  )
})
