/**
 * What the API, the CLI, the status page and incident reports show of an SLO: each
 * objective's budget (minutes and share), burn rate per window, every window pair with
 * whether it fires, the alerts open and the pair holding each, the incidents that
 * consumed the budget, and the gate a deploy pipeline asks.
 */
import { badMinutesToPage, windowMs, type SloDefinition, type SloWindow } from '../../checks/slo.ts'
import type { Outage } from '../alerts/alert-state.ts'
import type { SloAlertBook } from './slo-alerts.ts'
import type { SloEngine } from './slo-engine.ts'
import type { ErrorBudget } from './slo-math.ts'

const MIN = 60_000

export interface AlertView {
  incidentId: string
  since: number
  firedBy: string | null
  heldBy: string | null
}

export interface ObjectiveView {
  key: string
  target: number
  window: string
  budget: ErrorBudget
  /** Per window (5m, 30m, 1h, 2h, 6h, 1d, 3d). */
  burnRates: Record<string, number>
  pairs: {
    name: string
    severity: 'page' | 'ticket'
    threshold: number
    long: number
    short: number
    firing: boolean
  }[]
  alerts: Record<'page' | 'ticket' | 'budget' | 'missing', AlertView | null>
  /** The fewest bad minutes that page (every minute valid), and the pair; null when paging is off. */
  pagesAfter: { minutes: number; pair: string } | null
  exhausted: boolean
}

export interface SloView {
  name: string
  description: string | null
  checks: string[]
  sli: SloDefinition['sli']
  source: string
  objectives: ObjectiveView[]
  /** Closed (a deploy pipeline stops) while any objective's budget is spent. */
  gate: 'open' | 'closed'
}

/** One incident's share of an objective's budget. */
export interface Consumption {
  incidentId: string
  checkId: string
  startedAt: number
  endedAt: number | null
  /** Minutes of the window it touched: what it consumed of the budget at most. */
  badMinutes: number
  /** badMinutes / the budget's allowed minutes. */
  share: number
}

export function sloView(
  engine: SloEngine,
  alerts: SloAlertBook,
  definition: SloDefinition,
): SloView {
  const objectives = definition.objectives.map((objective): ObjectiveView => {
    const state = engine.judge(definition, objective)
    const alert = (kind: 'page' | 'ticket' | 'budget' | 'missing'): AlertView | null => {
      const open = alerts.get(state.key, kind)
      return open ? { ...open } : null
    }
    return {
      key: state.key,
      target: objective.target,
      window: objective.window,
      budget: state.budget,
      burnRates: state.burnRates,
      pairs: state.pairs.map((p) => ({
        name: p.pair.name,
        severity: p.pair.severity,
        threshold: p.pair.burnRate,
        long: p.long.burnRate,
        short: p.short.burnRate,
        firing: p.firing,
      })),
      alerts: {
        page: alert('page'),
        ticket: alert('ticket'),
        budget: alert('budget'),
        missing: alert('missing'),
      },
      pagesAfter: definition.alerts.page
        ? badMinutesToPage(
            objective.target,
            definition.checks.length,
            definition.alerts.minBadMinutes,
          )
        : null,
      exhausted: state.budget.validMinutes > 0 && state.budget.remainingShare <= 0,
    }
  })
  return {
    name: definition.name,
    description: definition.description ?? null,
    checks: definition.checks,
    sli: definition.sli,
    source: definition.source,
    objectives,
    gate: objectives.some((o) => o.exhausted) ? 'closed' : 'open',
  }
}

/**
 * The check outages in an objective's window and the minutes each touched, most first.
 *
 * @example consumedBy(definition, objective, (id, from, to) => incidents.outages(id, from, to), now)
 */
export function consumedBy(
  definition: SloDefinition,
  objective: ObjectiveView,
  outages: (checkId: string, from: number, to: number) => Outage[],
  now: number,
): Consumption[] {
  const from = now - windowMs(objective.window as SloWindow)
  const rows: Consumption[] = []
  for (const checkId of definition.checks) {
    for (const outage of outages(checkId, from, now)) {
      const start = Math.floor(Math.max(outage.startedAt, from) / MIN)
      const end = Math.ceil(Math.min(outage.endedAt ?? now, now) / MIN)
      const badMinutes = Math.max(0, end - start)
      rows.push({
        incidentId: outage.incidentId,
        checkId,
        startedAt: outage.startedAt,
        endedAt: outage.endedAt,
        badMinutes,
        share:
          objective.budget.allowedMinutes > 0 ? badMinutes / objective.budget.allowedMinutes : 0,
      })
    }
  }
  return rows.sort((a, b) => b.badMinutes - a.badMinutes || a.startedAt - b.startedAt)
}
