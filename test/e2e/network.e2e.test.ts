/**
 * The spine end to end, with real processes: a hub and three probe processes
 * monitor a local target. The target goes down in every region, an alert reaches
 * a local webhook sink, it comes back, a resolve arrives, and the API shows the dip.
 * The same run goes through the hub's embedded aedes broker and through a real Mosquitto.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { startWebhookSink, type WebhookSink } from '../fixtures/webhook-sink.ts'
import {
  startHubProcess,
  startRegionProbes,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']
const BROKERS = [
  'embedded aedes',
  ...(toolAvailable('mosquitto', mosquittoWorks()) ? ['Mosquitto'] : []),
]

describe.each(BROKERS)('a hub and three probes, end to end, through %s', (broker) => {
  let dir: string
  let mosquitto: Mosquitto | undefined
  let target: TargetServer
  let sink: WebhookSink
  let hub: HubProcess
  const probes: VantageProcess[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-e2e-'))
    target = await startTargetServer()
    sink = await startWebhookSink()
    const checksFile = join(dir, 'monitors.ts')
    writeFileSync(
      checksFile,
      `export default {
        project: 'E2E',
        defaults: { regions: ${JSON.stringify(REGIONS)}, every: '1s', timeout: '2s' },
        channels: [{ type: 'console', name: 'console' }, { type: 'webhook', name: 'sink', url: '${sink.url}' }],
        checks: [{ kind: 'http', id: 'site', name: 'Site', url: '${target.url}/', alert: { quorum: 2, failAfter: 2, recoverAfter: 2 } }],
      }\n`,
    )
    if (broker === 'Mosquitto') mosquitto = await startMosquitto()
    hub = await startHubProcess({
      checksFile,
      dataDir: join(dir, 'hub'),
      args: mosquitto ? ['--broker', mosquitto.url] : [],
    })
    probes.push(...(await startRegionProbes(hub, REGIONS, dir, join(dir, 'hub'))))
  })

  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.stop()))
    await hub?.stop()
    await mosquitto?.stop()
    await target?.close()
    await sink?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const getCheck = async () =>
    (await fetch(`${hub.httpUrl}/api/v1/checks/site`)).json() as Promise<any>

  it('alerts when the target is down in all regions, resolves when it is back, and shows the dip', async () => {
    await waitFor('every region to report the target up', async () => {
      const check = await getCheck()
      return REGIONS.every((region) => check.regions?.[region]?.latest?.status === 'up')
    })

    await target.setMode('error')
    const fired = await waitFor('an alert at the webhook sink', () =>
      sink.received.find((hit) => hit.body.type === 'alert.fired'),
    )
    expect(fired.body.check.id).toBe('site')
    expect(fired.body.regions.length).toBeGreaterThanOrEqual(2)
    expect(hub.output()).toMatch(/ALERT.*site/)

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
    const codes = await Promise.all(probes.splice(0).map((probe) => probe.stop()))
    expect(codes).toEqual([0, 0, 0])
    expect(await hub.stop()).toBe(0)
  })
})
