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
  regionDown,
  reminder,
  resolved,
} from './alert-events.fixture.ts'
import { headline } from './alert-text.ts'
import { buildPayload, send } from './slack.ts'
import {
  refusedUrl,
  startWebhookSink,
  type WebhookSink,
} from '../../test/fixtures/scripted-http-sink.ts'

describe('slack payload', () => {
  it('describes a fired alert with its check, state, regions, error and a status link', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      text: ':red_circle: DOWN: API health (api-health) in eu-west, us-east',
      blocks: [
        {
          type: 'header',
          text: {
            type: 'plain_text',
            text: ':red_circle: DOWN: API health (api-health) in eu-west, us-east',
            emoji: true,
          },
        },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Check*\napi-health' },
            { type: 'mrkdwn', text: '*State*\nDOWN' },
            { type: 'mrkdwn', text: '*Regions*\neu-west, us-east' },
            { type: 'mrkdwn', text: '*Quorum*\n2' },
            {
              type: 'mrkdwn',
              text: '*Error*\nCONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
            },
            { type: 'mrkdwn', text: '*Project*\nAcme' },
            { type: 'mrkdwn', text: '*At*\n2026-01-01T00:02:00.000Z' },
          ],
        },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Status page' },
              url: 'https://status.example.com/status/main',
            },
            {
              type: 'button',
              action_id: 'vantage_ack',
              text: { type: 'plain_text', text: 'Ack' },
              value: fired.incidentId,
              style: 'primary',
            },
            {
              type: 'button',
              action_id: 'vantage_silence_1h',
              text: { type: 'plain_text', text: 'Silence 1h' },
              value: 'api-health',
            },
          ],
        },
      ],
    })
  })

  it('puts Ack and Silence 1h only on an alert someone can act on', () => {
    const buttons = (event: typeof fired) =>
      buildPayload(event, { project: 'Acme' })
        .blocks.filter((block) => block.type === 'actions')
        .flatMap((block) => (block.elements as { action_id?: string }[]).map((e) => e.action_id))
    expect(buttons(reminder)).toEqual(['vantage_ack', 'vantage_silence_1h'])
    expect(buttons(resolved)).toEqual([])
    expect(buttons(acknowledged)).toEqual([])
    expect(buttons(regionDown)).toEqual([])
  })

  it('describes a resolved alert with its duration, and no button without a status page', () => {
    const payload = buildPayload(resolved, { project: 'Acme' })
    expect(payload.text).toBe(':large_green_circle: RESOLVED: API health (api-health) after 2m30s')
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section'])
    expect(JSON.stringify(payload.blocks[1])).toContain('*State*\\nUP')
    expect(JSON.stringify(payload.blocks[1])).toContain('*Duration*\\n2m30s')
  })

  it('escapes Slack markup in an error message', () => {
    const event = { ...fired, firstError: { code: 'BODY', message: '<b> & <!channel>' } }
    expect(JSON.stringify(buildPayload(event, ctx))).toContain('&lt;b&gt; &amp; &lt;!channel&gt;')
  })
})

describe('slack payload for every event type', () => {
  it.each([
    [reminder, ':red_circle:'],
    [escalated, ':red_circle:'],
    [regionDown, ':red_circle:'],
    [degraded, ':large_orange_circle:'],
    [flappingStarted, ':large_orange_circle:'],
    [acknowledged, ':large_blue_circle:'],
    [flappingStopped, ':large_green_circle:'],
  ])('titles %j with its headline and icon', (event, icon) => {
    const payload = buildPayload(event, ctx)
    expect(payload.text).toBe(`${icon} ${headline(event)}`)
    expect(payload.blocks[0]).toMatchObject({ type: 'header', text: { text: payload.text } })
  })

  it('shows who acknowledged and why', () => {
    const fields = JSON.stringify(buildPayload(acknowledged, ctx).blocks[1])
    expect(fields).toContain('*Acknowledged by*\\nalice')
    expect(fields).toContain('*Comment*\\nlooking')
  })

  it('gives each alert of a group its headline and facts', () => {
    const payload = buildPayload(group, ctx)
    expect(payload.text).toMatch(/^:red_circle: 3 alerts: DOWN: API health/)
    expect(payload.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'section',
      'section',
      'section',
      'actions',
    ])
    expect(payload.blocks[3]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':red_circle: *DOWN: Shop (shop) in eu-west*' },
    })
    expect(JSON.stringify(payload.blocks[4])).toContain('*Check*\\nshop')
  })

  it('stays within 50 blocks for a large group', () => {
    const many = { ...fired, grouped: Array.from({ length: 40 }, () => fired) }
    const payload = buildPayload(many, ctx)
    expect(payload.blocks.length).toBeLessThanOrEqual(50)
    expect(JSON.stringify(payload.blocks.at(-2))).toContain('and 21 more')
  })
})

describe('slack send', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })

  it('POSTs the message as JSON to the webhook URL', async () => {
    sink = await startWebhookSink([200])
    const payload = buildPayload(fired, ctx)
    expect(await send({ webhookUrl: sink.url }, payload)).toEqual({ ok: true, status: 200 })
    expect(sink.requests[0]!.headers['content-type']).toBe('application/json')
    expect(JSON.parse(sink.requests[0]!.body)).toEqual(payload)
  })

  it('keeps the webhook URL, a secret, out of errors', async () => {
    const url = await refusedUrl()
    const outcome = await send({ webhookUrl: url }, buildPayload(fired, ctx))
    expect(outcome.ok).toBe(false)
    expect(outcome.error).not.toContain(url)
  })
})
