/**
 * The probe's optional health port (`vantage probe --health-port`): a small Hono app,
 * so that more routes (metrics, say) can join `/healthz` and `/readyz` on the same port.
 *
 * - `GET /healthz` 200 while the process runs;
 * - `GET /readyz` 200 `{ ready: true, ... }` when the probe is fit to run checks, else
 *   503 with the reasons (probe/readiness.ts);
 * - `GET /metrics` the probe's Prometheus series (probe-metrics.ts), with `probeMetricsRoutes`.
 *
 * Loaded only when the probe has a health port: a probe without one carries no HTTP server.
 */
import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { EXPOSITION_CONTENT_TYPE } from '../lib/prometheus-text.ts'
import type { ProbeReadiness } from './readiness.ts'

export function createHealthApp(readiness: () => ProbeReadiness): Hono {
  const app = new Hono()
  app.get('/healthz', (c) => c.json({ alive: true }))
  app.get('/readyz', (c) => {
    const report = readiness()
    return c.json(report, report.ready ? 200 : 503)
  })
  return app
}

export interface HealthServer {
  url: string
  close(): Promise<void>
}

/** Serves `app` on `host:port` (0: any free port); rejects when the port cannot be used. */
export async function serveHealth(app: Hono, port: number, host: string): Promise<HealthServer> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(started))
    started.once('error', reject)
  })
  const address = server.address()
  const bound = typeof address === 'object' && address ? address.port : port
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      }),
  }
}

/**
 * `GET /metrics` for the probe's health port.
 * @example healthApp.route('/', probeMetricsRoutes(() => probe.metrics()))
 */
export function probeMetricsRoutes(render: () => string): Hono {
  const app = new Hono()
  app.get('/metrics', (c) => c.body(render(), 200, { 'content-type': EXPOSITION_CONTENT_TYPE }))
  return app
}
