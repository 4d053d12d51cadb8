/**
 * Tampering through a real Mosquitto set up by `vantage infra mosquitto`: an
 * attacker with a probe's broker credentials cannot publish to `config` at all
 * (ACL); an attacker with the hub's broker credentials can, but without the hub's
 * signing key the probe (started with --hub-key) rejects a forged or re-signed
 * bundle, says so in its status (`stats.bundlesRejected`), and keeps running the
 * last good bundle.
 */
import { generateKeyPairSync } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signBundle, type Bundle, type BundleEnvelope } from '../../checks/bundle.ts'
import { mosquittoWorks } from '../fixtures/mosquitto.ts'
import { connectClient, publishOnce, type TestClient } from '../fixtures/mqtt-clients.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startSecuredMosquitto, type SecuredMosquitto } from '../fixtures/secured-mosquitto.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { startProbeProcess, waitFor, type VantageProcess } from './processes.ts'

const CONFIG = 'vantage/v1/config'
const STATUS = 'vantage/v1/probes/eu-west-1/status'

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))('a tampered config bundle', () => {
  const dir = useTempDir('vantage-tamper-')
  let broker: SecuredMosquitto
  let target: TargetServer
  let hub: TestHub
  let probe: VantageProcess
  let watcher: TestClient

  beforeAll(async () => {
    broker = await startSecuredMosquitto(join(dir.path, 'hub'))
    target = await startTargetServer()
    hub = await startTestHub(
      {
        defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
        checks: [{ kind: 'http', id: 'site', url: `${target.url}/` }],
      },
      {
        dataDir: join(dir.path, 'hub'),
        brokerUrl: broker.url,
        brokerUsername: broker.hub.username,
        brokerPassword: broker.hub.password,
      },
    )
    const credentials = await broker.createProbe('eu-west-1', 'eu-west')
    probe = await startProbeProcess({
      mqttUrl: broker.url,
      id: 'eu-west-1',
      region: 'eu-west',
      dataDir: join(dir.path, 'probe'),
      hubKeyFile: join(dir.path, 'hub', 'hub-key.pub.pem'),
      ...credentials,
    })
    watcher = await connectClient(broker.url, { clientId: 'watcher', ...broker.hub })
    await watcher.subscribe([CONFIG, STATUS])
  })

  afterAll(async () => {
    await watcher?.end()
    await probe?.stop()
    await hub?.close()
    await target?.close()
    await broker?.stop()
  })

  const latestStatus = () => {
    const last = watcher.received.filter((m) => m.topic === STATUS).at(-1)
    return last && (JSON.parse(last.payload) as { stats: Record<string, number | string> })
  }

  it('cannot come from a probe, is rejected from anyone else, and the last good bundle runs on', async () => {
    await waitFor('the probe to run the hub\u2019s bundle', () => hub.results.countRaw('site') >= 2)
    const good = JSON.parse((await watcher.next(CONFIG)).payload) as BundleEnvelope
    const bundle = JSON.parse(Buffer.from(good.bundle, 'base64').toString()) as Bundle
    const evil: Bundle = {
      ...bundle,
      seq: bundle.seq + 1,
      version: `${bundle.seq + 1}-evil`,
      checks: bundle.checks.map((check) => ({ ...check, url: 'http://127.0.0.1:9/stolen' })),
    }

    // With a probe's credentials the ACL drops the publish: nothing reaches the config topic.
    const thief = await broker.createProbe('eu-west-2', 'eu-west')
    const asProbe = { clientId: 'vantage-probe-eu-west-2', ...thief }
    const forged = JSON.stringify(signBundle(evil, generateKeyPairSync('ed25519').privateKey))
    expect(await publishOnce(broker.url, asProbe, CONFIG, forged, true)).toBe('acked')

    // With the hub's broker credentials it gets through, but neither a bundle signed by
    // another key nor the hub's signature over changed bytes verifies.
    const asHub = { clientId: 'attacker', ...broker.hub }
    const altered = JSON.stringify({
      ...good,
      bundle: Buffer.from(JSON.stringify(evil)).toString('base64'),
    })
    for (const payload of [forged, altered]) {
      expect(await publishOnce(broker.url, asHub, CONFIG, payload, true)).toBe('acked')
      await watcher.next(CONFIG, payload)
    }
    const before = hub.results.countRaw('site')

    const status = await waitFor(
      'the probe to report both rejected bundles',
      () => {
        const latest = latestStatus()
        return latest && Number(latest.stats.bundlesRejected) >= 2 ? latest : undefined
      },
      30_000,
    )
    expect(status.stats.configVersion).toBe(bundle.version)
    expect(probe.logs()).toMatch(/rejected config bundle/)
    expect(probe.logs()).toMatch(/signature does not verify/)
    // The only forged payloads on the config topic came from the hub's user, not the probe's.
    expect(watcher.received.filter((m) => m.topic === CONFIG)).toHaveLength(3)
    await waitFor('the last good bundle to keep producing results', () => {
      return hub.results.countRaw('site') >= before + 3
    })
  })
})
