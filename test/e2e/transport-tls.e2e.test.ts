/**
 * MQTT over TLS to the embedded broker, with real processes and openssl-made
 * certificates: the hub requires client certificates from its CA
 * (`--mqtt-tls-cert/--mqtt-tls-key/--mqtt-tls-ca`), a probe connects over
 * mqtts:// with `--ca/--cert/--key` and delivers results, identified by its
 * certificate's CN. A client without a certificate, or with another probe's, is refused.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasOpenssl } from '../fixtures/loopback-cert.ts'
import { connectClient, refusalCode } from '../fixtures/mqtt-clients.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { makeTestCa, type TestCa } from '../fixtures/test-ca.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { siteMonitors, startNetwork, type Network } from './network.ts'

describe.runIf(hasOpenssl())('MQTT over TLS with client certificates', () => {
  // The CA's files, which the hub's flags name: made before the network, removed after it.
  const caDir = useTempDir('vantage-tls-ca-')
  let ca: TestCa
  let target: TargetServer
  let network: Network

  beforeAll(async () => {
    ca = makeTestCa(caDir.path)
    target = await startTargetServer()
    network = await startNetwork({
      name: 'vantage-tls-',
      monitors: siteMonitors(`${target.url}/`),
      insecureDemo: false,
      hubArgs: [
        ...['--mqtt-tls-cert', ca.server.cert, '--mqtt-tls-key', ca.server.key],
        ...['--mqtt-tls-ca', ca.ca],
      ],
    })
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  it('delivers results from a probe that connects with its certificate', async () => {
    expect(network.hub.mqttUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/)
    const client = ca.client('eu-west-1')
    await network.startProbe({
      id: 'eu-west-1',
      region: 'eu-west',
      args: ['--ca', ca.ca, '--cert', client.cert, '--key', client.key],
    })
    await network.everyRegionUp()
  })

  it('refuses a client without a certificate, and a certificate used for another probe', async () => {
    const trust = { ca: readFileSync(ca.ca) }
    await expect(
      connectClient(network.hub.mqttUrl, { ...trust, clientId: 'vantage-probe-eu-west-1' }),
    ).rejects.toThrow()
    const other = ca.client('eu-west-2')
    const withOther = { ...trust, cert: readFileSync(other.cert), key: readFileSync(other.key) }
    expect(
      await refusalCode(network.hub.mqttUrl, { ...withOther, clientId: 'vantage-probe-eu-west-1' }),
    ).toBe(5)
    expect(
      await refusalCode(network.hub.mqttUrl, { ...withOther, clientId: 'vantage-probe-eu-west-2' }),
    ).toBe(0)
  })
})
