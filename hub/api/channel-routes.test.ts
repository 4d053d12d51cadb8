import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import type { ChannelHealth } from '../alerts/notify/channel-health.ts'
import { createNotifier, type Notifier } from '../alerts/notify/notifier.ts'
import { startWebhookSink, type WebhookSink } from '../../test/fixtures/scripted-http-sink.ts'
import { channelRoutes } from './channel-routes.ts'

const failing: ChannelHealth = {
  name: 'team',
  type: 'slack',
  state: 'failing',
  consecutiveFailures: 4,
  lastError: 'HTTP 404: no_service',
  lastFailureAt: Date.UTC(2026, 0, 1, 0, 5),
  lastSuccessAt: Date.UTC(2026, 0, 1),
  pending: 2,
}

describe('GET /api/v1/channels', () => {
  it('lists each channel with its health', async () => {
    const app = channelRoutes({ channelHealth: () => [failing] })
    const response = await app.request('/api/v1/channels')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual([failing])
  })

  it('publishes only the health fields, whatever else the source carries', async () => {
    const leaky = { ...failing, url: 'https://hooks.slack.com/services/T0/B0/secret' }
    const app = channelRoutes({ channelHealth: () => [leaky] })
    const body = await (await app.request('/api/v1/channels')).text()
    expect(body).not.toContain('hooks.slack.com')
  })

  describe('over a real notifier', () => {
    let sink: WebhookSink | undefined
    let notifier: Notifier | undefined
    afterEach(async () => {
      await notifier?.close()
      await sink?.close()
    })

    it('shows names, types and states, never URLs or keys', async () => {
      sink = await startWebhookSink([500])
      const clock = new ManualClock()
      const db = new Database(':memory:')
      const incidents = new IncidentStore(db)
      const channels: ChannelConfig[] = [
        { type: 'console', name: 'console' },
        { type: 'webhook', name: 'ops', url: `${sink.url}?token=hook-secret`, headers: {} },
        { type: 'pagerduty', name: 'oncall', routingKey: 'rk-secret', url: sink.url },
      ]
      notifier = createNotifier({
        db,
        channels: () => channels,
        incidents,
        logger: silentLogger(),
        clock,
        project: () => 'Acme',
        retry: { attempts: 1, baseDelayMs: 0 },
        write: () => {},
      })
      const incidentId = incidents.open({
        checkId: 'api',
        at: clock.now(),
        regions: ['eu-west'],
        firstError: null,
      })
      const event = {
        type: 'fired' as const,
        incidentId,
        checkId: 'api',
        checkName: 'api',
        at: clock.now(),
        regions: ['eu-west'],
        quorum: 1,
        firstError: null,
      }
      notifier.send(event, ['console', 'ops'], { groupKey: null })
      await notifier.idle()

      const response = await channelRoutes(notifier).request('/api/v1/channels')
      const text = await response.text()
      expect(JSON.parse(text)).toEqual([
        expect.objectContaining({ name: 'console', type: 'console', state: 'ok' }),
        expect.objectContaining({
          name: 'ops',
          type: 'webhook',
          state: 'ok',
          consecutiveFailures: 1,
          lastError: 'HTTP 500: sink answered 500',
          pending: 0,
        }),
        expect.objectContaining({ name: 'oncall', type: 'pagerduty', state: 'unused' }),
      ])
      expect(text).not.toContain('hook-secret')
      expect(text).not.toContain('rk-secret')
      expect(text).not.toContain('127.0.0.1')
    })
  })
})
