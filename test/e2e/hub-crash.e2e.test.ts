/**
 * The hub dies mid-stream. It runs against an external Mosquitto with persistence
 * off, so whatever was in flight to the hub (and any batch published while it is
 * down) is gone from the broker. The hub is killed with SIGKILL and restarted on
 * the same data directory; since probes delete results only on the hub's ack,
 * every result the probe produced is stored, exactly once.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import {
  drainOutbox,
  hubCounts,
  producedResults,
  storedResults,
  waitForStored,
} from './fault-counts.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))(
  'a hub killed mid-stream, with Mosquitto persistence off',
  () => {
    let broker: Mosquitto
    let target: TargetServer
    let network: Network

    beforeAll(async () => {
      broker = await startMosquitto()
      target = await startTargetServer()
      network = await startNetwork({
        name: 'vantage-hub-crash-',
        monitors: `export default {
          defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
          checks: ['a', 'b', 'c'].map((id) => ({ kind: 'http', id, url: '${target.url}/' + id })),
        }\n`,
        hubEnv: { VANTAGE_BROKER: broker.url },
      })
    })

    afterAll(async () => {
      await network?.stop()
      await target?.close()
      await broker?.stop()
    })

    it('loses nothing and stores nothing twice', async () => {
      const hubDb = join(network.hubDir, 'hub.db')
      const probe = await network.startProbe({
        id: 'eu-west-1',
        region: 'eu-west',
        mqttUrl: broker.url,
      })
      await waitFor('results to reach the hub', () => hubCounts(hubDb).raw >= 6)

      network.hub.kill('SIGKILL')
      await network.hub.stop()
      const storedBeforeCrash = hubCounts(hubDb).raw
      // Keep measuring while the hub is gone: these batches reach the broker and nobody.
      await new Promise((resolve) => setTimeout(resolve, 3_000))
      await network.startHub()

      const producedBeforeRestart = producedResults(probe.logs()).map((entry) => entry.id)
      expect(producedBeforeRestart.length).toBeGreaterThan(storedBeforeCrash)
      // Unacked batches are replayed after the probe's ack timeout (15 s).
      await waitForStored(
        hubDb,
        producedBeforeRestart,
        'every result produced before the restart to be stored',
        40_000,
      )

      await probe.stop()
      const produced = producedResults(probe.logs()).map((entry) => entry.id)
      await drainOutbox({
        mqttUrl: broker.url,
        id: 'eu-west-1',
        dataDir: probe.dataDir,
        outboxDb: join(probe.dataDir, 'outbox.db'),
      })

      const stored = storedResults(hubDb)
      expect(new Set(produced).size).toBe(produced.length)
      expect([...stored.keys()].sort()).toEqual([...produced].sort())
      // Rollups count a result when the hub folds its journal, within seconds of storing it.
      await waitFor('the rollups to count every stored result', () => {
        const counts = hubCounts(hubDb)
        return counts.rollup >= counts.raw
      })
      expect(hubCounts(hubDb)).toEqual({
        raw: produced.length,
        distinct: produced.length,
        rollup: produced.length,
      })
    })
  },
)
