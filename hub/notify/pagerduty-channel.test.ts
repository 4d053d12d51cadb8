import { afterEach, describe, expect, it } from 'vitest'
import { ctx, fired, resolved } from './alert-events.fixture.ts'
import { describeDelivery } from './channel-delivery.fixture.ts'
import { buildPayload, send } from './pagerduty-channel.ts'
import { startWebhookSink, type WebhookSink } from './webhook-sink.fixture.ts'

describe('pagerduty payload', () => {
  it('triggers a critical event keyed by the incident id on fired', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      event_action: 'trigger',
      dedup_key: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
      payload: {
        summary:
          'DOWN: API health (api-health) in 2 regions: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
        source: 'eu-west, us-east',
        severity: 'critical',
        timestamp: '2026-01-01T00:02:00.000Z',
        component: 'api-health',
        group: 'Acme',
        class: 'CONNECT_REFUSED',
        custom_details: {
          Check: 'api-health',
          State: 'DOWN',
          Regions: 'eu-west, us-east',
          Quorum: '2',
          Error: 'CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
          Project: 'Acme',
          At: '2026-01-01T00:02:00.000Z',
          Status: 'https://status.example.com/status/main',
        },
      },
      links: [{ href: 'https://status.example.com/status/main', text: 'Status page' }],
    })
  })

  it('resolves the same dedup_key on resolved', () => {
    expect(buildPayload(resolved, ctx)).toEqual({
      event_action: 'resolve',
      dedup_key: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
    })
  })

  it('keeps the summary within the 1024 characters PagerDuty allows', () => {
    const event = { ...fired, firstError: { code: 'BODY', message: 'x'.repeat(2000) } }
    const payload = buildPayload(event, ctx)
    expect(payload.event_action === 'trigger' && payload.payload.summary.length).toBe(1024)
  })
})

describe('pagerduty send', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })

  it('adds the routing key to the event, and keeps it out of errors', async () => {
    sink = await startWebhookSink([{ status: 400, body: 'Invalid routing key rk-123' }])
    const outcome = await send({ routingKey: 'rk-123', url: sink.url }, buildPayload(resolved, ctx))
    expect(JSON.parse(sink.requests[0]!.body)).toEqual({
      routing_key: 'rk-123',
      event_action: 'resolve',
      dedup_key: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
    })
    expect(outcome).toEqual({
      ok: false,
      status: 400,
      error: 'HTTP 400: Invalid routing key (secret)',
    })
  })
})

describeDelivery(
  'pagerduty',
  (url) => ({ type: 'pagerduty', name: 'oncall', routingKey: 'rk-test', url }),
  202,
)
