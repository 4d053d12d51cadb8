import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { promtoolCheckMetrics, promtoolWorks } from '../../test/fixtures/prometheus.ts'
import { toolAvailable } from '../../test/fixtures/require-tool.ts'
import { Metrics } from './metrics.ts'

const hasPromtool = toolAvailable('promtool (Debian package prometheus)', promtoolWorks())

function checks(input: unknown[]): CheckSpec[] {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west', 'us-east'] },
    checks: input,
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config.checks
}

function withOptIn(specs: CheckSpec[], id: string, metrics: object): CheckSpec[] {
  return specs.map((spec) =>
    spec.id === id ? ({ ...spec, metrics } as unknown as CheckSpec) : spec,
  )
}

function metricsFor(current: { specs: CheckSpec[] }, tags: string[] = []) {
  const states = new Map<string, CheckAlertState['status']>()
  const metrics = new Metrics({
    checks: () => current.specs,
    quorum: (id) =>
      states.has(id)
        ? {
            checkId: id,
            status: states.get(id)!,
            regions: {},
            failingRegions: [],
            since: null,
            incidentId: null,
          }
        : undefined,
    health: {
      ingest: () => ({
        batches: 3,
        results: 10,
        duplicates: 1,
        rejectedMessages: 2,
        rejectedResults: 1,
        inMaintenance: 0,
      }),
      channels: () => [
        {
          name: 'team',
          type: 'slack',
          state: 'ok',
          consecutiveFailures: 0,
          lastError: null,
          lastFailureAt: null,
          lastSuccessAt: null,
          pending: 2,
        },
      ],
      probes: () => [
        {
          probeId: 'eu-west-1',
          state: 'online',
          region: 'eu-west',
          labels: {},
          capabilities: [],
          version: '1',
          lastSeen: Date.UTC(2026, 0, 1),
          stats: { queueDepth: 4, clockOffsetMs: -12 },
          health: { ok: true, reasons: [] },
        },
      ],
      brokerClients: () => 3,
      configVersion: () => '1-abc',
      now: () => Date.UTC(2026, 0, 1, 12, 1),
    },
    tags: new Set(tags),
  })
  return { metrics, states }
}

/** The series of a family in a scrape (sample lines only). */
function samples(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
}

const http = (id: string, extra: object = {}) => ({
  kind: 'http',
  id,
  url: `https://${id}.example.com/health`,
  tags: ['payments', 'internal'],
  ...extra,
})

