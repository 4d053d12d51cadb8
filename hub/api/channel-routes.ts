/**
 * Channel routes: whether each notification channel works, so that a broken Slack
 * webhook or an expired PagerDuty key shows before the next outage goes unheard.
 *
 * - `GET /api/v1/channels` every configured channel: name, type, state (`ok`,
 *   `failing`, `unused`), consecutive failures, last error, last failure and success
 *   (epoch ms) and queued notifications
 *
 * Names, types and health only: never a URL, key or address, so the route needs no
 * token. Error texts come from the notifier, which scrubs the channel's secrets.
 */
import { Hono } from 'hono'
import type { ChannelHealth } from '../alerts/notify/channel-health.ts'

export interface ChannelRouteDeps {
  /** The notifier's `channelHealth`. */
  channelHealth: () => ChannelHealth[]
}

/**
 * Builds the channel routes; mount them with `app.route('/', channelRoutes(deps))`.
 *
 * @example
 * app.route('/', channelRoutes({ channelHealth: notifier.channelHealth }))
 */
export function channelRoutes(deps: ChannelRouteDeps): Hono {
  const app = new Hono()
  app.get('/api/v1/channels', (c) =>
    // Picked field by field: a field added to ChannelHealth later is not published by accident.
    c.json(
      deps.channelHealth().map((channel) => ({
        name: channel.name,
        type: channel.type,
        state: channel.state,
        consecutiveFailures: channel.consecutiveFailures,
        lastError: channel.lastError,
        lastFailureAt: channel.lastFailureAt,
        lastSuccessAt: channel.lastSuccessAt,
        pending: channel.pending,
      })),
    ),
  )
  return app
}
