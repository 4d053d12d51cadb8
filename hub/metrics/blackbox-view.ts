/**
 * A blackbox_exporter-compatible view of the newest run of every check and region, so
 * the community's blackbox dashboards work unchanged: `probe_success`,
 * `probe_duration_seconds`, `probe_http_duration_seconds{phase}` with blackbox's phase
 * names, `probe_http_status_code`, `probe_ssl_earliest_cert_expiry`, ... Each series has
 * `instance` set to the check id (scrape it with `honor_labels: true` so Prometheus keeps
 * it) and `region`; `?region=` and `?target=` narrow the view to one region or check,
 * for one scrape job per region as blackbox setups have one exporter per location.
 */
import type { CheckEntry, LastRun } from './check-metrics.ts'
import { labels, type ExpositionWriter } from '../../lib/prometheus-text.ts'

/** Vantage's phase fields and blackbox's names for them. */
const HTTP_PHASES = [
  ['dnsMs', 'resolve'],
  ['connectMs', 'connect'],
  ['tlsMs', 'tls'],
  ['ttfbMs', 'processing'],
  ['transferMs', 'transfer'],
] as const

interface Row {
  kind: string
  labelText: string
  last: LastRun
}

interface Gauge {
  name: string
  help: string
  value: (row: Row) => number | undefined
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1_000)
const http = (row: Row) => row.kind === 'http'

const GAUGES: Gauge[] = [
  {
    name: 'probe_success',
    help: 'Displays whether or not the probe was a success',
    value: (row) => (row.last.status === 'up' || row.last.status === 'degraded' ? 1 : 0),
  },
  {
    name: 'probe_duration_seconds',
    help: 'Returns how long the probe took to complete in seconds',
    value: (row) => row.last.durationMs / 1_000,
  },
  {
    name: 'probe_dns_lookup_time_seconds',
    help: 'Returns the time taken for probe dns lookup in seconds',
    value: (row) => seconds(row.last.phases?.dnsMs ?? row.last.metrics.lookupMs),
  },
  {
    name: 'probe_http_status_code',
    help: 'Response HTTP status code',
    value: (row) => (http(row) ? (row.last.metrics.httpStatus ?? 0) : undefined),
  },
  {
    name: 'probe_http_version',
    help: 'Returns the version of HTTP of the probe response',
    value: (row) => (http(row) ? row.last.metrics.httpVersion : undefined),
  },
  {
    name: 'probe_http_redirects',
    help: 'The number of redirects',
    value: (row) => (http(row) ? row.last.metrics.redirects : undefined),
  },
  {
    name: 'probe_http_ssl',
    help: 'Indicates if SSL was used for the final redirect',
    value: (row) => (http(row) ? (row.last.metrics.certValid !== undefined ? 1 : 0) : undefined),
  },
  {
    name: 'probe_http_content_length',
    help: 'Length of http content response',
    value: (row) => (http(row) ? row.last.metrics.responseBytes : undefined),
  },
  {
    name: 'probe_ssl_earliest_cert_expiry',
    help: 'Returns last SSL chain expiry in unixtime',
    value: (row) => row.last.certExpiry,
  },
  {
    name: 'probe_ip_protocol',
    help: 'Specifies whether probe ip protocol is IP4 or IP6',
    value: (row) => row.last.metrics.ipVersion,
  },
]

export interface BlackboxFilter {
  region?: string
  target?: string
}

export function renderBlackbox(
  out: ExpositionWriter,
  entries: readonly CheckEntry[],
  filter: BlackboxFilter = {},
): void {
  const rows: Row[] = []
  for (const entry of entries) {
    if (filter.target !== undefined && entry.spec.id !== filter.target) continue
    for (const series of entry.series.values()) {
      if (!series.last) continue
      if (filter.region !== undefined && series.region !== filter.region) continue
      const pairs = { instance: entry.spec.id, region: series.region, probe: series.probe ?? '' }
      rows.push({ kind: entry.spec.kind, labelText: labels(pairs), last: series.last })
    }
  }
  for (const gauge of GAUGES) {
    out.family(gauge.name, 'gauge', gauge.help)
    for (const row of rows) {
      const value = gauge.value(row)
      if (value !== undefined && Number.isFinite(value))
        out.sample(gauge.name, row.labelText, value)
    }
    if (gauge.name === 'probe_dns_lookup_time_seconds') {
      out.family(
        'probe_http_duration_seconds',
        'gauge',
        'Duration of http request by phase, summed over all redirects',
      )
      for (const row of rows) {
        if (!http(row)) continue
        for (const [field, phase] of HTTP_PHASES) {
          const ms = row.last.phases?.[field]
          out.sample(
            'probe_http_duration_seconds',
            `${row.labelText},phase="${phase}"`,
            (ms ?? 0) / 1_000,
          )
        }
      }
    }
  }
  out.family(
    'probe_icmp_duration_seconds',
    'gauge',
    'Duration of icmp request by phase (rtt: the average round trip)',
  )
  for (const row of rows) {
    const rtt = row.kind === 'ping' ? row.last.metrics.rttAvgMs : undefined
    if (rtt !== undefined) {
      out.sample('probe_icmp_duration_seconds', `${row.labelText},phase="rtt"`, rtt / 1_000)
    }
  }
}
