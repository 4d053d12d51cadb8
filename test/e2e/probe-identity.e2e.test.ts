/**
 * One probe per id, in the region its token was made for, with real processes on a hub
 * without --insecure-demo. A probe started with the wrong --region, or a second probe
 * with a live probe's id, used to take over the real probe's MQTT session on every
 * connect: the real one lost its connection over and over and nobody said why. Now
 * the newcomer is refused, says why and exits with code 3, and the real probe never
 * notices; and --id has no default, so two hosts cannot share one by accident.
 * Mosquitto cannot refuse a second connection with a client id, so there the newcomer
 * notices the running probe's status under its own id and stops.
 */
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks } from '../fixtures/mosquitto.ts'
import { refusalCode } from '../fixtures/mqtt-clients.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import {
  startSecuredMosquitto,
  vantageCli,
  type SecuredMosquitto,
} from '../fixtures/secured-mosquitto.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { siteMonitors, startNetwork, type Network, type NetworkProbe } from './network.ts'
import { startProbeProcess, waitFor, type VantageProcess } from './processes.ts'

const VANTAGE_BIN = fileURLToPath(new URL('../../bin/vantage.js', import.meta.url))
const STATUS = 'vantage/v1/probes/eu-west-1/status'

const exitCode = (probe: VantageProcess) =>
  new Promise<number | null>((resolve) => {
    if (probe.child.exitCode !== null) resolve(probe.child.exitCode)
    else probe.child.once('exit', (code) => resolve(code))
  })

/** Runs `vantage probe` to its end: for a probe that stops before it runs. */
function probeRun(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { VANTAGE_PROBE_ID: _id, ...inherited } = process.env
  return spawnSync(process.execPath, [VANTAGE_BIN, 'probe', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...inherited, ...env },
  })
}

describe('probe ids and regions on a hub without --insecure-demo', () => {
  let target: TargetServer
  let network: Network
  let real: NetworkProbe
  let token: string

  beforeAll(async () => {
    target = await startTargetServer()
    network = await startNetwork({
      name: 'vantage-identity-',
      monitors: siteMonitors(`${target.url}/`),
      insecureDemo: false,
    })
    token = (
      JSON.parse(
        vantageCli([
          ...['token', 'create', 'probe', 'eu-west-1', '--region', 'eu-west'],
          ...['--data', network.hubDir, '--json'],
        ]),
      ) as { token: string }
    ).token
    real = await network.startProbe({
      id: 'eu-west-1',
      region: 'eu-west',
      username: 'eu-west-1',
      password: token,
    })
    await network.everyRegionUp()
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  it('stops a probe whose token is for another region, and the hub refuses it too', async () => {
    const wrong = probeRun(
      [
        ...['--hub', network.hub.mqttUrl, '--id', 'eu-west-1', '--region', 'us-east'],
        ...['--username', 'eu-west-1', '--data', join(network.dir, 'wrong-region')],
      ],
      { VANTAGE_PASSWORD: token },
    )
    expect(wrong.status).toBe(3)
    expect(wrong.stderr).toContain('token eu-west-1 is for region eu-west, not us-east')

    // A client that does not read its token (an older probe) is refused by the hub at connect.
    const will = { topic: STATUS, payload: Buffer.from(JSON.stringify({ region: 'us-east' })) }
    const credentials = { username: 'eu-west-1', password: token }
    expect(
      await refusalCode(network.hub.mqttUrl, {
        clientId: 'vantage-probe-eu-west-1',
        ...credentials,
        will: { ...will, qos: 1, retain: true },
      }),
    ).toBe(5)
    await waitFor('the hub to log why', () =>
      network.hub.logs().includes('token eu-west-1 is for region eu-west, not us-east'),
    )
    expect(real.logs()).not.toContain('lost the broker connection')
  })

  it('refuses a second probe with a live probe\u2019s id, which says why and exits', async () => {
    const second = await network.startProbe({
      id: 'eu-west-1',
      region: 'eu-west',
      username: 'eu-west-1',
      password: token,
      dataDir: join(network.dir, 'second'),
    })
    // It retries for 1.5 keepalives (--keepalive 5) in case it is meeting its own old connection.
    expect(await exitCode(second)).toBe(3)
    expect(second.logs()).toContain('another probe with id eu-west-1 is connected')
    expect(second.logs()).not.toMatch(/EPIPE/)
    await waitFor('the hub to log why', () =>
      network.hub.logs().includes('another probe with id eu-west-1 is connected'),
    )
    expect(real.logs()).not.toContain('lost the broker connection')
    expect(real.child.exitCode).toBeNull()
    await network.everyRegionUp()
  })

  it('needs --id, and suggests the host name', () => {
    const run = probeRun(['--hub', 'mqtt://127.0.0.1:1', '--region', 'eu-west'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('--id is required')
    expect(run.stderr).toContain(hostname().slice(0, 20))
  })
})

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))(
  'a second probe with a live probe\u2019s id, through Mosquitto',
  () => {
    const dir = useTempDir('vantage-identity-mosquitto-')
    let broker: SecuredMosquitto
    let target: TargetServer
    let hub: TestHub
    const probes: VantageProcess[] = []

    beforeAll(async () => {
      broker = await startSecuredMosquitto(join(dir.path, 'hub'))
      target = await startTargetServer()
      hub = await startTestHub(siteMonitors(`${target.url}/`), {
        dataDir: join(dir.path, 'hub'),
        brokerUrl: broker.url,
        brokerUsername: broker.hub.username,
        brokerPassword: broker.hub.password,
      })
    })

    afterAll(async () => {
      await Promise.all(probes.map((probe) => probe.stop()))
      await hub?.close()
      await target?.close()
      await broker?.stop()
    })

    it('stops the newcomer, which says why, and the first probe runs on', async () => {
      const credentials = await broker.createProbe('eu-west-1', 'eu-west')
      const start = async (name: string) => {
        const probe = await startProbeProcess({
          mqttUrl: broker.url,
          id: 'eu-west-1',
          region: 'eu-west',
          dataDir: join(dir.path, name),
          hubKeyFile: join(dir.path, 'hub', 'hub-key.pub.pem'),
          ...credentials,
        })
        probes.push(probe)
        return probe
      }
      const first = await start('first')
      await waitFor('results from the first probe', () => hub.results.countRaw('site') >= 2)
      const second = await start('second')
      expect(await exitCode(second)).toBe(3)
      expect(second.logs()).toContain('another probe with id eu-west-1 connected')
      const stored = hub.results.countRaw('site')
      await waitFor(
        'the first probe to keep delivering',
        () => hub.results.countRaw('site') > stored + 2,
      )
      expect(first.child.exitCode).toBeNull()
    })
  },
)
