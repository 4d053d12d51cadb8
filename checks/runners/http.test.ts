import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  SLOW_BODY_CHUNKS,
  startTargetServer,
  type TargetServer,
} from '../../test/fixtures/target-server.ts'
import { httpSpecSchema, type HttpSpec } from '../spec.ts'
import { classifyNetworkError, run } from './http.ts'
import type { RunContext } from './types.ts'

function spec(url: string, extra: Record<string, unknown> = {}): HttpSpec {
  return httpSpecSchema.parse({ kind: 'http', id: 'target', url, regions: ['local'], ...extra })
}

function context(signal = new AbortController().signal): RunContext {
  return { signal, probeId: 'probe-1', region: 'local', now: () => Date.now() }
}

describe('http runner against a real loopback server', () => {
  let target: TargetServer

  beforeEach(async () => {
    target = await startTargetServer()
  })
  afterEach(async () => {
    await target.close()
  })

  it('is up with phases and metrics when the target answers 200', async () => {
    const outcome = await run(spec(`${target.url}/`), context())
    expect(outcome.status).toBe('up')
    expect(outcome.error).toBeUndefined()
    expect(outcome.assertions).toEqual([
      { name: 'status', ok: true, expected: '200..399', actual: '200' },
    ])
    expect(outcome.metrics).toEqual({
      httpStatus: 200,
      httpVersion: 1.1,
      redirects: 0,
      responseBytes: 2,
      ipVersion: 4,
    })
    expect(outcome.details).toEqual({ remoteAddress: '127.0.0.1' })
    for (const phase of ['connectMs', 'ttfbMs', 'transferMs'] as const) {
      expect(outcome.phases?.[phase]).toBeGreaterThanOrEqual(0)
    }
    // An IP literal needs no DNS lookup, and plain HTTP has no TLS phase.
    expect(outcome.phases?.dnsMs).toBeUndefined()
    expect(outcome.phases?.tlsMs).toBeUndefined()
  })

  it('measures DNS when the URL has a host name', async () => {
    const outcome = await run(spec(`http://localhost:${target.port}/`), context())
    expect(outcome.status).toBe('up')
    expect(outcome.phases?.dnsMs).toBeGreaterThanOrEqual(0)
  })

  it('opens a fresh connection for every run', async () => {
    await run(spec(`${target.url}/`), context())
    await run(spec(`${target.url}/`), context())
    expect(target.stats().connections).toBe(2)
  })

  it('is down with HTTP_STATUS and an explaining assertion on a 500', async () => {
    await target.setMode('error')
    const outcome = await run(spec(`${target.url}/`), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({ code: 'HTTP_STATUS', message: 'status 500, expected 200..399' })
    expect(outcome.assertions).toEqual([
      { name: 'status', ok: false, expected: '200..399', actual: '500' },
    ])
    expect(outcome.metrics?.httpStatus).toBe(500)
  })

  it('honours the expected status', async () => {
    await target.setMode('error')
    const outcome = await run(spec(`${target.url}/`, { expect: { status: [500, 503] } }), context())
    expect(outcome.status).toBe('up')
  })

  it('follows redirects', async () => {
    const outcome = await run(spec(`${target.url}/redirect`), context())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics?.httpStatus).toBe(200)
    expect(target.stats().requests).toBe(2)
  })

  it('is down with CONNECT_REFUSED when nothing listens', async () => {
    await target.setMode('refuse')
    const outcome = await run(spec(`${target.url}/`), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('CONNECT_REFUSED')
    expect(outcome.error?.message).toContain('connection refused')
  })

  it('is down with CONNECT_RESET when the connection breaks mid-body', async () => {
    await target.setMode('reset')
    const outcome = await run(spec(`${target.url}/`), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('CONNECT_RESET')
    expect(outcome.metrics?.httpStatus).toBe(200)
  })

  it('is degraded above degradedAbove and down with LATENCY above failAbove', async () => {
    // The server holds the headers for 200ms, so the run cannot take less than that.
    await target.setMode('slow', { delayMs: 200 })
    const degraded = await run(
      spec(`${target.url}/`, { expect: { degradedAbove: '50ms' } }),
      context(),
    )
    expect(degraded.status).toBe('degraded')
    expect(degraded.error).toBeUndefined()
    expect(degraded.assertions[1]).toMatchObject({
      name: 'response time (degraded)',
      ok: false,
      expected: '<= 50ms',
    })

    const down = await run(spec(`${target.url}/`, { expect: { failAbove: '50ms' } }), context())
    expect(down.status).toBe('down')
    expect(down.error?.code).toBe('LATENCY')
  })

  it('stops when the signal aborts, even if the server never answers', async () => {
    await target.setMode('hang')
    const controller = new AbortController()
    const pending = run(spec(`${target.url}/`), context(controller.signal))
    while (target.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    controller.abort()
    const outcome = await pending
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TIMEOUT')
  })

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const outcome = await run(spec(`${target.url}/`), context(controller.signal))
    expect(outcome.error?.code).toBe('TIMEOUT')
    expect(target.stats().connections).toBe(0)
  })
})

describe('http runner against a slow chunked body', () => {
  let target: TargetServer

  beforeEach(async () => {
    target = await startTargetServer()
  })
  afterEach(async () => {
    await target.close()
  })

  it('reads the whole body and counts its time as transfer', async () => {
    // Three gaps of 100ms between the four chunks: the transfer cannot take much less
    // than 300ms; the bound leaves 100ms for headers that reach the runner late.
    await target.setMode('slow-body', { delayMs: 100 })
    const outcome = await run(spec(`${target.url}/`), context())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics?.responseBytes).toBe('chunk 1\n'.length * SLOW_BODY_CHUNKS)
    expect(outcome.phases?.transferMs).toBeGreaterThanOrEqual(200)
  })
})

