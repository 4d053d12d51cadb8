/**
 * The spine end to end, with real processes: a hub and three probe processes
 * monitor a local target. The target goes down in every region, an alert reaches
 * a local webhook sink, it comes back, a resolve arrives, and the API shows the dip.
 * The same run goes through the hub's embedded aedes broker and through a real Mosquitto.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { startWebhookSink, type WebhookSink } from '../fixtures/webhook-sink.ts'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const BROKERS = [
  'embedded aedes',
  ...(toolAvailable('mosquitto', mosquittoWorks()) ? ['Mosquitto'] : []),
]

describe.each(BROKERS)('a hub and three probes, end to end, through %s', (broker) => {
  let mosquitto: Mosquitto | undefined
  let target: TargetServer
  let sink: WebhookSink
  let network: Network

  beforeAll(async () => {
    target = await startTargetServer()
    sink = await startWebhookSink()
    if (broker === 'Mosquitto') mosquitto = await startMosquitto()
    network = await startNetwork({
      name: 'vantage-e2e-',
      regions: REGIONS,
      monitors: {
        project: 'E2E',
        defaults: { regions: REGIONS, every: '1s', timeout: '2s' },
        channels: [
          { type: 'console', name: 'console' },
          { type: 'webhook', name: 'sink', url: sink.url },
        ],
        checks: [
          {
            kind: 'http',
            id: 'site',
            name: 'Site',
            url: `${target.url}/`,
            alert: { quorum: 2, failAfter: 2, recoverAfter: 2 },
          },
        ],
      },
      hubArgs: mosquitto ? ['--broker', mosquitto.url] : [],
    })
  })

  afterAll(async () => {
    await network?.stop()
    await mosquitto?.stop()
    await target?.close()
    await sink?.close()
  })

  const getCheck = () => network.getJson('/api/v1/checks/site')

  it('alerts when the target is down in all regions, resolves when it is back, and shows the dip', async () => {
    await network.everyRegionUp()

    await target.setMode('error')
    const fired = await waitFor('an alert at the webhook sink', () =>
      sink.received.find((hit) => hit.body.type === 'alert.fired'),
    )
    expect(fired.body.check.id).toBe('site')
    expect(fired.body.regions.length).toBeGreaterThanOrEqual(2)
    expect(network.hub.output()).toMatch(/ALERT.*site/)

    await target.setMode('ok')
    const resolved = await waitFor('a resolve at the webhook sink', () =>
      sink.received.find((hit) => hit.body.type === 'alert.resolved'),
    )
    expect(resolved.body.incidentId).toBe(fired.body.incidentId)
    expect(sink.received.filter((hit) => hit.body.type === 'alert.fired')).toHaveLength(1)

    const check = await getCheck()
    expect(check.availability['1h'].overall).toBeLessThan(1)
    expect(check.availability['1h'].overall).toBeGreaterThan(0)
    for (const region of REGIONS) {
      expect(check.availability['1h'].regions[region]).toBeLessThan(1)
    }
  })

  it('stops every process cleanly', async () => {
    const codes = await Promise.all(network.probes.splice(0).map((probe) => probe.stop()))
    expect(codes).toEqual([0, 0, 0])
    expect(await network.hub.stop()).toBe(0)
  })
})
