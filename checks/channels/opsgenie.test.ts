import { afterEach, describe, expect, it } from 'vitest'
import {
  acknowledged,
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
import { buildPayload, send } from './opsgenie.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/scripted-http-sink.ts'

describe('opsgenie payload', () => {
  it('creates a P1 alert aliased by the incident id on fired', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      action: 'create',
      path: '/v2/alerts',
      body: {
        message: 'DOWN: API health (api-health) in eu-west, us-east',
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

describe('opsgenie payload for every event type', () => {
  it('acknowledges the alert by alias, as the person who acked, with their comment', () => {
    expect(buildPayload(acknowledged, ctx)).toEqual({
      action: 'acknowledge',
      path: '/v2/alerts/01KDX2Q4Q8M0N6V8S9T1A2B3C4/acknowledge?identifierType=alias',
      body: { source: 'Vantage (Acme)', user: 'alice', note: 'looking' },
    })
  })

  it('creates the same alias again on reminder and escalation, so Opsgenie counts it', () => {
    for (const event of [reminder, escalated]) {
      expect(buildPayload(event, ctx)).toMatchObject({
        action: 'create',
        body: { alias: fired.incidentId, priority: 'P1' },
      })
    }
    expect(buildPayload(escalated, ctx)).toMatchObject({
      body: { message: 'ESCALATED (level 2): DOWN: API health (api-health) in eu-west, us-east' },
    })
  })

  it('opens and closes a flapping alert under its own alias, at P3', () => {
    expect(buildPayload(flappingStarted, ctx)).toMatchObject({
      action: 'create',
      body: { alias: flappingStarted.incidentId, priority: 'P3' },
    })
    expect(buildPayload(flappingStopped, ctx)).toMatchObject({
      action: 'close',
      path: `/v2/alerts/${flappingStarted.incidentId}/close?identifierType=alias`,
    })
  })

  it('gives degraded checks P3, probe alerts P2, and adds the check tags', () => {
    expect(buildPayload(degraded, ctx)).toMatchObject({ body: { priority: 'P3' } })
    expect(buildPayload(probeOffline, ctx)).toMatchObject({
      body: {
        priority: 'P2',
        message: 'PROBE OFFLINE: eu-west-1: no status from probe eu-west-1 for 1m',
      },
    })
    expect(buildPayload({ ...fired, tags: ['api'] }, ctx)).toMatchObject({
      body: { tags: ['vantage', 'api-health', 'api'] },
    })
  })

  it('describes only the lead of a group: each incident keeps its own alias', () => {
    expect(buildPayload(group, ctx)).toEqual(buildPayload(fired, ctx))
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
