/**
 * The checks' Prometheus series, kept in memory from the results ingest stores and
 * rendered at each scrape. The deployed checks decide what exists: a check added by a
 * deploy shows at the next scrape, a removed or disabled one (and a region taken off a
 * check) is gone from it, so Prometheus marks its series stale instead of repeating the
 * last value. Counters start again at zero when the hub restarts, as Prometheus expects.
 *
 * The series budget: by default a check has at most 5 series per region (`up`, and
 * `runs_total` for its 4 statuses); only a check that opts in with `metrics: { latency:
 * true }` adds the duration histogram, and `metrics: { phases: true }` the per-phase one.
 * Labels are check ids, regions (probe ids for host checks), kinds and statuses, never
 * URLs, names or errors; tags only through the hub's allow-list (`--metrics-tags`).
 */
import { CHECK_STATUSES, type CheckResult, type CheckStatus } from '../../checks/result.ts'
import { isHostKind, regionsOf, seriesOf, type CheckSpec } from '../../checks/spec.ts'
import type { MetricsOptIn } from '../../checks/specs/common.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { labels, type ExpositionWriter } from '../../lib/prometheus-text.ts'
import { Histogram } from '../../lib/prometheus-histogram.ts'

/** The check's `metrics` field; absent means the default budget. */
export function optInOf(spec: CheckSpec): MetricsOptIn {
  return ('metrics' in spec ? spec.metrics : undefined) ?? {}
}

/** The result's phase fields and their `phase` label. */
export const PHASES = [
  ['dnsMs', 'dns'],
  ['connectMs', 'connect'],
  ['tlsMs', 'tls'],
  ['ttfbMs', 'ttfb'],
  ['transferMs', 'transfer'],
] as const

const STATUS_INDEX: Record<CheckStatus, number> = { up: 0, degraded: 1, down: 2, inconclusive: 3 }

/** What the blackbox view and the certificate gauge need from a series' newest result. */
export interface LastRun {
  status: CheckStatus
  /** When it was measured (epoch ms). */
  at: number
  durationMs: number
  phases: CheckResult['phases']
  metrics: Record<string, number>
  /** The certificate's expiry (epoch s), when the run saw one. */
  certExpiry?: number
}

export class Series {
  /** Runs per status, in CHECK_STATUSES order. */
  readonly runs = new Float64Array(CHECK_STATUSES.length)
  /** 1 when the newest conclusive run passed (up or degraded), 0 when it failed. */
  up: number | undefined
  last: LastRun | undefined
  duration: Histogram | undefined
  phases: Histogram[] | undefined
  /** `runs_total`'s label text per status, rendered once. */
  readonly statusLabels: string[]

  constructor(
    readonly labelText: string,
    readonly region: string,
    /** The probe, for host checks (each selected host is its own series). */
    readonly probe: string | null,
  ) {
    this.statusLabels = CHECK_STATUSES.map((status) => `${labelText},status="${status}"`)
  }
}

export class CheckEntry {
  readonly series = new Map<string, Series>()
  readonly checkLabel: string
  infoLabels = ''
  optIn: MetricsOptIn = {}
  /** The regions a region check runs in; null for host checks (any probe it selects). */
  regions: ReadonlySet<string> | null = null

  constructor(public spec: CheckSpec) {
    this.checkLabel = labels({ check: spec.id })
  }
}

/** The certificate's expiry in epoch seconds, from the detail or else the days left. */
function certExpiryOf(result: CheckResult): number | undefined {
  const notAfter = result.details?.certNotAfter
  if (notAfter) {
    const ms = Date.parse(notAfter)
    if (!Number.isNaN(ms)) return Math.floor(ms / 1_000)
  }
  const days = result.metrics?.certDaysLeft
  if (days === undefined) return undefined
  return Math.floor((result.startedAt + days * 86_400_000) / 1_000)
}

export interface CheckMetricsOptions {
  /** Tags that may become labels (on `vantage_check_info` only). Default: none. */
  tags?: ReadonlySet<string>
}

/**
 * @example
 * const metrics = new CheckMetrics({ tags: new Set(['payments']) })
 * metrics.setChecks(config.checks)
 * metrics.observe(storedResults)
 * metrics.render(out, (id) => engine.state(id))
 */
export class CheckMetrics {
  readonly #entries = new Map<string, CheckEntry>()
  /** Deployed order, so a scrape reads like the monitors file. */
  #order: CheckEntry[] = []
  readonly #tags: ReadonlySet<string>

  constructor(options: CheckMetricsOptions = {}) {
    this.#tags = options.tags ?? new Set()
  }

