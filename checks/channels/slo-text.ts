/**
 * How an SLO alert reads in every human-readable channel: what burned, how fast, which
 * window pair saw it and how much of the budget is left.
 */
import type { AlertEvent, SloAlertDetail } from '../alert-event.ts'

const percent = (share: number) => `${(share * 100).toFixed(1)} %`
const rate = (value: number) => `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}×`

function objective(slo: SloAlertDetail): string {
  return `${slo.name} (${slo.target} % over ${slo.window})`
}

/** The state word while the SLO alert is open. */
export function sloBrokenWord(event: AlertEvent): string {
  switch (event.slo?.alert) {
    case 'ticket':
      return 'SLO BURNING (ticket)'
    case 'budget':
      return 'SLO BUDGET SPENT'
    case 'missing':
      return 'SLO NOT MEASURED'
    case 'threshold':
      return 'SLO BUDGET'
    default:
      return 'SLO BURNING'
  }
}

/**
 * @example
 * sloHeadline(fired) // 'SLO BURNING: checkout (99.9 % over 30d) burns its budget 16.7× over 1h/5m; 97.7 % left'
 */
export function sloHeadline(event: AlertEvent): string | null {
  const slo = event.slo
  if (!slo) return null
  const left = `${percent(slo.budgetRemaining)} left`
  if (event.type === 'resolved') {
    const held = slo.heldOpenBy ? `; held open last by ${slo.heldOpenBy}` : ''
    return `RESOLVED: ${sloBrokenWord(event)}: ${objective(slo)}${slo.pair ? ` (${slo.pair})` : ''}${held}; ${left}`
  }
  switch (slo.alert) {
    case 'page':
    case 'ticket': {
      const burn = slo.burnRates ? ` ${rate(slo.burnRates.long)}` : ''
      return `${sloBrokenWord(event)}: ${objective(slo)} burns its budget${burn} over ${slo.pair ?? '?'}; ${left}`
    }
    case 'budget':
      return `${sloBrokenWord(event)}: ${objective(slo)} has spent its error budget; ${left}`
    case 'missing':
      return `${sloBrokenWord(event)}: ${objective(slo)}: no minute of its checks could be judged`
    case 'threshold':
      return `${sloBrokenWord(event)} ${slo.threshold ?? '?'} % CONSUMED: ${objective(slo)}; ${left}`
  }
}

/** The SLO's facts, after the summary. */
export function sloFacts(event: AlertEvent): [string, string][] {
  const slo = event.slo
  if (!slo) return []
  const rows: [string, string][] = [
    ['SLO', slo.name],
    ['Objective', `${slo.target} % over ${slo.window}`],
  ]
  if (slo.pair) rows.push(['Window pair', slo.pair])
  if (slo.burnRates) {
    rows.push(['Burn rate', `${rate(slo.burnRates.long)} long, ${rate(slo.burnRates.short)} short`])
  }
  if (slo.heldOpenBy) rows.push(['Held open by', slo.heldOpenBy])
  rows.push([
    'Budget left',
    `${percent(slo.budgetRemaining)} (${slo.budgetRemainingMinutes.toFixed(1)} bad minutes)`,
  ])
  return rows
}
