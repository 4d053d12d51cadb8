/**
 * How `vantage slo` prints SLOs: a table for `list`, the whole story of one SLO for
 * `show`, and one line for `gate`. Pure, so it is tested without a hub.
 */
import type { Consumption, ObjectiveView, SloView } from '../hub/slo/slo-views.ts'

/** An objective as `GET /api/v1/slos/:id` adds it: with the outages that consumed its budget. */
export type ObjectiveDetail = ObjectiveView & { consumedBy?: Consumption[] }

const pct = (share: number) => `${(share * 100).toFixed(1)} %`
const burn = (rate: number | undefined) => (rate === undefined ? '-' : `${rate.toFixed(1)}×`)
const minutes = (n: number) => `${n.toFixed(1)} min`

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)))
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  )
}

function alertsOf(objective: ObjectiveView): string {
  const open = Object.entries(objective.alerts).flatMap(([kind, alert]) =>
    alert
      ? [
          alert.heldBy && alert.heldBy !== alert.firedBy
            ? `${kind} (held by ${alert.heldBy})`
            : kind,
        ]
      : [],
  )
  return open.length > 0 ? open.join(', ') : '-'
}

/** `vantage slo list`. */
export function formatSloList(slos: SloView[]): string {
  if (slos.length === 0) return 'No SLOs: add slo(...) to monitors.ts, or slo: on a check.\n'
  const rows = [
    ['SLO', 'OBJECTIVE', 'BUDGET LEFT', 'BURN 1h', 'BURN 6h', 'BURN 1d', 'ALERTS', 'GATE'],
  ]
  for (const slo of slos) {
    for (const o of slo.objectives) {
      rows.push([
        slo.name,
        `${o.target} % over ${o.window}`,
        `${pct(o.budget.remainingShare)} (${minutes(o.budget.remainingMinutes)})`,
        burn(o.burnRates['1h']),
        burn(o.burnRates['6h']),
        burn(o.burnRates['1d']),
        alertsOf(o),
        o.exhausted ? 'closed' : 'open',
      ])
    }
  }
  return table(rows)
}

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16)

/** `vantage slo show NAME`. */
export function formatSloDetail(slo: SloView & { objectives: ObjectiveDetail[] }): string {
  const sli =
    slo.sli === 'availability'
      ? 'availability: a minute is bad when a check was DOWN by quorum for half of it or more'
      : `latency: a minute is bad when a check was DOWN for half of it or more, or a quorum of its regions ran slower than ${slo.sli.latency.below}`
  const lines = [
    `SLO ${slo.name}${slo.description ? `: ${slo.description}` : ''}`,
    `  checks   ${slo.checks.join(', ') || '-'}`,
    `  SLI      ${sli}`,
    `  gate     ${slo.gate}${slo.gate === 'closed' ? ' (an error budget is spent: deploys should wait)' : ''}`,
    `  defined  ${slo.source}`,
  ]
  for (const o of slo.objectives) {
    const b = o.budget
    lines.push(
      '',
      `${o.target} % over ${o.window}`,
      `  budget   ${pct(b.remainingShare)} left: ${minutes(b.remainingMinutes)} of ${minutes(b.allowedMinutes)} ` +
        `(${b.badMinutes} bad of ${b.validMinutes} judged minutes)`,
      `  burn     ${Object.entries(o.burnRates)
        .map(([window, rate]) => `${window} ${burn(rate)}`)
        .join('  ')}`,
      `  pages    ${o.pagesAfter ? `after ${o.pagesAfter.minutes} bad minute(s) (${o.pagesAfter.pair})` : 'never (paging is off)'}`,
    )
    const pairs = [['  PAIR', 'SEVERITY', 'AT', 'LONG', 'SHORT', 'FIRING']]
    for (const p of o.pairs) {
      pairs.push([
        `  ${p.name}`,
        p.severity,
        burn(p.threshold),
        burn(p.long),
        burn(p.short),
        p.firing ? 'yes' : '-',
      ])
    }
    lines.push(table(pairs).trimEnd())
    lines.push(`  alerts   ${alertsOf(o)}`)
    if (o.consumedBy && o.consumedBy.length > 0) {
      lines.push('  consumed by')
      for (const c of o.consumedBy.slice(0, 10)) {
        const until = c.endedAt === null ? 'open' : utc(c.endedAt)
        lines.push(
          `    ${c.incidentId}  ${c.checkId}  ${utc(c.startedAt)} → ${until}  ${c.badMinutes} min (${pct(c.share)})`,
        )
      }
    }
  }
  return `${lines.join('\n')}\n`
}
