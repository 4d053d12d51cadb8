import { afterEach, describe, expect, it } from 'vitest'
import {
  acknowledged,
  channelFailing,
  ctx,
  fired,
  flappingStarted,
  group,
  reminder,
  resolved,
} from './alert-events.fixture.ts'
import { headline } from './alert-text.ts'
import { buildPayload, send } from './telegram.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/scripted-http-sink.ts'

describe('telegram payload', () => {
  it('writes a fired alert as plain text', () => {
    expect(buildPayload(fired, ctx)).toEqual({
      text: [
        '🔴 DOWN: API health (api-health) in eu-west, us-east',
        '',
        'Check: api-health',
        'State: DOWN',
        'Regions: eu-west, us-east',
        'Quorum: 2',
        'Error: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081',
        'Project: Acme',
        'At: 2026-01-01T00:02:00.000Z',
        'Status: https://status.example.com/status/main',
      ].join('\n'),
      link_preview_options: { is_disabled: true },
    })
  })

  it('writes a resolved alert with its duration', () => {
    const { text } = buildPayload(resolved, ctx)
    expect(text.split('\n')[0]).toBe('🟢 RESOLVED: API health (api-health) after 2m30s')
    expect(text).toContain('Duration: 2m30s')
  })
})

describe('telegram payload for every event type', () => {
  it.each([
    [reminder, '🔴'],
    [channelFailing, '🔴'],
    [flappingStarted, '🟠'],
    [acknowledged, '🔵'],
  ])('starts %j with its icon and headline', (event, icon) => {
    expect(buildPayload(event, ctx).text.split('\n')[0]).toBe(`${icon} ${headline(event)}`)
  })

  it('lists each alert of a group', () => {
    const { text } = buildPayload(group, ctx)
    expect(text).toMatch(/^🔴 3 alerts: /)
    expect(text).toContain('\n\nDOWN: Shop (shop) in eu-west\nCheck: shop\n')
    expect(text).toContain('\n\nDOWN: login in us-east\nCheck: login\n')
  })

  it('stays within the 4096 characters Telegram allows', () => {
    const many = { ...fired, grouped: Array.from({ length: 100 }, () => fired) }
    expect(buildPayload(many, ctx).text.length).toBe(4096)
  })
})

describe('telegram send', () => {
  let sink: WebhookSink | undefined
  afterEach(async () => {
    await sink?.close()
    sink = undefined
  })

  it('calls sendMessage for the chat, and keeps the token out of errors', async () => {
    sink = await startWebhookSink([{ status: 403, body: 'Forbidden: bot 123:ABC was kicked' }])
    const apiUrl = sink.url.replace(/\/hook$/, '')
    const channel = { botToken: '123:ABC', chatId: -10042, apiUrl }
    const outcome = await send(channel, buildPayload(fired, ctx))
    expect(sink.requests[0]!.path).toBe('/bot123:ABC/sendMessage')
    expect(JSON.parse(sink.requests[0]!.body)).toMatchObject({ chat_id: -10042 })
    expect(outcome).toEqual({
      ok: false,
      status: 403,
      error: 'HTTP 403: Forbidden: bot (secret) was kicked',
    })
  })
})
