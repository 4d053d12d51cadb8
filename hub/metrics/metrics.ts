/**
 * The hub's /metrics: the checks' series (check-metrics.ts), the SLO gauges
 * (slo-gauges.ts) and the hub's own health (hub-metrics.ts) in one scrape, and the
 * blackbox-compatible view (blackbox-view.ts). It follows the running config by itself:
 * whenever the deployed check list is a new one, the tracked checks are brought in line
 * before the next result is counted or the next scrape is rendered.
 */
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { renderBlackbox, type BlackboxFilter } from './blackbox-view.ts'
import { CheckMetrics } from './check-metrics.ts'
import { ExpositionWriter } from '../../lib/prometheus-text.ts'
import { HubMetrics, type HubHealthSources } from './hub-metrics.ts'
import { renderSloGauges, type SloGaugeSource } from './slo-gauges.ts'

export interface MetricsOptions {
  /** The deployed checks, read on every use: a deploy shows at the next scrape. */
  checks: () => readonly CheckSpec[]
  /** The engine's quorum state of a check. */
  quorum: (checkId: string) => CheckAlertState | undefined
  /** Each series' newest stored result, to know `up` and certificates at the first scrape. */
  latest?: (checkId: string) => Iterable<CheckResult>
  health: HubHealthSources
  /** The SLO engine's gauges, when the hub has one. */
  slo?: SloGaugeSource
  /** Tags that may appear on `vantage_check_info` (`--metrics-tags`). */
  tags?: ReadonlySet<string>
}

/**
 * @example
 * const metrics = new Metrics({ checks: () => live.config().checks, quorum: (id) => engine.state(id), health })
 * new Ingest({ ..., onAccepted: (stored) => metrics.observe(stored) })
 * app.get('/metrics', (c) => c.text(metrics.render()))
 */
export class Metrics {
  readonly checks: CheckMetrics
  readonly hub: HubMetrics
  readonly #options: MetricsOptions
  #tracked: readonly CheckSpec[] | undefined
  #known = new Set<string>()

  constructor(options: MetricsOptions) {
    this.#options = options
    this.checks = new CheckMetrics({ tags: options.tags })
    this.hub = new HubMetrics(options.health)
  }

  /** Counts newly stored results (every one, maintenance included). */
  observe(results: readonly CheckResult[]): void {
    this.#sync()
    this.checks.observe(results)
    this.hub.observe(results)
  }

  /** The whole scrape, in the Prometheus text format. */
  render(): string {
    this.#sync()
    const out = new ExpositionWriter()
    this.checks.render(out, this.#options.quorum)
    renderSloGauges(out, this.#options.slo)
    this.hub.render(out)
    return out.text()
  }

  /** The blackbox_exporter-compatible view. */
  renderBlackbox(filter: BlackboxFilter = {}): string {
    this.#sync()
    const out = new ExpositionWriter()
    renderBlackbox(out, this.checks.entries(), filter)
    return out.text()
  }

  #sync(): void {
    const specs = this.#options.checks()
    if (specs === this.#tracked) return
    this.#tracked = specs
    this.checks.setChecks(specs)
    const known = new Set<string>()
    for (const spec of specs) {
      known.add(spec.id)
      // Only checks new to this process: the others' state is already here.
      if (!this.#known.has(spec.id) && this.#options.latest) {
        this.checks.seed(spec.id, this.#options.latest(spec.id))
      }
    }
    this.#known = known
  }
}
