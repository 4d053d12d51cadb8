/**
 * The Grafana dashboards in infra/grafana/ query what the hub and the probes export:
 * every panel's (and every variable's) query is wrapped as a recording rule and parsed
 * by `promtool check rules`, and every metric name it uses is one the hub or a probe
 * writes (rendered here with the real exporters, a check opted into every histogram).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import { Metrics } from '../../hub/metrics/metrics.ts'
import { ProbeMetrics } from '../../probe/probe-metrics.ts'
import { promtoolCheckRules, promtoolWorks } from '../fixtures/prometheus.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { makeResult } from '../fixtures/results.ts'

const hasPromtool = toolAvailable('promtool (Debian package prometheus)', promtoolWorks())
const DASHBOARDS = fileURLToPath(new URL('../../infra/grafana/dashboards/', import.meta.url))

interface Panel {
  id: number
  type: string
  title: string
  datasource?: { uid?: string }
  targets?: { expr?: string }[]
  panels?: Panel[]
}

const dashboards = readdirSync(DASHBOARDS)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) }))

function panelsOf(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...panelsOf(panel.panels ?? [])])
}

/** Every query a dashboard runs: panel targets, and the metric selectors of its variables. */
function queriesOf(json: { panels: Panel[]; templating: { list: { query?: unknown }[] } }) {
  const fromPanels = panelsOf(json.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr ?? '' })),
  )
  const fromVariables = json.templating.list.flatMap((variable) => {
    const query =
      typeof variable.query === 'string'
        ? variable.query
        : (variable.query as { query?: string } | undefined)?.query
    const selector = /^label_values\((.+),\s*\w+\)$/.exec(query ?? '')?.[1]
    return selector ? [{ where: `variable ${query}`, expr: selector }] : []
  })
  return [...fromPanels, ...fromVariables]
}

/** Grafana's variables as Prometheus would see them once Grafana has filled them in. */
function substitute(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$\{__interval\}/g, '1m')
    .replace(/\$__range/g, '6h')
    .replace(/\$\{?(\w+)\}?/g, 'x')
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])

/** The metric names a query reads: identifiers left once strings, selectors, ranges, groupings and calls are gone. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names: string[] = []
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice(match.index! + match[0].length)
    if (/^\s*\(/.test(after)) continue
    if (KEYWORDS.has(match[0].toLowerCase())) continue
    if (/^\d/.test(match[0]) || /\d$/.test(bare.slice(0, match.index))) continue
    names.push(match[0])
  }
  return names
}

/** Every family the hub's /metrics and a probe's /metrics write, with histogram suffixes. */
function exportedNames(): Set<string> {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west'] },
    checks: [{ kind: 'http', id: 'latte', url: 'https://latte.example.com/' }],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  const checks = outcome.config.checks.map(
    (spec) => ({ ...spec, metrics: { latency: true, phases: true } }) as CheckSpec,
  )
  const metrics = new Metrics({
    checks: () => checks,
    quorum: () => undefined,
    slo: () => [{ slo: 'latte', target: 0.999, budgetRemaining: 0.5, burnRates: { '1h': 1 } }],
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
  metrics.observe([makeResult({ checkId: 'latte', phases: { dnsMs: 1 } })])
  const probe = new ProbeMetrics().render({
    probeId: 'p',
    region: 'r',
    outboxResults: 0,
    outboxBytes: 0,
    dropped: 0,
    runsInFlight: 0,
    runs: {},
    healthy: true,
    connected: true,
    bundlesRejected: 0,
  })
  const names = new Set<string>()
  for (const text of [metrics.render(), metrics.renderBlackbox(), probe]) {
    for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      names.add(name!)
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(name! + suffix)
    }
  }
  return names
}

describe('Grafana dashboards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vantage-dashboards-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('has the overview, check detail, SLO, hub and probe dashboards', () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual([
      'vantage-check',
      'vantage-hub',
      'vantage-overview',
      'vantage-probes',
      'vantage-slo',
    ])
  })

  for (const { file, json } of dashboards) {
    describe(file, () => {
      const panels = panelsOf(json.panels as Panel[]).filter((panel) => panel.type !== 'row')
      const queries = queriesOf(json)

      it('has unique panel ids and reads the datasource variable', () => {
        const ids = panelsOf(json.panels).map((panel) => panel.id)
        expect(new Set(ids).size).toBe(ids.length)
        for (const panel of panels) expect(panel.datasource?.uid, panel.title).toBe('${datasource}')
        expect(panels.every((panel) => (panel.targets ?? []).length > 0)).toBe(true)
      })

      it('uses only metric names the hub or a probe exports', () => {
        const exported = exportedNames()
        for (const { where, expr } of queries) {
          for (const name of metricNames(expr)) {
            expect(exported.has(name), `${where}: ${name} in ${expr}`).toBe(true)
          }
        }
      })

      it.runIf(hasPromtool)('has queries that promtool parses, as recording rules', () => {
        const rules = queries.map(({ expr }, index) => ({
          record: `dashboard:${json.uid.replace(/-/g, '_')}:query${index}`,
          expr: substitute(expr),
        }))
        const file = join(dir, `${json.uid}.rules.json`)
        // A JSON document is YAML, so promtool reads it as its rules file.
        writeFileSync(file, JSON.stringify({ groups: [{ name: json.uid, rules }] }))
        const check = promtoolCheckRules(file)
        expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`)
        expect(check.code).toBe(0)
      })
    })
  }

  it('finds metric names in a query, not functions, labels or durations', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, region) (rate(vantage_check_duration_seconds_bucket{check="x",region=~"a|b"}[5m]))) / on (check) group_left () vantage_check_info',
      ),
    ).toEqual(['vantage_check_duration_seconds_bucket', 'vantage_check_info'])
    expect(metricNames('count(x{a="b"} == 0) or vector(0)')).toEqual(['x'])
    expect(
      metricNames('(vantage_cert_expiry_timestamp_seconds - time()) / 86400 < 14 * 86400'),
    ).toEqual(['vantage_cert_expiry_timestamp_seconds'])
  })
})
