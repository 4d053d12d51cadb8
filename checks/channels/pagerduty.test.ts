import { afterEach, describe, expect, it } from 'vitest'
import {
  acknowledged,
  channelFailing,
  ctx,
  degraded,
  escalated,
  fired,
  flappingStarted,
  flappingStopped,
  group,
  probeOffline,
  reminder,
  resolved,
} from './alert-events.fixture.ts'
import { buildPayload, send } from './pagerduty.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/scripted-http-sink.ts'

describe('pagerduty payload', () => {
  it('triggers a critical event keyed by the incident id on fired', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      event_action: 'trigger',
      dedup_key: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
      payload: {
        summary:
          'DOWN: API health (api-health) in eu-west, us-east: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
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

  it('acknowledges the same dedup_key on acknowledged', () => {
    expect(buildPayload(acknowledged, ctx)).toEqual({
      event_action: 'acknowledge',
      dedup_key: '01KDX2Q4Q8M0N6V8S9T1A2B3C4',
    })
  })

  it.each([
    ['reminder', reminder, 'REMINDER: still DOWN: API health (api-health) in eu-west, us-east'],
    [
      'escalated',
      escalated,
      'ESCALATED (level 2): DOWN: API health (api-health) in eu-west, us-east',
    ],
  ])('triggers the same dedup_key again on %s, so PagerDuty folds it in', (_type, event, text) => {
    expect(buildPayload(event, ctx)).toMatchObject({
      event_action: 'trigger',
      dedup_key: fired.incidentId,
      payload: {
        summary: `${text}: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081`,
        severity: 'critical',
      },
    })
  })

  it('triggers and resolves a flapping incident under its own key, as a warning', () => {
    expect(buildPayload(flappingStarted, ctx)).toMatchObject({
      event_action: 'trigger',
      dedup_key: flappingStarted.incidentId,
      payload: { severity: 'warning', class: 'FLAPPING' },
    })
    expect(buildPayload(flappingStopped, ctx)).toEqual({
      event_action: 'resolve',
      dedup_key: flappingStarted.incidentId,
    })
  })

  it('warns for a degraded check and errs for a probe or channel alert', () => {
    expect(buildPayload(degraded, ctx)).toMatchObject({
      payload: { severity: 'warning', class: 'DEGRADED' },
    })
    expect(buildPayload(probeOffline, ctx)).toMatchObject({
      dedup_key: probeOffline.incidentId,
      payload: {
        severity: 'error',
        class: 'PROBE',
        summary: 'PROBE OFFLINE: eu-west-1: no status from probe eu-west-1 for 1m',
        component: 'probe:eu-west-1',
      },
    })
    expect(buildPayload(channelFailing, ctx)).toMatchObject({
      payload: { severity: 'error', source: 'vantage', class: 'CHANNEL' },
    })
  })

  it('describes only the lead of a group: each incident keeps its own key', () => {
    expect(buildPayload(group, ctx)).toEqual(buildPayload(fired, ctx))
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