describe('hub metrics', () => {
  it('keeps a check to 5 series per region by default, and never puts a URL in a label', () => {
    const current = { specs: checks([http('latte')]) }
    const { metrics, states } = metricsFor(current, ['payments'])
    states.set('latte', 'up')
    metrics.observe([
      makeResult({ checkId: 'latte', region: 'eu-west', status: 'up' }),
      makeResult({ checkId: 'latte', region: 'us-east', probeId: 'us-east-1', status: 'down' }),
    ])
    const text = metrics.render()
    for (const region of ['eu-west', 'us-east']) {
      const perRegion = text
        .split('\n')
        .filter((line) => /^vantage_check_/.test(line) && line.includes(`region="${region}"`))
      expect(perRegion).toHaveLength(5)
    }
    expect(samples(text, 'vantage_check_up')).toEqual([
      'vantage_check_up{check="latte"} 1',
      'vantage_check_up{check="latte",region="eu-west"} 1',
      'vantage_check_up{check="latte",region="us-east"} 0',
    ])
    expect(samples(text, 'vantage_check_info')).toEqual([
      'vantage_check_info{check="latte",kind="http",tags=",payments,"} 1',
    ])
    expect(text).not.toContain('example.com')
    expect(samples(text, 'vantage_check_duration_seconds_bucket')).toEqual([])
  })

  it('adds the duration and phase histograms only to a check that opts in', () => {
    const current = {
      specs: withOptIn(checks([http('latte'), http('mocha')]), 'latte', {
        latency: true,
        phases: true,
      }),
    }
    const { metrics } = metricsFor(current)
    const phases = { dnsMs: 2, connectMs: 5, tlsMs: 20, ttfbMs: 120, transferMs: 3 }
    metrics.observe([
      makeResult({ checkId: 'latte', durationMs: 150, phases }),
      makeResult({ checkId: 'mocha', durationMs: 150, phases }),
    ])
    const text = metrics.render()
    expect(text).toContain(
      'vantage_check_duration_seconds_bucket{check="latte",region="eu-west",le="0.25"} 1',
    )
    expect(text).toContain('vantage_check_duration_seconds_count{check="latte",region="eu-west"} 1')
    expect(text).toContain(
      'vantage_check_phase_duration_seconds_bucket{check="latte",region="eu-west",phase="ttfb",le="0.25"} 1',
    )
    expect(text).not.toContain('vantage_check_duration_seconds_count{check="mocha"')
  })

  it('follows deploys: an added check appears, a removed check or region leaves no stale series', () => {
    const current = { specs: checks([http('latte'), http('mocha')]) }
    const { metrics } = metricsFor(current)
    metrics.observe([
      makeResult({ checkId: 'latte', region: 'us-east', probeId: 'us-east-1' }),
      makeResult({ checkId: 'mocha' }),
    ])
    expect(metrics.render()).toContain('check="mocha"')

    current.specs = checks([http('latte', { regions: ['eu-west'] }), http('espresso')])
    const text = metrics.render()
    expect(text).not.toContain('check="mocha"')
    expect(text).not.toContain('region="us-east"')
    expect(samples(text, 'vantage_check_info')).toContain(
      'vantage_check_info{check="espresso",kind="http"} 1',
    )
    // A late result of the removed check counts for nothing.
    metrics.observe([makeResult({ checkId: 'mocha' })])
    expect(metrics.render()).not.toContain('check="mocha"')
  })

  it('gives the earliest certificate expiry, and the blackbox view of the newest runs', () => {
    const current = { specs: checks([http('latte')]) }
    const { metrics } = metricsFor(current)
    metrics.observe([
      makeResult({
        checkId: 'latte',
        durationMs: 180,
        phases: { dnsMs: 1, connectMs: 4, tlsMs: 15, ttfbMs: 150, transferMs: 10 },
        metrics: {
          httpStatus: 200,
          httpVersion: 1.1,
          redirects: 0,
          certValid: 1,
          certDaysLeft: 30,
        },
        details: { certNotAfter: '2026-03-01T00:00:00.000Z' },
      }),
    ])
    expect(metrics.render()).toContain(
      `vantage_cert_expiry_timestamp_seconds{check="latte"} ${Date.UTC(2026, 2, 1) / 1000}`,
    )
    const blackbox = metrics.renderBlackbox()
    expect(blackbox).toContain('probe_success{instance="latte",region="eu-west"} 1')
    expect(blackbox).toContain('probe_http_status_code{instance="latte",region="eu-west"} 200')
    expect(blackbox).toContain(
      'probe_http_duration_seconds{instance="latte",region="eu-west",phase="processing"} 0.15',
    )
    expect(metrics.renderBlackbox({ region: 'us-east' })).not.toContain('instance="latte"')
  })

  it.runIf(hasPromtool)('passes promtool check metrics without a word', () => {
    const current = {
      specs: withOptIn(
        checks([
          http('latte'),
          { kind: 'tcp', id: 'db', host: 'db.example.com', port: 5432 },
          { kind: 'heartbeat', id: 'backup', every: '1d' },
        ]),
        'latte',
        { latency: true, phases: true },
      ),
    }
    const { metrics, states } = metricsFor(current, ['payments'])
    states.set('latte', 'down')
    metrics.hub.notification('team', 'delivered')
    metrics.hub.chatCommand('slack', 'status', 'ok')
    metrics.observe([
      makeResult({
        checkId: 'latte',
        phases: { dnsMs: 1, connectMs: 2 },
        details: { certNotAfter: '2026-03-01T00:00:00.000Z' },
      }),
      makeResult({ checkId: 'db', kind: 'tcp', status: 'inconclusive' }),
      makeResult({ checkId: 'backup', kind: 'heartbeat', region: 'hub', probeId: 'hub' }),
    ])
    const scrape = promtoolCheckMetrics(metrics.render())
    expect(scrape).toEqual({ code: 0, output: '' })
    const blackbox = promtoolCheckMetrics(metrics.renderBlackbox())
    expect(blackbox.code).toBe(0)
  })
})
