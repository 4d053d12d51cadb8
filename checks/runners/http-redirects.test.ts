import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../../test/fixtures/target-server.ts'
import { MAX_DETAIL_LENGTH } from '../result.ts'
import { httpSpecSchema, type HttpSpec } from '../spec.ts'
import { run } from './http.ts'
import type { RunContext } from './types.ts'

function spec(url: string, extra: Record<string, unknown> = {}): HttpSpec {
  return httpSpecSchema.parse({ kind: 'http', id: 'target', url, regions: ['local'], ...extra })
}

function context(): RunContext {
  return { signal: new AbortController().signal, probeId: 'p', region: 'local', now: Date.now }
}

describe('redirects', () => {
  let target: TargetServer

  beforeEach(async () => {
    target = await startTargetServer()
  })
  afterEach(async () => {
    await target.close()
  })

  it('follows a chain up to followRedirects and reports where it ended', async () => {
    const outcome = await run(spec(`${target.url}/redirect/chain/3`), context())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics).toMatchObject({ httpStatus: 200, redirects: 3, responseBytes: 2 })
    expect(outcome.details?.finalUrl).toBe(`${target.url}/`)
    expect(target.stats().requests).toBe(4)
  })

  it('fails with TOO_MANY_REDIRECTS when the chain is longer than followRedirects', async () => {
    const outcome = await run(
      spec(`${target.url}/redirect/chain/3`, { followRedirects: 2 }),
      context(),
    )
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('TOO_MANY_REDIRECTS')
    expect(outcome.error?.message).toBe(
      `more than 2 redirect(s) (followRedirects): ${target.url}/redirect/chain/3 -> ` +
        `${target.url}/redirect/chain/2 -> ${target.url}/redirect/chain/1 -> ${target.url}/`,
    )
    expect(outcome.metrics).toMatchObject({ httpStatus: 302, redirects: 2 })
    // The third redirect is seen, not followed.
    expect(target.stats().requests).toBe(3)
  })

  it('fails with REDIRECT_LOOP as soon as a URL comes back', async () => {
    const outcome = await run(spec(`${target.url}/redirect/loop-a`), context())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'REDIRECT_LOOP',
      message: `redirect loop: ${target.url}/redirect/loop-a -> ${target.url}/redirect/loop-b -> ${target.url}/redirect/loop-a`,
    })
    expect(target.stats().requests).toBe(2)
  })

  it('judges a redirect by its own status with followRedirects: 0', async () => {
    const followed = spec(`${target.url}/redirect/301`, {
      followRedirects: 0,
      expect: { status: 301 },
    })
    const outcome = await run(followed, context())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics).toMatchObject({ httpStatus: 301, redirects: 0 })
    expect(outcome.details?.finalUrl).toBeUndefined()

    // The default 200..399 takes a redirect as a success; a loop is not followed at all.
    const loop = await run(spec(`${target.url}/redirect/loop-a`, { followRedirects: 0 }), context())
    expect(loop.status).toBe('up')
    expect(loop.metrics?.httpStatus).toBe(302)
  })

  it('turns POST into GET on 303 and keeps method and body on 307', async () => {
    const post = { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } }
    await run(spec(`${target.url}/redirect/303`, post), context())
    await run(spec(`${target.url}/redirect/307`, post), context())
    const [after303, after307] = target.echoes()
    expect(after303).toMatchObject({ method: 'GET', body: '' })
    expect(after303?.headers['content-type']).toBeUndefined()
    expect(after307).toMatchObject({ method: 'POST', body: 'payload' })
  })

  it('drops credentials when a redirect leaves the origin', async () => {
    const other = await startTargetServer()
    try {
      const away = `${target.url}/redirect/away?to=${encodeURIComponent(`${other.url}/echo`)}`
      const outcome = await run(
        spec(away, { auth: { bearer: 'secret' }, headers: { 'x-trace': '1' } }),
        context(),
      )
      expect(outcome.status).toBe('up')
      const [request] = other.echoes()
      expect(request?.headers.authorization).toBeUndefined()
      expect(request?.headers['x-trace']).toBe('1')
      // A fresh connection to the new origin.
      expect(other.stats().connections).toBe(1)
    } finally {
      await other.close()
    }
  })

  it('cuts a long final URL to the length results allow', async () => {
    const long = `${target.url}/?${'q=1&'.repeat(500)}`
    const outcome = await run(
      spec(`${target.url}/redirect/away?to=${encodeURIComponent(long)}`),
      context(),
    )
    expect(outcome.status).toBe('up')
    expect(outcome.details?.finalUrl).toHaveLength(MAX_DETAIL_LENGTH)
    expect(outcome.details?.finalUrl).toMatch(/ … \(\d+ more characters\)$/)
  })

  it('keeps credentials on a redirect within the origin', async () => {
    await run(spec(`${target.url}/redirect/307`, { auth: { bearer: 'secret' } }), context())
    expect(target.echoes()[0]?.headers.authorization).toBe('Bearer secret')
  })
})
