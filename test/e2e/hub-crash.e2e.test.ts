/**
 * The hub dies mid-stream. It runs against an external Mosquitto with persistence
 * off, so whatever was in flight to the hub (and any batch published while it is
 * down) is gone from the broker. The hub is killed with SIGKILL and restarted on
 * the same data directory; since probes delete results only on the hub's ack,
 * every result the probe produced is stored, exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))(
  'a hub killed mid-stream, with Mosquitto persistence off',
  () => {
    let dir: string
    let broker: Mosquitto
    let target: TargetServer
    let hub: HubProcess | undefined
    let probe: VantageProcess | undefined
    let checksFile: string

    const startHub = () =>
      startHubProcess({
        checksFile,
        dataDir: join(dir, 'hub'),
        env: { VANTAGE_BROKER: broker.url },
      })

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vantage-hub-crash-'))
      broker = await startMosquitto()
      target = await startTargetServer()
      checksFile = join(dir, 'monitors.ts')
      writeFileSync(
        checksFile,
        `export default {
          defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
          checks: ['a', 'b', 'c'].map((id) => ({ kind: 'http', id, url: '${target.url}/' + id })),
        }\n`,
      )
      hub = await startHub()
    })

    afterAll(async () => {
      await probe?.stop()
      await hub?.stop()
      await target?.close()
      await broker?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    it('loses nothing and stores nothing twice', async () => {
      const hubDb = join(dir, 'hub', 'hub.db')
      const probeDir = join(dir, 'probe')
      probe = await startProbeProcess({
        mqttUrl: broker.url,
        id: 'eu-west-1',
        region: 'eu-west',
        dataDir: probeDir,
      })
      await waitFor('results to reach the hub', () => hubCounts(hubDb).raw >= 6)

      hub!.kill('SIGKILL')
      await hub!.stop()
      const storedBeforeCrash = hubCounts(hubDb).raw
      // Keep measuring while the hub is gone: these batches reach the broker and nobody.
      await new Promise((resolve) => setTimeout(resolve, 3_000))
      hub = await startHub()

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
      probe = undefined
      await drainOutbox({
        mqttUrl: broker.url,
        id: 'eu-west-1',
        dataDir: probeDir,
        outboxDb: join(probeDir, 'outbox.db'),
      })

      const stored = storedResults(hubDb)
      expect(new Set(produced).size).toBe(produced.length)
      expect([...stored.keys()].sort()).toEqual([...produced].sort())
      expect(hubCounts(hubDb)).toEqual({
        raw: produced.length,
        distinct: produced.length,
        rollup: produced.length,
      })
    })
  },
)
