/**
 * Interop with a real Mosquitto: the hub runs with `--broker` against it, a probe
 * process connects to it, and results flow, get stored and acked.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { startProbeProcess, waitFor, type VantageProcess } from './processes.ts'

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))(
  'through a real Mosquitto broker',
  () => {
    const dir = useTempDir('vantage-mosquitto-e2e-')
    let broker: Mosquitto
    let target: TargetServer
    let hub: TestHub
    let probe: VantageProcess

    beforeAll(async () => {
      broker = await startMosquitto()
      target = await startTargetServer()
      hub = await startTestHub(
        {
          defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
          checks: [{ kind: 'http', id: 'site', url: `${target.url}/` }],
        },
        { dataDir: join(dir.path, 'hub'), brokerUrl: broker.url },
      )
      probe = await startProbeProcess({
        mqttUrl: broker.url,
        id: 'eu-west-1',
        region: 'eu-west',
        dataDir: join(dir.path, 'probe'),
        hubKeyFile: join(dir.path, 'hub', 'hub-key.pub.pem'),
      })
    })

    afterAll(async () => {
      await probe?.stop()
      await hub?.close()
      await target?.close()
      await broker?.stop()
    })

    it('carries the signed config, results and acks', async () => {
      await waitFor('results stored through Mosquitto', () => hub.results.countRaw('site') >= 3)
      const probes = (await (await fetch(`${hub.httpUrl}/api/v1/probes`)).json()) as Array<{
        probeId: string
        state: string
      }>
      expect(probes.find((p) => p.probeId === 'eu-west-1')?.state).toBe('online')
      expect(hub.ingest.counters.rejectedMessages).toBe(0)
      const check = (await (await fetch(`${hub.httpUrl}/api/v1/checks/site`)).json()) as any
      expect(check.state.status).toBe('up')
    })
  },
)
