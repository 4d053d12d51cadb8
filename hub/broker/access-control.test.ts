/**
 * What only the embedded broker checks, against a real aedes on loopback: the
 * client id must match the probe, the hub's name is not usable from the network,
 * a token binds the probe to its region, and what `--insecure-demo` lets through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../lib/logger.ts'
import {
  connectClient,
  publishOnce,
  refusalCode,
  type TestClient,
} from '../../test/fixtures/mqtt-clients.ts'
import { useTempDir } from '../../test/fixtures/temp-dir.ts'
import { createProbeToken, credentialsPath } from './credentials.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts'

const T = 'vantage/v1'
const status = (region: string) => JSON.stringify({ state: 'online', probeId: 'eu-west-1', region })

describe.each([false, true])('the embedded broker (insecure demo: %s)', (insecureDemo) => {
  const dir = useTempDir('vantage-access-')
  let broker: EmbeddedBroker
  let token: string
  let observer: TestClient
  const probe = { clientId: 'vantage-probe-eu-west-1', username: 'eu-west-1' }

  beforeAll(async () => {
    token = createProbeToken(credentialsPath(dir.path), {
      probeId: 'eu-west-1',
      region: 'eu-west',
    }).token
    broker = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger(),
      credentialsFile: credentialsPath(dir.path),
      insecureDemo,
    })
    const internal = broker.internalClient()
    observer = await connectClient(internal.streamBuilder, {
      clientId: 'observer',
      username: internal.username,
      password: internal.password,
    })
    await observer.subscribe([`${T}/#`])
  })

  afterAll(async () => {
    await observer?.end()
    await broker?.close()
  })

  it('accepts a probe only under its own client id, and a token only with its probe', async () => {
    expect(await refusalCode(broker.url, { ...probe, password: token })).toBe(0)
    expect(
      await refusalCode(broker.url, {
        ...probe,
        clientId: 'vantage-probe-eu-west-2',
        password: token,
      }),
    ).toBe(5)
    expect(await refusalCode(broker.url, { ...probe, password: 'wrong' })).toBe(4)
  })

  it('keeps the hub\u2019s own name off the network', async () => {
    const internal = broker.internalClient()
    const code = await refusalCode(broker.url, {
      clientId: 'vantage-hub-x',
      username: internal.username,
      password: internal.password,
    })
    expect(code).toBe(4)
  })

  it('lets a probe announce only the region its token was made for', async () => {
    const as = { ...probe, password: token }
    expect(
      await publishOnce(broker.url, as, `${T}/probes/eu-west-1/status`, status('us-east')),
    ).toBe('disconnected')
    expect(
      await publishOnce(broker.url, as, `${T}/probes/eu-west-1/status`, status('eu-west')),
    ).toBe('acked')
    await observer.next(`${T}/probes/eu-west-1/status`, status('eu-west'))
    expect(observer.received.some((m) => m.payload.includes('us-east'))).toBe(false)
  })

  it('refuses anonymous clients unless in insecure demo mode, and then keeps the topic rules', async () => {
    const anonymous = { clientId: 'vantage-probe-demo-1' }
    if (!insecureDemo) {
      expect(await refusalCode(broker.url, anonymous)).toBe(5)
      return
    }
    // Anonymous, the client is the probe its client id names, with that probe's rules.
    expect(await publishOnce(broker.url, anonymous, `${T}/results/0/demo-1`, 'mine')).toBe('acked')
    await observer.next(`${T}/results/0/demo-1`, 'mine')
    for (const topic of [`${T}/results/0/demo-2`, `${T}/config`]) {
      expect(await publishOnce(broker.url, anonymous, topic, 'forged')).toBe('disconnected')
    }
    // A bare client id is a probe id too (tools and tests that connect without the prefix).
    expect(
      await publishOnce(broker.url, { clientId: 'demo-2' }, `${T}/results/0/demo-2`, 'bare'),
    ).toBe('acked')
    // A probe that has a token must use it, demo or not.
    expect(await refusalCode(broker.url, { clientId: 'vantage-probe-eu-west-1' })).toBe(5)
    expect(observer.received.some((m) => m.payload === 'forged')).toBe(false)
  })
})
