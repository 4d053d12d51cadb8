/**
 * Per-probe tokens with real processes: a hub without --insecure-demo, a token
 * made with `vantage token create` while it runs, a probe that delivers with it;
 * a wrong token or none makes the probe exit with code 3 and say why (no retry
 * loop), and revoking the token drops a running probe the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

describe('probe credentials on a hub without --insecure-demo', () => {
  let dir: string
  let target: TargetServer
  let hub: HubProcess
  const probes: VantageProcess[] = []

  const hubData = () => join(dir, 'hub')
  const createToken = (probeId: string) =>
    (
      JSON.parse(
        vantageCli([
          ...['token', 'create', 'probe', probeId, '--region', 'eu-west'],
          ...['--data', hubData(), '--json'],
        ]),
      ) as { token: string }
    ).token
  const start = async (id: string, credentials: { username?: string; password?: string }) => {
    const probe = await startProbeProcess({
      mqttUrl: hub.mqttUrl,
      id,
      region: 'eu-west',
      dataDir: join(dir, id),
      hubKeyFile: join(hubData(), 'hub-key.pub.pem'),
      ...credentials,
    })
    probes.push(probe)
    return probe
  }
  const exitCode = (probe: VantageProcess) =>
    new Promise<number | null>((resolve) => {
      if (probe.child.exitCode !== null) resolve(probe.child.exitCode)
      else probe.child.once('exit', (code) => resolve(code))
    })
  const refusals = (clientId: string) =>
    hub
      .logs()
      .split('\n')
      .filter((line) => line.includes('refused an MQTT client') && line.includes(clientId)).length

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-credentials-e2e-'))
    target = await startTargetServer()
    const checksFile = writeMonitors(dir, siteMonitors(`${target.url}/`))
    hub = await startHubProcess({ checksFile, dataDir: hubData(), insecureDemo: false })
  })

  afterAll(async () => {
    await Promise.all(probes.map((probe) => probe.stop()))
    await hub?.stop()
    await target?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('does not print the insecure-demo warning', () => {
    expect(hub.output()).not.toMatch(/insecure-demo/)
  })

  it('accepts a probe with a token created while the hub runs', async () => {
    const token = createToken('eu-west-1')
    await start('eu-west-1', { username: 'eu-west-1', password: token })
    await waitFor('results from the probe with a token', async () => {
      const check = (await (await fetch(`${hub.httpUrl}/api/v1/checks/site`)).json()) as any
      return check.regions?.['eu-west']?.latest?.status === 'up'
    })
  })

  it('stops a probe with a wrong token: exit code 3, a clear message, one attempt', async () => {
    createToken('eu-west-2')
    const probe = await start('eu-west-2', { username: 'eu-west-2', password: 'not-the-token' })
    expect(await exitCode(probe)).toBe(3)
    expect(probe.logs()).toMatch(
      /refused the connection \(Connection refused: Bad username or password\)/,
    )
    expect(probe.logs()).toContain('vantage token create probe eu-west-2')
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(refusals('vantage-probe-eu-west-2')).toBe(1)
  })

  it('stops a probe without credentials the same way', async () => {
    const probe = await start('eu-west-3', {})
    expect(await exitCode(probe)).toBe(3)
    expect(probe.logs()).toMatch(/Not authorized/)
    expect(probe.logs()).toContain('--username eu-west-3 --password <token>')
  })

  it('drops a running probe whose token is revoked, which then exits with code 3', async () => {
    const probe = probes[0]!
    expect(probe.child.exitCode).toBeNull()
    const printed = vantageCli(['token', 'revoke', 'eu-west-1', '--data', hubData()])
    expect(printed).toContain('Revoked the token of probe eu-west-1')
    expect(await exitCode(probe)).toBe(3)
    expect(probe.logs()).toMatch(/Bad username or password/)
  })
})
