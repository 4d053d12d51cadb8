/**
 * MQTT over WebSocket at /mqtt on the hub's HTTP port, with real processes: a probe
 * with a token connects to ws://127.0.0.1:PORT/mqtt and delivers results; the same
 * access control applies there as on the TCP port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refusalCode } from '../fixtures/mqtt-clients.ts'
import { vantageCli } from '../fixtures/secured-mosquitto.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { siteMonitors, startNetwork, type Network } from './network.ts'

describe('MQTT over WebSocket on the hub\u2019s HTTP port', () => {
  let target: TargetServer
  let network: Network
  let wsUrl: string

  beforeAll(async () => {
    target = await startTargetServer()
    network = await startNetwork({
      name: 'vantage-ws-',
      monitors: siteMonitors(`${target.url}/`),
      insecureDemo: false,
    })
    wsUrl = `${network.hub.httpUrl.replace(/^http/, 'ws')}/mqtt`
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  it('prints the WebSocket URL', () => {
    expect(network.hub.output()).toMatch(/MQTT over WS\s+ws:\/\/\S+:\d+\/mqtt/)
  })

  it('carries a probe\u2019s results', async () => {
    const { token } = JSON.parse(
      vantageCli([
        ...['token', 'create', 'probe', 'eu-west-1', '--region', 'eu-west'],
        ...['--data', network.hubDir, '--json'],
      ]),
    ) as { token: string }
    const probe = await network.startProbe({
      id: 'eu-west-1',
      region: 'eu-west',
      mqttUrl: wsUrl,
      username: 'eu-west-1',
      password: token,
    })
    await network.everyRegionUp()
    expect(probe.logs()).toContain(wsUrl)
  })

  it('applies the same access control, and serves nothing but MQTT on upgrade', async () => {
    expect(await refusalCode(wsUrl, { clientId: 'vantage-probe-eu-west-2' })).toBe(5)
    const elsewhere = await refusalCode(wsUrl.replace('/mqtt', '/other'), {
      clientId: 'x',
    }).catch((error: Error) => error)
    expect(elsewhere).toBeInstanceOf(Error)
  })

  it('stops the hub cleanly while a probe is connected over WebSocket', async () => {
    expect(network.probe('eu-west-1').child.exitCode).toBeNull()
    const started = Date.now()
    expect(await network.hub.stop()).toBe(0)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
