import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hasOpenssl, loopbackCert, type LoopbackCert } from '../../test/fixtures/loopback-cert.ts'
import {
  DEFAULT_BANNER,
  startBannerServer,
  type BannerServer,
} from '../../test/fixtures/tcp-banner-server.ts'
import { runCheck } from '../run-check.ts'
import { tcpSpecSchema, type TcpSpec } from '../spec.ts'
import { createTcpRunner, run } from './tcp.ts'
import type { RunContext } from './types.ts'

function spec(server: BannerServer, extra: Record<string, unknown> = {}): TcpSpec {
  return tcpSpecSchema.parse({
    kind: 'tcp',
    id: 'smtp',
    regions: ['local'],
    host: server.host,
    port: server.port,
    ...extra,
  })
}

function context(signal = new AbortController().signal): RunContext {
  return { signal, probeId: 'probe-1', region: 'local', now: () => Date.now() }
}

describe('tcp runner against a real loopback banner server', () => {
  let server: BannerServer

  beforeEach(async () => {
    server = await startBannerServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it('is up with the connect time when the port accepts', async () => {
    const outcome = await run(spec(server), context())
    expect(outcome.status).toBe('up')
    expect(outcome.error).toBeUndefined()
    expect(outcome.assertions).toEqual([])
    expect(outcome.phases?.connectMs).toBeGreaterThanOrEqual(0)
    expect(outcome.metrics?.connectMs).toBe(outcome.phases?.connectMs)
    // An IP literal needs no lookup, and plain TCP has no TLS phase.
    expect(outcome.phases?.dnsMs).toBeUndefined()
    expect(outcome.phases?.tlsMs).toBeUndefined()
    expect(server.stats().connections).toBe(1)
  })

  it('gives a valid result through runCheck and the runner registry', async () => {
    const result = await runCheck(spec(server, { expect: { banner: '220' } }), {
      probeId: 'probe-1',
      region: 'local',
      configVersion: '1-test',
      scheduledAt: Date.now(),
      trigger: 'manual',
    })
    expect(result).toMatchObject({ kind: 'tcp', status: 'up', metrics: { responseBytes: 30 } })
  })

  it('measures the lookup when the host is a name', async () => {
    const outcome = await run(spec(server, { host: 'localhost' }), context())
    // localhost may resolve to ::1 first, where nothing listens; either way it was looked up.
    expect(outcome.phases?.dnsMs).toBeGreaterThanOrEqual(0)
  })

  it('is up when the banner contains the expected text', async () => {
    const outcome = await run(spec(server, { expect: { banner: '220 ' } }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.assertions).toEqual([
      {
        name: 'banner',
        ok: true,
        expected: 'contains "220 "',
        actual: JSON.stringify(DEFAULT_BANNER),
      },
    ])
    expect(outcome.phases?.ttfbMs).toBeGreaterThanOrEqual(0)
    expect(outcome.metrics?.responseBytes).toBe(DEFAULT_BANNER.length)
  })

  it('is up when the banner matches a regular expression', async () => {
    const outcome = await run(
      spec(server, { expect: { banner: { matches: '^220 \\S+ ESMTP' } } }),
      context(),
    )
    expect(outcome.status).toBe('up')
    expect(outcome.assertions[0]).toMatchObject({ ok: true, expected: 'matches /^220 \\S+ ESMTP/' })
  })

  it('sends the payload and reads until the response matches', async () => {
    const outcome = await run(
      spec(server, { send: 'PING\r\n', expect: { banner: '+PONG' } }),
      context(),
    )
    expect(outcome.status).toBe('up')
    expect(server.stats().received).toBe('PING\r\n')
    expect(outcome.assertions[0]?.actual).toBe(JSON.stringify(`${DEFAULT_BANNER}+PONG\r\n`))
  })

  it('sends the payload without reading when nothing is expected', async () => {
    const outcome = await run(spec(server, { send: 'QUIT\r\n' }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.assertions).toEqual([])
  })

  it('is down with ASSERTION_FAILED when the server closes without the expected banner', async () => {
    await server.setMode('close')
    const outcome = await run(spec(server, { expect: { banner: 'SSH-2.0' } }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'ASSERTION_FAILED',
      message: `${server.host}:${server.port} closed the connection without a response that contains "SSH-2.0" (${DEFAULT_BANNER.length} bytes received)`,
    })
    expect(outcome.assertions).toEqual([
      {
        name: 'banner',
        ok: false,
        expected: 'contains "SSH-2.0"',
        actual: JSON.stringify(DEFAULT_BANNER),
      },
    ])
  })

  it('is down with ASSERTION_FAILED when the server accepts but never answers', async () => {
    await server.setMode('hang')
    // The runner stops reading at its own deadline, 90% of the timeout.
    const outcome = await run(
      spec(server, { timeout: '500ms', expect: { banner: { matches: '^220' } } }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('ASSERTION_FAILED')
    expect(outcome.error?.message).toBe(
      'no response that matches /^220/ within 450ms (0 bytes received)',
    )
    expect(outcome.assertions[0]).toMatchObject({ ok: false, actual: '(nothing received)' })
  })

  it('is down with CONNECT_REFUSED when nothing listens', async () => {
    await server.setMode('refuse')
    const outcome = await run(spec(server), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('CONNECT_REFUSED')
    expect(outcome.error?.message).toContain('connection refused')
  })

  it('is down with CONNECT_RESET when the server resets the connection', async () => {
    await server.setMode('reset')
    const outcome = await run(spec(server, { expect: { banner: '220' } }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('CONNECT_RESET')
  })

  it('is degraded above degradedAbove and down with LATENCY above failAbove', async () => {
    // Nothing is faster than 0ms, so a limit of 0ms always fails without timing the test.
    const degraded = await run(spec(server, { expect: { degradedAbove: '0ms' } }), context())
    expect(degraded.status).toBe('degraded')
    expect(degraded.assertions[0]).toMatchObject({ name: 'response time (degraded)', ok: false })
    const down = await run(spec(server, { expect: { failAbove: '0ms' } }), context())
    expect(down.status).toBe('down')
    expect(down.error?.code).toBe('LATENCY')
  })

  it('stops with TIMEOUT when the run is aborted', async () => {
    await server.setMode('hang')
    const controller = new AbortController()
    const pending = run(spec(server, { expect: { banner: '220' } }), context(controller.signal))
    while (server.stats().connections === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const outcome = await pending
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TIMEOUT')
  })

  it('does not connect when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const outcome = await run(spec(server), context(controller.signal))
    expect(outcome.error?.code).toBe('TIMEOUT')
    expect(server.stats().connections).toBe(0)
  })
})

describe.skipIf(!hasOpenssl())('tcp runner over TLS', () => {
  let cert: LoopbackCert
  let server: BannerServer

  beforeAll(async () => {
    cert = loopbackCert()
    server = await startBannerServer({ tls: cert })
  })
  afterAll(async () => {
    await server.close()
  })

  it('is down with a TLS error when the certificate is not trusted', async () => {
    const outcome = await run(spec(server, { tls: true }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toMatch(/^TLS_/)
    expect(outcome.phases?.connectMs).toBeGreaterThanOrEqual(0)
  })

  it('measures the handshake and reads the banner when the certificate is trusted', async () => {
    const outcome = await createTcpRunner({ tls: { ca: cert.cert } })(
      spec(server, { tls: true, expect: { banner: '220 ' } }),
      context(),
    )
    expect(outcome.status).toBe('up')
    expect(outcome.phases?.tlsMs).toBeGreaterThanOrEqual(0)
    expect(outcome.assertions[0]).toMatchObject({ name: 'banner', ok: true })
  })

  it('is down with a TLS error when the servername is not on the certificate', async () => {
    const outcome = await createTcpRunner({ tls: { ca: cert.cert } })(
      spec(server, { tls: { servername: 'mail.vantage.test' } }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toMatch(/^TLS_/)
  })

  it('is down with CONNECT_TIMEOUT when the handshake never finishes', async () => {
    await server.setMode('hang')
    try {
      const outcome = await run(spec(server, { tls: true, timeout: '300ms' }), context())
      expect(outcome.status).toBe('down')
      expect(outcome.error).toEqual({
        code: 'CONNECT_TIMEOUT',
        message: `the TLS handshake with ${server.host}:${server.port} did not finish within 270ms`,
      })
    } finally {
      await server.setMode('banner')
    }
  })

  it('accepts an untrusted certificate when insecure', async () => {
    const outcome = await run(
      spec(server, { tls: { insecure: true }, send: 'PING\r\n', expect: { banner: '+PONG' } }),
      context(),
    )
    expect(outcome.status).toBe('up')
  })
})
