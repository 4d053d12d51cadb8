/**
 * /metrics with real parts: a hub process and three probe processes measure a loopback
 * target, a real Prometheus (Debian's package) scrapes the hub on 127.0.0.1 with the
 * metrics token, and queries through its HTTP API return the check's series; promtool
 * finds nothing to say about a live scrape; a deploy that removes a check leaves no
 * stale series behind, without a restart.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  prometheusWorks,
  promtoolCheckMetrics,
  startPrometheus,
  type PrometheusServer,
} from '../fixtures/prometheus.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { REGIONS, startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const hasPrometheus = toolAvailable('prometheus (Debian package prometheus)', prometheusWorks())
const METRICS_TOKEN = 'scrape-token-for-tests'

function monitors(url: string, port: number, withDb = true): object {
  return {
    project: 'E2E',
    defaults: { regions: REGIONS, every: '1s', timeout: '2s' },
    checks: [
      {
        kind: 'http',
        id: 'latte',
        url,
        tags: ['coffee', 'internal'],
        metrics: { latency: true, phases: true },
      },
      ...(withDb ? [{ kind: 'tcp', id: 'db', host: '127.0.0.1', port }] : []),
    ],
  }
}

describe.runIf(hasPrometheus)('Prometheus scraping the hub', () => {
  let target: Server
  let url: string
  let port: number
  let network: Network
  let prometheus: PrometheusServer
  let probeAddress: string

  beforeAll(async () => {
    target = createServer((_request, response) => response.end('ok'))
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    port = (target.address() as AddressInfo).port
    url = `http://127.0.0.1:${port}/health`
    network = await startNetwork({
      name: 'vantage-prometheus-',
      regions: REGIONS,
      monitors: monitors(url, port),
      hubArgs: ['--metrics-token', METRICS_TOKEN, '--metrics-tags', 'coffee'],
      // A second probe in eu-west with its health port, whose /metrics Prometheus scrapes too.
      probes: [{ id: 'eu-west-2', region: 'eu-west', args: ['--health-port', '0'] }],
    })
    await network.everyRegionUp('latte')
    const hubAddress = new URL(network.hub.httpUrl).host
    const health = /health\s+(http:\/\/\S+)\/readyz/.exec(network.probe('eu-west-2').output())
    probeAddress = new URL(health![1]!).host
    prometheus = await startPrometheus([
      { job: 'vantage-probes', target: probeAddress },
      { job: 'vantage', target: hubAddress, bearerToken: METRICS_TOKEN },
      {
        job: 'blackbox',
        target: hubAddress,
        path: '/metrics/blackbox',
        bearerToken: METRICS_TOKEN,
        honorLabels: true,
      },
    ])
    await prometheus.scraped()
  }, 120_000)

  afterAll(async () => {
    await prometheus?.stop()
    await network?.stop()
    await new Promise((resolve) => target?.close(resolve))
  })

  it('refuses a scrape without the token', async () => {
    const response = await fetch(`${network.hub.httpUrl}/metrics`)
    expect(response.status).toBe(401)
  })

  it('passes promtool check metrics on a live scrape', async () => {
    const headers = { authorization: `Bearer ${METRICS_TOKEN}` }
    const scrapes = [
      ['/metrics', 'check="latte"'],
      ['/metrics/blackbox', 'instance="latte"'],
    ]
    for (const [path, series] of scrapes) {
      const text = await (await fetch(`${network.hub.httpUrl}${path}`, { headers })).text()
      expect(text).toContain(series)
      expect(promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' })
    }
  })

  it("answers a query with the check's series, region by region and by quorum", async () => {
    const up = await waitFor('every region of latte in Prometheus', async () => {
      const samples = await prometheus.query('vantage_check_up{check="latte"}')
      return samples.length === REGIONS.length + 1 ? samples : undefined
    })
    expect(up.map((s) => s.metric.region ?? '(quorum)').sort()).toEqual(
      ['(quorum)', ...REGIONS].sort(),
    )
    expect(up.every((s) => s.value[1] === '1')).toBe(true)

    const runs = await prometheus.query(
      'sum by (region) (vantage_check_runs_total{check="latte",status="up"})',
    )
    expect(runs.map((s) => s.metric.region).sort()).toEqual([...REGIONS].sort())

    const p90 = await waitFor('a latency quantile from the histogram', async () => {
      const samples = await prometheus.query(
        'histogram_quantile(0.9, sum by (le) (rate(vantage_check_duration_seconds_bucket{check="latte"}[10s])))',
      )
      const value = Number(samples[0]?.value[1])
      return Number.isFinite(value) && value > 0 ? value : undefined
    })
    expect(p90).toBeLessThan(2)

    const info = await prometheus.query('vantage_check_info{tags=~".*,coffee,.*"}')
    expect(info.map((s) => s.metric)).toEqual([
      expect.objectContaining({ check: 'latte', kind: 'http', tags: ',coffee,' }),
    ])
  })

  it('serves the blackbox view that blackbox dashboards query', async () => {
    const success = await prometheus.query('probe_success{job="blackbox",instance="latte"}')
    expect(success.map((s) => s.metric.region).sort()).toEqual([...REGIONS].sort())
    const phases = await prometheus.query(
      'probe_http_duration_seconds{instance="latte",region="eu-west"}',
    )
    expect(phases.map((s) => s.metric.phase).sort()).toEqual([
      'connect',
      'processing',
      'resolve',
      'tls',
      'transfer',
    ])
  })

  it("scrapes a probe's own series from its health port", async () => {
    const text = await (await fetch(`http://${probeAddress}/metrics`)).text()
    expect(promtoolCheckMetrics(text)).toEqual({ code: 0, output: '' })
    const outbox = await prometheus.query('vantage_probe_outbox_results{job="vantage-probes"}')
    expect(outbox.map((s) => [s.metric.probe, s.metric.region])).toEqual([['eu-west-2', 'eu-west']])
    // Which checks it owns is rendezvous hashing's choice; that it is connected is not.
    const connected = await prometheus.query('vantage_probe_connected{probe="eu-west-2"}')
    expect(connected.map((s) => s.value[1])).toEqual(['1'])
  })

  it('drops a check removed by a deploy at the next scrape, with no restart', async () => {
    await waitFor('db in Prometheus', async () => {
      return (await prometheus.query('vantage_check_up{check="db"}')).length > 0
    })
    const response = await fetch(`${network.hub.httpUrl}/api/v1/deploys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: monitors(url, port, false), source: 'e2e' }),
    })
    expect(response.status).toBe(200)
    await waitFor('db to leave Prometheus', async () => {
      return (await prometheus.query('vantage_check_up{check="db"}')).length === 0
    })
    expect(await prometheus.query('vantage_check_up{check="latte",region="eu-west"}')).toHaveLength(
      1,
    )
  })
})
