import { describe, expect, it } from 'vitest'
import { promtoolCheckMetrics, promtoolWorks } from '../test/fixtures/prometheus.ts'
import { toolAvailable } from '../test/fixtures/require-tool.ts'
import { probeMetricsRoutes } from './health-server.ts'
import { browserStats, ProbeMetrics, type ProbeMetricsSnapshot } from './probe-metrics.ts'

const hasPromtool = toolAvailable('promtool (Debian package prometheus)', promtoolWorks())

const snapshot: ProbeMetricsSnapshot = {
  probeId: 'eu-west-1',
  region: 'eu-west',
  outboxResults: 12,
  outboxBytes: 4_800,
  dropped: 3,
  runsInFlight: 2,
  runs: { schedule: 40, confirm: 2, manual: 1 },
  healthy: true,
  connected: true,
  bundlesRejected: 0,
  browser: { workers: 2, attempts: 9, crashes: 0, launches: 1 },
}

describe('probe metrics', () => {
  it('exports the outbox, drops, lateness, runs and the browser pool, labelled with the probe', () => {
    const metrics = new ProbeMetrics()
    metrics.lateness(30)
    metrics.lateness(1_200)
    const text = metrics.render(snapshot)
    expect(text).toContain('vantage_probe_outbox_results{probe="eu-west-1",region="eu-west"} 12')
    expect(text).toContain('vantage_probe_outbox_bytes{probe="eu-west-1",region="eu-west"} 4800')
    expect(text).toContain(
      'vantage_probe_results_dropped_total{probe="eu-west-1",region="eu-west"} 3',
    )
    expect(text).toContain(
      'vantage_probe_schedule_lateness_seconds_bucket{probe="eu-west-1",region="eu-west",le="0.05"} 1',
    )
    expect(text).toContain(
      'vantage_probe_schedule_lateness_seconds_count{probe="eu-west-1",region="eu-west"} 2',
    )
    expect(text).toContain(
      'vantage_probe_runs_total{probe="eu-west-1",region="eu-west",trigger="manual"} 1',
    )
    expect(text).toContain(
      'vantage_probe_browser_pool_workers{probe="eu-west-1",region="eu-west"} 2',
    )
  })

  it("reads the browser pool's figures from its engine, and nothing from a probe without one", () => {
    const pool = {
      stats: () => ({ attempts: 3, crashes: 1, launches: 2, workers: 1, browserPid: 7 }),
    }
    expect(browserStats(pool)).toEqual({ workers: 1, attempts: 3, crashes: 1, launches: 2 })
    expect(browserStats(undefined)).toBeUndefined()
  })

  it('serves them at GET /metrics for the health port', async () => {
    const app = probeMetricsRoutes(() => new ProbeMetrics().render(snapshot))
    const response = await app.request('/metrics')
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(await response.text()).toContain('vantage_probe_runs_in_flight')
  })

  it.runIf(hasPromtool)('passes promtool check metrics, with and without a browser pool', () => {
    expect(promtoolCheckMetrics(new ProbeMetrics().render(snapshot))).toEqual({
      code: 0,
      output: '',
    })
    const noBrowser = new ProbeMetrics().render({ ...snapshot, browser: undefined })
    expect(promtoolCheckMetrics(noBrowser)).toEqual({ code: 0, output: '' })
  })
})
