import { afterEach, describe, expect, it } from 'vitest'
import { parseRetryAfter, postJson, redact } from './http-delivery.ts'
import { startWebhookSink, type WebhookSink } from '../test/fixtures/scripted-http-sink.ts'

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1)

  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('0.25', now)).toBe(250)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
  })

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})

describe('redact', () => {
  it('replaces every occurrence of each secret', () => {
    expect(redact('bot 1:T failed for 1:T', ['1:T', ''])).toBe('bot (secret) failed for (secret)')
  })
})

describe('postJson', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })

  it.each([429, 503])('passes on the Retry-After of a %i', async (status) => {
    sink = await startWebhookSink([{ status, headers: { 'retry-after': '3' } }])
    expect(await postJson(sink.url, '{}', {})).toEqual({
      ok: false,
      status,
      error: `HTTP ${status}: sink answered ${status}`,
      retryAfterMs: 3_000,
    })
  })

  it('ignores Retry-After on other answers', async () => {
    sink = await startWebhookSink([{ status: 400, headers: { 'retry-after': '3' } }])
    expect((await postJson(sink.url, '{}', {})).retryAfterMs).toBeUndefined()
  })
})
