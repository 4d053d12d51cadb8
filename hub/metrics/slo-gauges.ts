/**
 * The SLO gauges: where the hub's SLO engine plugs into /metrics. The engine computes
 * each objective's error budget and burn rates; this file only says what a scrape shows
 * of them, so the two can change apart. A hub without SLOs shows the families empty.
 */
import { labels, type ExpositionWriter } from '../../lib/prometheus-text.ts'

/** One objective as the SLO engine reports it. Ratios are 0..1. */
export interface SloGauge {
  /** The objective's name (an id). */
  slo: string
  /** Which objective of the SLO (an SLO may have several targets over several windows). */
  objective?: string
  /** The check it is about, when it is about one. */
  check?: string
  /** The target, e.g. 0.999. */
  target: number
  /** The share of the error budget left over its window; negative once overspent. */
  budgetRemaining: number
  /** Burn rate per look-back window (`5m`, `1h`, `6h`, ...): 1 spends the budget exactly over the SLO window. */
  burnRates: Record<string, number>
}

/** The hook: the SLO engine's current gauges. */
export type SloGaugeSource = () => readonly SloGauge[]

export function renderSloGauges(out: ExpositionWriter, source: SloGaugeSource | undefined): void {
  const gauges = source?.() ?? []
  const key = (gauge: SloGauge) =>
    labels({ slo: gauge.slo, objective: gauge.objective ?? '', check: gauge.check ?? '' })
  out.family('vantage_slo_target_ratio', 'gauge', 'The objective, as a ratio (0.999 for 99.9 %)')
  for (const gauge of gauges) out.sample('vantage_slo_target_ratio', key(gauge), gauge.target)
  out.family(
    'vantage_slo_error_budget_remaining_ratio',
    'gauge',
    'Share of the error budget left over the SLO window; negative once overspent',
  )
  for (const gauge of gauges) {
    out.sample('vantage_slo_error_budget_remaining_ratio', key(gauge), gauge.budgetRemaining)
  }
  out.family(
    'vantage_slo_burn_rate',
    'gauge',
    'Error budget burn rate over a look-back window; 1 spends the budget exactly over the SLO window',
  )
  for (const gauge of gauges) {
    for (const [window, rate] of Object.entries(gauge.burnRates)) {
      out.sample('vantage_slo_burn_rate', `${key(gauge)},${labels({ window })}`, rate)
    }
  }
}
