/**
 * Mistakes in a probe's flags that retrying cannot fix, and what the probe says about
 * them: a --hub-key that is not the hub's stops it at first start (exit 3) instead of
 * leaving it idle while it claims to run; mqtts:// without --ca names the flag that is
 * missing; and a probe without --hub-key says, as it starts, that it runs any bundle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasOpenssl } from '../fixtures/loopback-cert.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { makeTestCa, type TestCa } from '../fixtures/test-ca.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { siteMonitors, startNetwork, type Network } from './network.ts'
import { waitFor, type VantageProcess } from './processes.ts'

const exitCode = (probe: VantageProcess) =>
  new Promise<number | null>((resolve) => {
    if (probe.child.exitCode !== null) resolve(probe.child.exitCode)
    else probe.child.once('exit', (code) => resolve(code))
  })

describe.runIf(hasOpenssl())('a misconfigured probe', () => {
  const caDir = useTempDir('vantage-misconfig-ca-')
  let ca: TestCa
  let target: TargetServer
  let network: Network

  beforeAll(async () => {
    ca = makeTestCa(caDir.path)
    target = await startTargetServer()
    network = await startNetwork({
      name: 'vantage-misconfig-',
      monitors: siteMonitors(`${target.url}/`),
      hubArgs: ['--mqtt-tls-cert', ca.server.cert, '--mqtt-tls-key', ca.server.key],
    })
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  it('exits with code 3 at first start when --hub-key pins another key', async () => {
    const wrong = `sha256:${'ab'.repeat(32)}`
    const probe = await network.startProbe({
      id: 'eu-west-1',
      region: 'eu-west',
      hubKey: wrong,
      args: ['--ca', ca.ca],
    })
    expect(await exitCode(probe)).toBe(3)
    const said = probe.logs()
    expect(said).toContain(`not by the pinned hub key ${wrong}`)
    expect(said).toMatch(/--hub-key/)
    expect(said).toContain('vantage hub --print-key-fingerprint')
  })

  it('names --ca when mqtts:// does not verify the broker\u2019s certificate', async () => {
    const probe = await network.startProbe({ id: 'eu-west-2', region: 'eu-west' })
    const hint = await waitFor('the TLS error', () =>
      probe
        .logs()
        .split('\n')
        .find((line) => line.includes('unable to verify the first certificate')),
    )
    expect(hint).toContain('--ca')
    // Three attempts or so, one line: the same error is not repeated on every retry.
    await waitFor('a few reconnects', () => probe.logs().split('reconnecting to broker').length > 3)
    const warnings = probe
      .logs()
      .split('\n')
      .filter((line) => line.includes('"level":40') && line.includes('first certificate'))
    expect(warnings).toHaveLength(1)
    expect(probe.child.exitCode).toBeNull()
    await probe.stop()
  })

  it('warns at start that a probe without --hub-key runs any bundle', async () => {
    const probe = await network.startProbe({
      id: 'eu-west-3',
      region: 'eu-west',
      hubKey: false,
      args: ['--ca', ca.ca],
    })
    expect(probe.logs()).toMatch(/WARNING: no --hub-key/)
    await probe.stop()
  })
})
