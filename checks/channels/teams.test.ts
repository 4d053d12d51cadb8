import { afterEach, describe, expect, it } from 'vitest'
import {
  acknowledged,
  ctx,
  degraded,
  escalated,
  fired,
  flappingStopped,
  group,
  probeOffline,
  resolved,
} from './alert-events.fixture.ts'
import { headline } from './alert-text.ts'
import { buildPayload, send } from './teams.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/scripted-http-sink.ts'

describe('teams payload', () => {
  it('describes a fired alert as an Adaptive Card with facts and a status link', () => {
    const payload = buildPayload(fired, ctx)
    expect(payload.type).toBe('message')
    const [attachment] = payload.attachments
    expect(attachment!.contentType).toBe('application/vnd.microsoft.card.adaptive')
    expect(attachment!.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        {
          type: 'TextBlock',
          text: 'DOWN: API health (api-health) in eu-west, us-east',
          color: 'Attention',
        },
        {
          type: 'FactSet',
          facts: [
            { title: 'Check', value: 'api-health' },
            { title: 'State', value: 'DOWN' },
            { title: 'Regions', value: 'eu-west, us-east' },
            { title: 'Quorum', value: '2' },
            { title: 'Error', value: 'CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081' },
            { title: 'Project', value: 'Acme' },
            { title: 'At', value: '2026-01-01T00:02:00.000Z' },
          ],
        },
      ],
      actions: [
        {
          type: 'Action.OpenUrl',
          title: 'Status page',
          url: 'https://status.example.com/status/main',
        },
      ],
    })
  })

  it('describes a resolved alert in green, without actions when there is no status page', () => {
    const { content } = buildPayload(resolved, { project: 'Acme' }).attachments[0]!
    expect(content.body).toMatchObject([
      { text: 'RESOLVED: API health (api-health) after 2m30s', color: 'Good' },
      { facts: expect.arrayContaining([{ title: 'Duration', value: '2m30s' }]) },
    ])
    expect(content.actions).toBeUndefined()
  })
})

describe('teams payload for every event type', () => {
  it.each([
    [escalated, 'Attention'],
    [probeOffline, 'Attention'],
    [degraded, 'Warning'],
    [acknowledged, 'Accent'],
    [flappingStopped, 'Good'],
  ])('titles %j with its headline and colour', (event, color) => {
    const { content } = buildPayload(event, ctx).attachments[0]!
    expect(content.body).toMatchObject([{ text: headline(event), color }, { type: 'FactSet' }])
  })

  it('gives each alert of a group its headline and facts', () => {
    const { content } = buildPayload(group, ctx).attachments[0]!
    const body = content.body as Record<string, unknown>[]
    expect(body.map((block) => block.type)).toEqual([
      'TextBlock',
      'TextBlock',
      'FactSet',
      'TextBlock',
      'FactSet',
      'TextBlock',
      'FactSet',
    ])
    expect(body[0]).toMatchObject({ text: headline(group), color: 'Attention' })
    expect(body[3]).toMatchObject({ text: 'DOWN: Shop (shop) in eu-west', separator: true })
    expect(body[4]).toMatchObject({
      facts: expect.arrayContaining([{ title: 'Check', value: 'shop' }]),
    })
  })
})

describe('teams send', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })

  it('POSTs the card as JSON', async () => {
    sink = await startWebhookSink([202])
    const payload = buildPayload(fired, ctx)
    expect(await send({ webhookUrl: sink.url }, payload)).toEqual({ ok: true, status: 202 })
    expect(JSON.parse(sink.requests[0]!.body)).toEqual(payload)
  })
})
