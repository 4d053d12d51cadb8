/**
 * Per-probe tokens with real processes: a hub without --insecure-demo, a token
 * made with `vantage token create` while it runs, a probe that delivers with it;
 * a wrong token or none makes the probe exit with code 3 and say why (no retry
 * loop), and revoking the token drops a running probe the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { refusalCode } from '../fixtures/mqtt-clients.ts'
import { vantageCli } from '../fixtures/secured-mosquitto.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { siteMonitors, startNetwork, type Network } from './network.ts'
import { waitFor, type VantageProcess } from './processes.ts'

describe('probe credentials on a hub without --insecure-demo', () => {
  let target: TargetServer
  let network: Network

  const createToken = (probeId: string) =>
    (
      JSON.parse(
        vantageCli([
          ...['token', 'create', 'probe', probeId, '--region', 'eu-west'],
          ...['--data', network.hubDir, '--json'],
        ]),
      ) as { token: string }
    ).token
  const start = (id: string, credentials: { username?: string; password?: string }) =>
    network.startProbe({ id, region: 'eu-west', ...credentials })
  const exitCode = (probe: VantageProcess) =>
    new Promise<number | null>((resolve) => {
      if (probe.child.exitCode !== null) resolve(probe.child.exitCode)
      else probe.child.once('exit', (code) => resolve(code))
    })
  const refusals = (clientId: string) =>
    network.hub
      .logs()
      .split('\n')
      .filter((line) => line.includes('refused an MQTT client') && line.includes(clientId)).length

  beforeAll(async () => {
    target = await startTargetServer()
    network = await startNetwork({
      name: 'vantage-credentials-e2e-',
      monitors: siteMonitors(`${target.url}/`),
      insecureDemo: false,
    })
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  it('does not print the insecure-demo warning', () => {
    expect(network.hub.output()).not.toMatch(/insecure-demo/)
  })

  it('accepts a probe with a token created while the hub runs', async () => {
    const token = createToken('eu-west-1')
    await start('eu-west-1', { username: 'eu-west-1', password: token })
    await network.everyRegionUp()
  })

  it('stops a probe with a wrong token: exit code 3, a clear message, one attempt', async () => {
    createToken('eu-west-2')
    const probe = await start('eu-west-2', { username: 'eu-west-2', password: 'not-the-token' })
    expect(await exitCode(probe)).toBe(3)
    expect(probe.logs()).toMatch(
      /refused the connection \(Connection refused: Bad username or password\)/,
    )
    expect(probe.logs()).toContain('vantage token create probe eu-west-2')
    // Any retry came before the probe exited, so before this marker client connects:
    // once the hub has logged refusing the marker, it has logged every attempt.
    await refusalCode(network.hub.mqttUrl, { clientId: 'vantage-probe-marker' })
    await waitFor('the hub to log the marker client refused', () =>
      refusals('vantage-probe-marker'),
    )
    expect(refusals('vantage-probe-eu-west-2')).toBe(1)
  })

  it('stops a probe without credentials the same way', async () => {
    const probe = await start('eu-west-3', {})
    expect(await exitCode(probe)).toBe(3)
    expect(probe.logs()).toMatch(/Not authorized/)
    expect(probe.logs()).toContain('--username eu-west-3 --password <token>')
  })

  it('drops a running probe whose token is revoked, which then exits with code 3', async () => {
    const probe = network.probe('eu-west-1')
    expect(probe.child.exitCode).toBeNull()
    const printed = vantageCli(['token', 'revoke', 'eu-west-1', '--data', network.hubDir])
    expect(printed).toContain('Revoked the token of probe eu-west-1')
    expect(await exitCode(probe)).toBe(3)
    expect(probe.logs()).toMatch(/Bad username or password/)
  })
})
