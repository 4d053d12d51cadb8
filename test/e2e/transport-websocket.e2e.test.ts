/**
 * MQTT over WebSocket at /mqtt on the hub's HTTP port, with real processes: a probe
 * with a token connects to ws://127.0.0.1:PORT/mqtt and delivers results; the same
 * access control applies there as on the TCP port.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refusalCode } from '../fixtures/mqtt-clients.ts'
import { vantageCli } from '../fixtures/secured-mosquitto.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import {
  startHubProcess,
  startProbeProcess,
  siteMonitors,
  waitFor,
  writeMonitors,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

describe('MQTT over WebSocket on the hub\u2019s HTTP port', () => {
  let dir: string
  let target: TargetServer
  let hub: HubProcess
  let probe: VantageProcess
  let wsUrl: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-ws-'))
    target = await startTargetServer()
    const checksFile = writeMonitors(dir, siteMonitors(`${target.url}/`))
    hub = await startHubProcess({ checksFile, dataDir: join(dir, 'hub'), insecureDemo: false })
    wsUrl = `${hub.httpUrl.replace(/^http/, 'ws')}/mqtt`
  })

  afterAll(async () => {
    await probe?.stop()
    await hub?.stop()
    await target?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('prints the WebSocket URL', () => {
    expect(hub.output()).toMatch(/MQTT over WS\s+ws:\/\/\S+:\d+\/mqtt/)
  })

  it('carries a probe\u2019s results', async () => {
    const { token } = JSON.parse(
      vantageCli([
        ...['token', 'create', 'probe', 'eu-west-1', '--region', 'eu-west'],
        ...['--data', join(dir, 'hub'), '--json'],
      ]),
    ) as { token: string }
    probe = await startProbeProcess({
      mqttUrl: wsUrl,
      id: 'eu-west-1',
      region: 'eu-west',
      dataDir: join(dir, 'probe'),
      hubKeyFile: join(dir, 'hub', 'hub-key.pub.pem'),
      username: 'eu-west-1',
      password: token,
    })
    await waitFor('results over WebSocket', async () => {
      const check = (await (await fetch(`${hub.httpUrl}/api/v1/checks/site`)).json()) as any
      return check.regions?.['eu-west']?.latest?.status === 'up'
    })
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
    expect(probe.child.exitCode).toBeNull()
    const started = Date.now()
    expect(await hub.stop()).toBe(0)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})
