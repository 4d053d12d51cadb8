import { describe, expect, it } from 'vitest'
import { Metrics } from '../metrics/metrics.ts'
import { metricsRoutes } from './metrics-routes.ts'

const metrics = new Metrics({
  checks: () => [],
  quorum: () => undefined,
  health: {
    ingest: () => ({
      batches: 0,
      results: 0,
      duplicates: 0,
      rejectedMessages: 0,
      rejectedResults: 0,
      inMaintenance: 0,
    }),
    channels: () => [],
    probes: () => [],
    configVersion: () => '1-a',
    now: () => 0,
  },
})

const get = (app: ReturnType<typeof metricsRoutes>, path: string, token?: string) =>
  app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {})

describe('metrics routes', () => {
  it('serve anyone when the hub has no token', async () => {
    const response = await get(metricsRoutes({ metrics }), '/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(await response.text()).toContain('# TYPE vantage_hub_results_ingested_total counter')
  })

  it('take the metrics token or the API token, and nothing else, when the hub has one', async () => {
    const app = metricsRoutes({ metrics, apiToken: 'admin', metricsToken: 'scrape' })
    for (const path of ['/metrics', '/metrics/blackbox']) {
      expect((await get(app, path)).status).toBe(401)
      expect((await get(app, path, 'wrong')).status).toBe(401)
      expect((await get(app, path, 'scrape')).status).toBe(200)
      expect((await get(app, path, 'admin')).status).toBe(200)
    }
    const refused = await get(app, '/metrics')
    expect(refused.headers.get('www-authenticate')).toBe('Bearer')
    expect((await refused.json()).error).toMatch(/--metrics-token/)
  })
})
