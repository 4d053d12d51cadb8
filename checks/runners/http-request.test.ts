import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../../test/fixtures/target-server.ts'
import type { EchoedRequest } from '../../test/fixtures/target-routes.ts'
import { httpSpecSchema, type HttpSpec } from '../spec.ts'
import { run } from './http.ts'
import { prepareRequest } from './http-request.ts'
import type { RunContext } from './types.ts'

function spec(url: string, extra: Record<string, unknown> = {}): HttpSpec {
  return httpSpecSchema.parse({ kind: 'http', id: 'target', url, regions: ['local'], ...extra })
}

function context(): RunContext {
  return { signal: new AbortController().signal, probeId: 'p', region: 'local', now: Date.now }
}

/** Runs a check against `/echo` and returns what the server received. */
async function echoed(
  target: TargetServer,
  extra: Record<string, unknown>,
): Promise<EchoedRequest> {
  const before = target.echoes().length
  const outcome = await run(spec(`${target.url}/echo`, extra), context())
  expect(outcome.status).toBe('up')
  const received = target.echoes().slice(before)
  expect(received).toHaveLength(1)
  return received[0]!
}

describe('the request an http check sends', () => {
  let target: TargetServer

  beforeEach(async () => {
    target = await startTargetServer()
  })
  afterEach(async () => {
    await target.close()
  })

  it('sends GET with our user agent by default', async () => {
    const request = await echoed(target, {})
    expect(request.method).toBe('GET')
    expect(request.headers['user-agent']).toMatch(/^Vantage-Probe\//)
    expect(request.body).toBe('')
  })

  it('sends the method, headers, query and a text body', async () => {
    const request = await echoed(target, {
      method: 'PUT',
      headers: { 'X-Api-Key': 'k-123', 'User-Agent': 'custom/1.0' },
      query: { q: 'a b', page: 2, tag: ['x', 'y'] },
      body: 'hello',
    })
    expect(request.method).toBe('PUT')
    expect(request.headers['x-api-key']).toBe('k-123')
    expect(request.headers['user-agent']).toBe('custom/1.0')
    expect(request.url).toBe('/echo?q=a+b&page=2&tag=x&tag=y')
    expect(request.body).toBe('hello')
  })

  it('sends json as a JSON body with its content type, unless a header sets one', async () => {
    const plain = await echoed(target, { method: 'POST', json: { order: 1, items: ['a'] } })
    expect(plain.headers['content-type']).toBe('application/json')
    expect(JSON.parse(plain.body)).toEqual({ order: 1, items: ['a'] })

    const vendor = await echoed(target, {
      method: 'POST',
      json: { order: 1 },
      headers: { 'Content-Type': 'application/vnd.acme+json' },
    })
    expect(vendor.headers['content-type']).toBe('application/vnd.acme+json')
  })

  it('sends basic auth and bearer tokens as an authorization header', async () => {
    const basic = await echoed(target, { auth: { username: 'monitor', password: 'pä:ss' } })
    expect(basic.headers.authorization).toBe(
      `Basic ${Buffer.from('monitor:pä:ss').toString('base64')}`,
    )
    const bearer = await echoed(target, { auth: { bearer: 't0ken' } })
    expect(bearer.headers.authorization).toBe('Bearer t0ken')
  })
})

describe('prepareRequest', () => {
  it('keeps the query already in the URL and adds to it', () => {
    const prepared = prepareRequest(spec('http://127.0.0.1:1/x?a=1', { query: { b: true } }))
    expect(prepared.url.href).toBe('http://127.0.0.1:1/x?a=1&b=true')
  })
})

describe('the IP version an http check connects over', () => {
  let v4: TargetServer
  let v6: TargetServer

  beforeEach(async () => {
    v4 = await startTargetServer()
    v6 = await startTargetServer({ host: '::1' })
  })
  afterEach(async () => {
    await Promise.all([v4.close(), v6.close()])
  })

  it('reports the IP version it connected over', async () => {
    const overV4 = await run(spec(`http://localhost:${v4.port}/`, { ipFamily: 4 }), context())
    expect(overV4.status).toBe('up')
    expect(overV4.metrics?.ipVersion).toBe(4)

    const overV6 = await run(spec(`${v6.url}/`), context())
    expect(overV6.status).toBe('up')
    expect(overV6.metrics?.ipVersion).toBe(6)
    expect(overV6.details?.remoteAddress).toBe('::1')
  })

  it('never falls back to the other version', async () => {
    // localhost resolves to 127.0.0.1 here, and perhaps ::1 where nothing listens on
    // this port: with ipFamily 6 the run must fail either way, not reach the IPv4 server.
    const outcome = await run(spec(`http://localhost:${v4.port}/`, { ipFamily: 6 }), context())
    expect(outcome.status).toBe('down')
    expect(['DNS_NXDOMAIN', 'CONNECT_REFUSED']).toContain(outcome.error?.code)
    expect(v4.stats().connections).toBe(0)
  })
})
