import { afterEach, describe, expect, it } from 'vitest'
import { ctx, fired, resolved } from './alert-events.fixture.ts'
import { describeDelivery } from './channel-delivery.fixture.ts'
import { buildPayload, send } from './opsgenie-channel.ts'
import { startWebhookSink, type WebhookSink } from './webhook-sink.fixture.ts'

describe('opsgenie payload', () => {
  it('creates a P1 alert aliased by the incident id on fired', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      action: 'create',
      path: '/v2/alerts',
      body: {
        message: 'DOWN: API health (api-health) in 2 regions',
        alias: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
        description: expect.stringContaining(
          'Error: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
        ),
        priority: 'P1',
        source: 'Vantage (Acme)',
        tags: ['vantage', 'api-health'],
        details: expect.objectContaining({ Check: 'api-health', Regions: 'eu-west, us-east' }),
      },
    })
  })

  it('closes the alert by alias on resolved', () => {
    expect(buildPayload(resolved, ctx)).toEqual({
      action: 'close',
      path: '/v2/alerts/01KDX2Q4Q8M0N6V8S9T1A2B3C4/close?identifierType=alias',
      body: {
        source: 'Vantage (Acme)',
        note: 'RESOLVED: API health (api-health) after 2m30s',
      },
    })
  })
})

describe('opsgenie send', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })

  it('POSTs below the API URL with the GenieKey header', async () => {
    sink = await startWebhookSink([202])
    const base = sink.url.replace(/\/hook$/, '/')
    const outcome = await send({ apiKey: 'key-1', url: base }, buildPayload(resolved, ctx))
    expect(outcome).toEqual({ ok: true, status: 202 })
    expect(sink.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v2/alerts/01KDX2Q4Q8M0N6V8S9T1A2B3C4/close?identifierType=alias',
    })
    expect(sink.requests[0]!.headers.authorization).toBe('GenieKey key-1')
  })
})

describeDelivery(
  'opsgenie',
  (url) => ({ type: 'opsgenie', name: 'genie', apiKey: 'key-test', url }),
  202,
)