  /** Makes the tracked checks the enabled ones of `specs`, dropping what no longer exists. */
  setChecks(specs: readonly CheckSpec[]): void {
    const order: CheckEntry[] = []
    const kept = new Set<string>()
    for (const spec of specs) {
      if (!spec.enabled) continue
      const entry = this.#entries.get(spec.id) ?? new CheckEntry(spec)
      entry.spec = spec
      const regions = regionsOf(spec)
      entry.regions = isHostKind(spec.kind) || !regions ? null : new Set(regions)
      entry.optIn = optInOf(spec)
      const tags = spec.tags.filter((tag) => this.#tags.has(tag)).sort()
      entry.infoLabels = labels({
        check: spec.id,
        kind: spec.kind,
        tags: tags.length > 0 ? `,${tags.join(',')},` : '',
      })
      for (const [key, series] of entry.series) {
        if (entry.regions && !entry.regions.has(key)) entry.series.delete(key)
        if (!entry.optIn.latency) series.duration = undefined
        if (!entry.optIn.phases) series.phases = undefined
      }
      this.#entries.set(spec.id, entry)
      kept.add(spec.id)
      order.push(entry)
    }
    for (const id of this.#entries.keys()) if (!kept.has(id)) this.#entries.delete(id)
    this.#order = order
  }

  /**
   * Sets each series' newest state from results stored before this hub started, so `up`
   * and certificate expiry are known at the first scrape. Counts stay at zero.
   */
  seed(checkId: string, latest: Iterable<CheckResult>): void {
    const entry = this.#entries.get(checkId)
    if (!entry) return
    for (const result of latest) {
      const series = this.#series(entry, result)
      if (series) this.#remember(series, result)
    }
  }

  /** Counts newly stored results. Results of checks not deployed (or not here) are ignored. */
  observe(results: readonly CheckResult[]): void {
    for (const result of results) {
      const entry = this.#entries.get(result.checkId)
      if (!entry) continue
      const series = this.#series(entry, result)
      if (!series) continue
      series.runs[STATUS_INDEX[result.status]]! += 1
      if (!series.last || result.scheduledAt >= series.last.at) this.#remember(series, result)
      if (result.status === 'inconclusive') continue
      if (entry.optIn.latency) {
        series.duration ??= new Histogram()
        series.duration.observe(result.durationMs / 1_000)
      }
      if (entry.optIn.phases && result.phases) {
        series.phases ??= PHASES.map(() => new Histogram())
        PHASES.forEach(([field], index) => {
          const ms = result.phases![field]
          if (ms !== undefined) series.phases![index]!.observe(ms / 1_000)
        })
      }
    }
  }

  /** The tracked checks in deployed order, with their series (for the blackbox view). */
  entries(): readonly CheckEntry[] {
    return this.#order
  }

  #series(entry: CheckEntry, result: CheckResult): Series | undefined {
    const key = seriesOf(result)
    if (entry.regions && !entry.regions.has(key)) return undefined
    let series = entry.series.get(key)
    if (!series) {
      const host = entry.regions === null && isHostKind(result.kind)
      const pairs: Record<string, string> = { check: result.checkId, region: result.region }
      if (host) pairs.probe = result.probeId
      series = new Series(labels(pairs), result.region, host ? result.probeId : null)
      entry.series.set(key, series)
    }
    return series
  }

  #remember(series: Series, result: CheckResult): void {
    if (result.status !== 'inconclusive') series.up = result.status === 'down' ? 0 : 1
    series.last = {
      status: result.status,
      at: result.scheduledAt,
      durationMs: result.durationMs,
      phases: result.phases,
      metrics: result.metrics ?? {},
      certExpiry: certExpiryOf(result),
    }
  }

  /** Writes every check family. `quorum` is the engine's state of a check. */
  render(out: ExpositionWriter, quorum: (checkId: string) => CheckAlertState | undefined): void {
    const order = this.#order
    out.family(
      'vantage_check_info',
      'gauge',
      'Always 1: a deployed, enabled check, with its kind and allow-listed tags (",a,b,")',
    )
    for (const entry of order) out.sample('vantage_check_info', entry.infoLabels, 1)

    out.family(
      'vantage_check_up',
      'gauge',
      'With region: 1 when the newest conclusive run there passed (up or degraded), 0 when it ' +
        'failed. Without region: the quorum state, 0 while the check is DOWN, else 1',
    )
    for (const entry of order) {
      const state = quorum(entry.spec.id)?.status
      if (state === 'down') out.sample('vantage_check_up', entry.checkLabel, 0)
      else if (state === 'up' || state === 'partial' || state === 'degraded')
        out.sample('vantage_check_up', entry.checkLabel, 1)
      for (const series of entry.series.values()) {
        if (series.up !== undefined) out.sample('vantage_check_up', series.labelText, series.up)
      }
    }

    out.family(
      'vantage_check_runs_total',
      'counter',
      'Runs stored since the hub started, by the status they ended with',
    )
    for (const entry of order) {
      for (const series of entry.series.values()) {
        for (let i = 0; i < series.runs.length; i += 1) {
          out.sample('vantage_check_runs_total', series.statusLabels[i]!, series.runs[i]!)
        }
      }
    }

    out.family(
      'vantage_check_duration_seconds',
      'histogram',
      'Duration of conclusive runs (checks with metrics.latency)',
    )
    for (const entry of order) {
      if (!entry.optIn.latency) continue
      for (const series of entry.series.values()) {
        series.duration?.write(out, 'vantage_check_duration_seconds', series.labelText)
      }
    }

    out.family(
      'vantage_check_phase_duration_seconds',
      'histogram',
      'Duration of each phase of conclusive runs: dns, connect, tls, ttfb, transfer (checks with metrics.phases)',
    )
    for (const entry of order) {
      if (!entry.optIn.phases) continue
      for (const series of entry.series.values()) {
        if (!series.phases) continue
        PHASES.forEach(([, phase], index) => {
          const histogram = series.phases![index]!
          if (histogram.count === 0) return
          histogram.write(
            out,
            'vantage_check_phase_duration_seconds',
            `${series.labelText},phase="${phase}"`,
          )
        })
      }
    }

    out.family(
      'vantage_cert_expiry_timestamp_seconds',
      'gauge',
      'When the TLS certificate the check saw expires (Unix time), the earliest over its regions',
    )
    for (const entry of order) {
      let earliest: number | undefined
      for (const series of entry.series.values()) {
        const expiry = series.last?.certExpiry
        if (expiry !== undefined && (earliest === undefined || expiry < earliest)) earliest = expiry
      }
      if (earliest !== undefined)
        out.sample('vantage_cert_expiry_timestamp_seconds', entry.checkLabel, earliest)
    }
  }
}
