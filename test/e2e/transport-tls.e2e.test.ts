/**
 * MQTT over TLS to the embedded broker, with real processes and openssl-made
 * certificates: the hub requires client certificates from its CA
 * (`--mqtt-tls-cert/--mqtt-tls-key/--mqtt-tls-ca`), a probe connects over
 * mqtts:// with `--ca/--cert/--key` and delivers results, identified by its
 * certificate's CN. A client without a certificate, or with another probe's, is refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasOpenssl } from '../fixtures/loopback-cert.ts'
import { connectClient, refusalCode } from '../fixtures/mqtt-clients.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { makeTestCa, type TestCa } from '../fixtures/test-ca.ts'
import {
  startHubProcess,
  startProbeProcess,
  siteMonitors,
  waitFor,
  writeMonitors,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

describe.runIf(hasOpenssl())('MQTT over TLS with client certificates', () => {
  let dir: string
  let ca: TestCa
  let target: TargetServer
  let hub: HubProcess
  let probe: VantageProcess

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-tls-'))
    ca = makeTestCa(dir)
    target = await startTargetServer()
    const checksFile = writeMonitors(dir, siteMonitors(`${target.url}/`))
    hub = await startHubProcess({
      checksFile,
      dataDir: join(dir, 'hub'),
      insecureDemo: false,
      args: [
        ...['--mqtt-tls-cert', ca.server.cert, '--mqtt-tls-key', ca.server.key],
        ...['--mqtt-tls-ca', ca.ca],
      ],
    })
  })

  afterAll(async () => {
    await probe?.stop()
    await hub?.stop()
    await target?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('delivers results from a probe that connects with its certificate', async () => {
    expect(hub.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/)
    const client = ca.client('eu-west-1')
    probe = await startProbeProcess({
      mqttUrl: hub.mqttUrl,
      id: 'eu-west-1',
      region: 'eu-west',
      dataDir: join(dir, 'probe'),
      hubKeyFile: join(dir, 'hub', 'hub-key.pub.pem'),
      args: ['--ca', ca.ca, '--cert', client.cert, '--key', client.key],
    })
    await waitFor('results over mqtts', async () => {
      const check = (await (await fetch(`${hub.httpUrl}/api/v1/checks/site`)).json()) as any
      return check.regions?.['eu-west']?.latest?.status === 'up'
    })
  })

  it('refuses a client without a certificate, and a certificate used for another probe', async () => {
    const trust = { ca: readFileSync(ca.ca) }
    await expect(
      connectClient(hub.mqttUrl, { ...trust, clientId: 'vantage-probe-eu-west-1' }),
    ).rejects.toThrow()
    const other = ca.client('eu-west-2')
    const withOther = { ...trust, cert: readFileSync(other.cert), key: readFileSync(other.key) }
    expect(
      await refusalCode(hub.mqttUrl, { ...withOther, clientId: 'vantage-probe-eu-west-1' }),
    ).toBe(5)
    expect(
      await refusalCode(hub.mqttUrl, { ...withOther, clientId: 'vantage-probe-eu-west-2' }),
    ).toBe(0)
  })
})
