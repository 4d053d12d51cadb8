import { createHmac, timingSafeEqual } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { AlertEvent } from '../alert-event.ts'
import {
  acknowledged,
  channelFailing,
  degraded,
  escalated,
  flappingStarted,
  flappingStopped,
  group,
  probeOffline,
  regionDown,
  reminder,
} from './alert-events.fixture.ts'
import { buildPayload, send, sign, type WebhookPayload } from './webhook.ts'
import {
  refusedUrl,
  startWebhookSink,
  type WebhookSink,
} from '../../test/fixtures/scripted-http-sink.ts'

const at = Date.UTC(2026, 0, 1, 0, 2)
const fired: AlertEvent = {
  type: 'fired',
  incidentId: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
  checkId: 'api-health',
  checkName: 'API health',
  at,
  regions: ['eu-west', 'us-east'],
  quorum: 2,
  firstError: { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' },
}
const ctx = { project: 'Acme', statusUrl: 'https://status.example.com/status/main' }

describe('webhook payload', () => {
  it('describes a fired alert', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      version: 1,
      project: 'Acme',
      type: 'alert.fired',
      subject: 'check',
      severity: 'down',
      incidentId: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
      check: { id: 'api-health', name: 'API health' },
      at: '2026-01-01T00:02:00.000Z',
      regions: ['eu-west', 'us-east'],
      quorum: 2,
      error: { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' },
      durationMs: null,
      tags: [],
      summary: null,
      acknowledgedBy: null,
      comment: null,
      level: null,
      statusUrl: 'https://status.example.com/status/main',
      grouped: [],
    } satisfies WebhookPayload)
  })

  it('describes a resolved alert, with null for what is unknown', () => {
    const resolved: AlertEvent = {
      ...fired,
      type: 'resolved',
      firstError: null,
      durationMs: 150_000,
    }
    expect(buildPayload(resolved, { project: 'Acme' })).toMatchObject({
      type: 'alert.resolved',
      error: null,
      durationMs: 150_000,
      statusUrl: null,
    })
  })
})

describe('webhook payload for every event type', () => {
  it.each([
    [reminder, { type: 'alert.reminder' }],
    [escalated, { type: 'alert.escalated', level: 2 }],
    [acknowledged, { type: 'alert.acknowledged', acknowledgedBy: 'alice', comment: 'looking' }],
    [flappingStarted, { type: 'alert.flapping-started', incidentId: flappingStarted.incidentId }],
    [flappingStopped, { type: 'alert.flapping-stopped' }],
    [degraded, { type: 'alert.fired', severity: 'degraded' }],
    [
      regionDown,
      {
        subject: 'region',
        check: { id: 'region:eu-west', name: 'eu-west' },
        summary: '12 of 20 checks fail in eu-west while other regions pass',
      },
    ],
    [probeOffline, { subject: 'probe' }],
    [channelFailing, { subject: 'channel', regions: [] }],
    [{ ...fired, tags: ['api'] }, { tags: ['api'] }],
  ])('carries %j', (event, expected) => {
    expect(buildPayload(event, ctx)).toMatchObject({ ...expected, grouped: [] })
  })

  it('carries the other alerts of a group, each in the same shape without envelope', () => {
    const payload = buildPayload(group, ctx)
    expect(payload).toMatchObject({ type: 'alert.fired', check: { id: 'api-health' } })
    expect(payload.grouped).toHaveLength(2)
    expect(payload.grouped[0]).toEqual({
      type: 'alert.fired',
      subject: 'check',
      severity: 'down',
      incidentId: '01KDX2Q4Q8M0N6V8S9T1SHOP00',
      check: { id: 'shop', name: 'Shop' },
      at: '2026-01-01T00:02:00.000Z',
      regions: ['eu-west'],
      quorum: 2,
      error: { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' },
      durationMs: null,
      tags: [],
      summary: null,
      acknowledgedBy: null,
      comment: null,
      level: null,
    })
    expect(payload.grouped[1]).toMatchObject({ check: { id: 'login' }, error: null })
  })
})

describe('webhook send', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })
  const payload = buildPayload(fired, ctx)

  it('POSTs the payload as JSON with the channel headers', async () => {
    sink = await startWebhookSink([204])
    const headers = { Authorization: 'Bearer s3cret', 'Content-Type': 'application/json; v=1' }

    expect(await send({ url: sink.url, headers }, payload)).toEqual({ ok: true, status: 204 })
    const [request] = sink.requests
    expect(request).toMatchObject({ method: 'POST', path: '/hook' })
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json; v=1',
      'user-agent': 'vantage-hub',
      authorization: 'Bearer s3cret',
    })
    expect(JSON.parse(request!.body)).toEqual(payload)
  })

  it('sends no signature headers without a secret', async () => {
    sink = await startWebhookSink([200])
    await send({ url: sink.url, headers: {} }, payload)
    expect(sink.requests[0]!.headers['x-vantage-signature']).toBeUndefined()
    expect(sink.requests[0]!.headers['x-vantage-timestamp']).toBeUndefined()
  })

  it('signs timestamp.body with HMAC-SHA256 when the channel has a secret', async () => {
    sink = await startWebhookSink([200])
    const now = () => Date.UTC(2026, 0, 1, 0, 2, 0, 900)
    await send({ url: sink.url, headers: {}, secret: 'whsec-test' }, payload, { now })
    const { headers, body } = sink.requests[0]!
    expect(headers['x-vantage-timestamp']).toBe('1767225720')
    // Verified the way the README tells a receiver to, not with sign() itself.
    const expected = createHmac('sha256', 'whsec-test').update(`1767225720.${body}`).digest('hex')
    const received = String(headers['x-vantage-signature'])
    expect(received).toBe(`sha256=${expected}`)
    expect(timingSafeEqual(Buffer.from(received), Buffer.from(`sha256=${expected}`))).toBe(true)
    expect(JSON.parse(body)).toEqual(payload)
  })

  it('reports an error status with the start of the answer', async () => {
    sink = await startWebhookSink([500])
    expect(await send({ url: sink.url, headers: {} }, payload)).toEqual({
      ok: false,
      status: 500,
      error: 'HTTP 500: sink answered 500',
    })
  })

  it('reports a refused connection without a status', async () => {
    const url = await refusedUrl()
    const outcome = await send({ url, headers: {} }, payload)
    expect(outcome.ok).toBe(false)
    expect(outcome.status).toBeUndefined()
    expect(outcome.error).toMatch(/ECONNREFUSED/)
  })

  it('stops waiting when the caller aborts', async () => {
    sink = await startWebhookSink(['hang'])
    const abort = new AbortController()
    const sending = send({ url: sink.url, headers: {} }, payload, { signal: abort.signal })
    await sink.received(1)
    abort.abort()
    expect(await sending).toEqual({ ok: false, error: 'aborted' })
  })
})

describe('webhook signature', () => {
  it('is a hex HMAC-SHA256 over timestamp, dot and body', () => {
    expect(sign('key', 1, '{}')).toBe(
      `sha256=${createHmac('sha256', 'key').update('1.{}').digest('hex')}`,
    )
    expect(sign('key', 1, '{}')).not.toBe(sign('key', 2, '{}'))
    expect(sign('key', 1, '{}')).not.toBe(sign('other', 1, '{}'))
  })
})
