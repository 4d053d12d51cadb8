/**
 * A hub restart behind a broker that stays up (Mosquitto): what the probe sent while the
 * hub was down reached nobody. The hub announces each start on its retained `hub/status`
 * with a new boot id, and a probe that sees one replays its unacked batches at once
 * instead of waiting out its 15 s ack timeout.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { hubCounts, producedResults, storedResults } from './fault-counts.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))(
  'a hub restarted behind Mosquitto',
  () => {
    let broker: Mosquitto
    let target: TargetServer
    let network: Network

    beforeAll(async () => {
      broker = await startMosquitto()
      target = await startTargetServer()
      network = await startNetwork({
        name: 'vantage-hub-restart-',
        monitors: {
          defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
          checks: [{ kind: 'http', id: 'site', url: `${target.url}/` }],
        },
        hubEnv: { VANTAGE_BROKER: broker.url },
      })
    })

    afterAll(async () => {
      await network?.stop()
      await target?.close()
      await broker?.stop()
    })

    it('gets what the probe sent while it was down within seconds of coming back', async () => {
      const hubDb = join(network.hubDir, 'hub.db')
      const probe = await network.startProbe({
        id: 'eu-west-1',
        region: 'eu-west',
        mqttUrl: broker.url,
      })
      await waitFor('results to reach the hub', () => hubCounts(hubDb).raw >= 3)

      await network.hub.stop()
      // These batches reach the broker and nobody.
      await new Promise((resolve) => setTimeout(resolve, 2_000))
      const sentWhileDown = producedResults(probe.logs()).map((entry) => entry.id)
      await network.startHub()
      const back = Date.now()

      await waitFor(
        'what the probe sent while the hub was down',
        () => {
          const stored = storedResults(hubDb)
          return sentWhileDown.every((id) => stored.has(id))
        },
        20_000,
        100,
      )
      // The ack timeout alone would take 15 s less the 2 s the hub was down.
      expect(Date.now() - back).toBeLessThan(6_000)
    })
  },
)
