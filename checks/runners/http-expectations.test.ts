import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BAD_JSON } from '../../test/fixtures/target-routes.ts'
import { startTargetServer, type TargetServer } from '../../test/fixtures/target-server.ts'
import { httpSpecSchema, type HttpSpec } from '../spec.ts'
import { run } from './http.ts'
import { evaluateResponse } from './http-expectations.ts'
import type { RunContext } from './types.ts'

function spec(url: string, extra: Record<string, unknown> = {}): HttpSpec {
  return httpSpecSchema.parse({ kind: 'http', id: 'target', url, regions: ['local'], ...extra })
}

function context(): RunContext {
  return { signal: new AbortController().signal, probeId: 'p', region: 'local', now: Date.now }
}

describe('http expectations against a real server', () => {
  let target: TargetServer

  beforeEach(async () => {
    target = await startTargetServer()
  })
  afterEach(async () => {
    await target.close()
  })

  it('passes header, body and JSON expectations that hold, each with its actual value', async () => {
    const outcome = await run(
      spec(`${target.url}/json`, {
        expect: {
          headers: { 'Content-Type': 'application/json' },
          body: { contains: '"status":"ok"', matches: '"count":\\d+' },
          json: [
            { path: 'status', equals: 'ok' },
            { path: 'data.items[0].id', equals: 7, greaterThan: 5 },
            { path: 'data.nothing', exists: true },
            { path: 'data.missing', exists: false },
          ],
        },
      }),
      context(),
    )
    expect(outcome.error).toBeUndefined()
    expect(outcome.status).toBe('up')
    expect(outcome.assertions).toEqual([
      { name: 'status', ok: true, expected: '200..399', actual: '200' },
      {
        name: 'header Content-Type',
        ok: true,
        expected: '== "application/json"',
        actual: '"application/json"',
      },
      {
        name: 'body',
        ok: true,
        expected: 'contains "\\"status\\":\\"ok\\""',
        actual: expect.any(String),
      },
      { name: 'body', ok: true, expected: 'matches /"count":\\d+/', actual: '"\\"count\\":2"' },
      { name: 'json status', ok: true, expected: '== "ok"', actual: '"ok"' },
      { name: 'json data.items[0].id', ok: true, expected: '== 7', actual: '7' },
      { name: 'json data.items[0].id', ok: true, expected: '> 5', actual: '7' },
      { name: 'json data.nothing', ok: true, expected: 'exists', actual: 'null' },
      {
        name: 'json data.missing',
        ok: true,
        expected: 'does not exist',
        actual: '(missing: no data.missing)',
      },
    ])
  })

  it('is down with ASSERTION_FAILED naming the first failed expectation', async () => {
    const outcome = await run(
      spec(`${target.url}/json`, {
        expect: {
          headers: { 'content-type': { matches: '^text/' } },
          json: [{ path: 'data.count', lessThan: 1 }],
        },
      }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'ASSERTION_FAILED',
      message: 'header content-type: expected matches /^text\\//, actual "application/json"',
    })
    expect(outcome.assertions.filter((assertion) => !assertion.ok)).toHaveLength(2)
  })

  it('fails JSON expectations on a body that is not JSON, and says why', async () => {
    const outcome = await run(
      spec(`${target.url}/json/bad`, { expect: { json: [{ path: 'status', exists: true }] } }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('ASSERTION_FAILED')
    expect(outcome.assertions[1]).toMatchObject({ name: 'json status', ok: false })
    expect(outcome.assertions[1]?.actual).toMatch(/^body is not JSON \(/)
    expect(outcome.metrics?.responseBytes).toBe(BAD_JSON.length)
  })

  it('reports a missing header as missing', async () => {
    const outcome = await run(
      spec(`${target.url}/`, { expect: { headers: { 'x-request-id': { matches: '.' } } } }),
      context(),
    )
    expect(outcome.assertions[1]).toEqual({
      name: 'header x-request-id',
      ok: false,
      expected: 'matches /./',
      actual: '(missing)',
    })
  })

  it('checks the status before the body: a 500 is HTTP_STATUS even when the body fails too', async () => {
    await target.setMode('error')
    const outcome = await run(
      spec(`${target.url}/`, { expect: { body: { contains: 'ok' } } }),
      context(),
    )
    expect(outcome.error?.code).toBe('HTTP_STATUS')
    expect(outcome.assertions[1]).toEqual({
      name: 'body',
      ok: false,
      expected: 'contains "ok"',
      actual: '"error"',
    })
  })
})

describe('shouldFail', () => {
  let target: TargetServer

  beforeEach(async () => {
    target = await startTargetServer()
  })
  afterEach(async () => {
    await target.close()
  })

  it('is up when the check fails, and says so in its first assertion', async () => {
    await target.setMode('error')
    const outcome = await run(spec(`${target.url}/`, { expect: { shouldFail: true } }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.error).toBeUndefined()
    expect(outcome.assertions[0]).toEqual({
      name: 'should fail',
      ok: true,
      expected: 'the check to fail (shouldFail: true)',
      actual: 'it failed: HTTP_STATUS status 500, expected 200..399',
    })
    expect(outcome.assertions[1]).toMatchObject({ name: 'status', ok: false })
  })

  it('is up when nothing listens (e.g. a port that must stay closed)', async () => {
    await target.setMode('refuse')
    const outcome = await run(spec(`${target.url}/`, { expect: { shouldFail: true } }), context())
    expect(outcome.status).toBe('up')
    expect(outcome.assertions[0]?.actual).toMatch(/^it failed: CONNECT_REFUSED /)
  })

  it('is down with ASSERTION_FAILED when the check passes', async () => {
    const outcome = await run(spec(`${target.url}/`, { expect: { shouldFail: true } }), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('ASSERTION_FAILED')
    expect(outcome.assertions[0]).toEqual({
      name: 'should fail',
      ok: false,
      expected: 'the check to fail (shouldFail: true)',
      actual: 'it passed',
    })
  })
})

describe('evaluateResponse', () => {
  const expectOf = (expect: Record<string, unknown>) =>
    spec('https://127.0.0.1/', { expect }).expect

  it('reads a header that came more than once as one comma-separated value', () => {
    const verdict = evaluateResponse(
      expectOf({ headers: { vary: 'accept, origin' } }),
      { status: 200, headers: { vary: ['accept', 'origin'] }, totalMs: 1 },
      0,
    )
    expect(verdict.status).toBe('up')
  })

  it('does not parse a body cut at the 1 MiB limit as JSON', () => {
    const verdict = evaluateResponse(
      expectOf({ json: [{ path: 'a', exists: true }] }),
      { status: 200, headers: {}, body: { text: '{"a":1', truncated: true }, totalMs: 1 },
      0,
    )
    expect(verdict.assertions[1]?.actual).toBe('body is larger than 1048576 bytes, read as JSON')
  })

  it('makes a certificate close to expiry degraded, with no error', () => {
    const now = Date.UTC(2030, 0, 1)
    const verdict = evaluateResponse(
      expectOf({ certMinDays: 14 }),
      {
        status: 200,
        headers: {},
        totalMs: 1,
        certificate: { subject: '', issuer: '', sans: '', validTo: now + 3 * 86_400_000 },
      },
      now,
    )
    expect(verdict).toEqual({
      status: 'degraded',
      assertions: [
        { name: 'status', ok: true, expected: '200..399', actual: '200' },
        { name: 'certificate days left', ok: false, expected: '>= 14', actual: '3' },
      ],
    })
  })

  it('names LATENCY when only the time failed', () => {
    const verdict = evaluateResponse(
      expectOf({ failAbove: '1s' }),
      { status: 200, headers: {}, totalMs: 1_500 },
      0,
    )
    expect(verdict.error).toEqual({
      code: 'LATENCY',
      message: 'response time 1.5s, expected <= 1s',
    })
  })
})
