/**
 * Prometheus scrape routes:
 *
 * - `GET /metrics` the checks, SLOs and the hub's own health (hub/metrics/)
 * - `GET /metrics/blackbox[?region=R&target=CHECK]` the blackbox_exporter-compatible view
 *
 * Check ids and regions are the operators' view, so with an API token a scrape needs a
 * bearer token: the metrics token (`--metrics-token`, read-only, what Prometheus should
 * hold) or the API token. A hub with neither serves them to anyone, like its other reads.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { Hono, type Context } from 'hono'
import { EXPOSITION_CONTENT_TYPE } from '../../lib/prometheus-text.ts'
import type { Metrics } from '../metrics/metrics.ts'

export interface MetricsRouteDeps {
  metrics: Metrics
  apiToken?: string
  /** A token that reads /metrics and nothing else. */
  metricsToken?: string
}

function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function allowed(c: Context, tokens: string[]): boolean {
  if (tokens.length === 0) return true
  const match = /^Bearer\s+(.+)$/i.exec((c.req.header('authorization') ?? '').trim())
  if (!match) return false
  // Every token is compared, so the timing does not say which one matched.
  return tokens.map((token) => sameToken(match[1]!, token)).some(Boolean)
}

/**
 * @example
 * app.route('/', metricsRoutes({ metrics, apiToken, metricsToken }))
 */
export function metricsRoutes(deps: MetricsRouteDeps): Hono {
  const app = new Hono()
  const tokens = [deps.metricsToken, deps.apiToken].filter((t): t is string => Boolean(t))

  app.use('/metrics', async (c, next) => guard(c, next))
  app.use('/metrics/*', async (c, next) => guard(c, next))
  const guard = async (c: Context, next: () => Promise<void>) => {
    if (allowed(c, tokens)) return next()
    c.header('www-authenticate', 'Bearer')
    return c.json(
      {
        error:
          'scraping needs a token: set authorization.credentials in the Prometheus scrape config ' +
          "to the hub's --metrics-token (or its API token)",
      },
      401,
    )
  }

  app.get('/metrics', (c) =>
    c.body(deps.metrics.render(), 200, { 'content-type': EXPOSITION_CONTENT_TYPE }),
  )
  app.get('/metrics/blackbox', (c) => {
    const region = c.req.query('region') || undefined
    const target = c.req.query('target') || undefined
    return c.body(deps.metrics.renderBlackbox({ region, target }), 200, {
      'content-type': EXPOSITION_CONTENT_TYPE,
    })
  })
  return app
}