describe('classifyNetworkError', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code })

  it('maps DNS failures', () => {
    expect(
      classifyNetworkError(withCode('getaddrinfo ENOTFOUND nope.invalid', 'ENOTFOUND')),
    ).toEqual({
      code: 'DNS_NXDOMAIN',
      message: 'host name not found (getaddrinfo ENOTFOUND nope.invalid)',
    })
    expect(classifyNetworkError(withCode('getaddrinfo EAI_AGAIN x', 'EAI_AGAIN')).code).toBe(
      'DNS_TIMEOUT',
    )
  })

  it('maps connect timeouts and resets', () => {
    expect(
      classifyNetworkError(withCode('Connect Timeout Error', 'UND_ERR_CONNECT_TIMEOUT')).code,
    ).toBe('CONNECT_TIMEOUT')
    expect(classifyNetworkError(withCode('other side closed', 'UND_ERR_SOCKET')).code).toBe(
      'CONNECT_RESET',
    )
  })

  it('looks through wrapped causes', () => {
    const wrapped = new Error('fetch failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') })
    expect(classifyNetworkError(wrapped).code).toBe('CONNECT_RESET')
    const tls = new Error('request failed', {
      cause: withCode('certificate has expired', 'CERT_HAS_EXPIRED'),
    })
    expect(classifyNetworkError(tls).code).toBe('TLS_CERT_EXPIRED')
  })

  it('gives certificate problems codes of their own, and TLS_ERROR to the rest', () => {
    const codes = {
      CERT_HAS_EXPIRED: 'TLS_CERT_EXPIRED',
      CERT_NOT_YET_VALID: 'TLS_CERT_EXPIRED',
      ERR_TLS_CERT_ALTNAME_INVALID: 'TLS_HOSTNAME_MISMATCH',
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS_CERT_UNTRUSTED',
      UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS_CERT_UNTRUSTED',
      SELF_SIGNED_CERT_IN_CHAIN: 'TLS_CERT_UNTRUSTED',
      DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS_CERT_UNTRUSTED',
      ERR_SSL_WRONG_VERSION_NUMBER: 'TLS_ERROR',
      CERT_REVOKED: 'TLS_ERROR',
    }
    for (const [nodeCode, code] of Object.entries(codes)) {
      expect(classifyNetworkError(withCode('handshake failed', nodeCode)).code, nodeCode).toBe(code)
    }
    expect(classifyNetworkError(withCode('certificate has expired', 'CERT_HAS_EXPIRED'))).toEqual({
      code: 'TLS_CERT_EXPIRED',
      message: 'TLS: certificate has expired (certificate has expired)',
    })
  })

  it('falls back to NETWORK with the whole message chain', () => {
    expect(classifyNetworkError(new Error('odd', { cause: new Error('odder') }))).toEqual({
      code: 'NETWORK',
      message: 'odd: odder',
    })
    expect(classifyNetworkError('not an error')).toEqual({
      code: 'NETWORK',
      message: 'not an error',
    })
  })
})
