/**
 * What the read commands answer, as plain text both Slack and Mattermost show well:
 * short lines, `code` for ids, tables in code blocks. Pure, so it is tested without a hub.
 */
import { formatDuration } from '../../checks/duration.ts'
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import type { Incident } from '../incidents/incident-store.ts'
import type { SloGauge } from '../metrics/slo-gauges.ts'
import { alignColumns } from '../runs/run-table.ts'

/** Lines of a list shown at most; the rest are counted. */
const MAX_LINES = 15

const block = (lines: string[]) => ['```', ...lines, '```'].join('\n')
const ago = (since: number | null, now: number) =>
  since === null ? '' : ` for ${formatDuration(Math.max(0, now - since))}`

/** Every enabled check at a glance: counts, then the ones that are not up. */
export function statusSummary(
  checks: readonly CheckSpec[],
  state: (id: string) => CheckAlertState,
  now: number,
): string {
  const enabled = checks.filter((check) => check.enabled)
  const states = enabled.map((check) => ({ check, state: state(check.id) }))
  const counts = new Map<string, number>()
  for (const { state: s } of states) counts.set(s.status, (counts.get(s.status) ?? 0) + 1)
  const order = ['down', 'degraded', 'partial', 'insufficient', 'unknown', 'up']
  const tally = order
    .filter((status) => counts.has(status))
    .map((status) => `${counts.get(status)} ${status}`)
    .join(', ')
  const notUp = states
    .filter(({ state: s }) => s.status !== 'up' && s.status !== 'unknown')
    .sort((a, b) => order.indexOf(a.state.status) - order.indexOf(b.state.status))
  if (enabled.length === 0) return 'No checks are deployed.'
  if (notUp.length === 0)
    return `All ${enabled.length} checks are up or not yet measured (${tally}).`
  const rows = notUp
    .slice(0, MAX_LINES)
    .map(({ check, state: s }) => [
      s.status.toUpperCase(),
      check.id,
      ago(s.since, now).trim(),
      s.failingRegions.length > 0 ? `failing in ${s.failingRegions.join(', ')}` : '',
    ])
  const more = notUp.length > MAX_LINES ? `\nand ${notUp.length - MAX_LINES} more` : ''
  return `${enabled.length} checks: ${tally}.\n${block(alignColumns(rows))}${more}`
}

/** One check, region by region, with its newest result in each. */
export function checkStatus(
  check: CheckSpec,
  state: CheckAlertState,
  latest: Record<string, CheckResult>,
  notes: string[],
  now: number,
): string {
  const head =
    `\`${check.id}\` (${check.kind}) is ${state.status.toUpperCase()}${ago(state.since, now)}` +
    (state.incidentId ? `, incident \`${state.incidentId}\`` : '')
  const series = [...new Set([...Object.keys(state.regions), ...Object.keys(latest)])].sort()
  if (series.length === 0) return [head, ...notes, 'No results yet.'].join('\n')
  const rows = [
    ['REGION', 'STATE', 'LAST RUN', 'LATENCY', 'ERROR'],
    ...series.map((key) => {
      const result = latest[key]
      return [
        key,
        state.regions[key] ?? 'unknown',
        result
          ? `${result.status}, ${formatDuration(Math.max(0, now - result.scheduledAt))} ago`
          : '-',
        result ? formatDuration(result.durationMs) : '-',
        result?.error ? `${result.error.code}: ${result.error.message}`.slice(0, 100) : '',
      ]
    }),
  ]
  return [head, ...notes, block(alignColumns(rows))].join('\n')
}

/** The open incidents, newest first. */
export function incidentList(incidents: readonly Incident[], now: number): string {
  if (incidents.length === 0) return 'No open incidents.'
  const rows = [
    ['INCIDENT', 'CHECK', 'KIND', 'OPEN FOR', 'ACKED'],
    ...incidents
      .slice(0, MAX_LINES)
      .map((incident) => [
        incident.incidentId,
        incident.checkId,
        incident.kind,
        formatDuration(Math.max(0, now - incident.startedAt)),
        incident.ackedBy ?? '-',
      ]),
  ]
  const more = incidents.length > MAX_LINES ? `\nand ${incidents.length - MAX_LINES} more` : ''
  return `${incidents.length} open incident(s):\n${block(alignColumns(rows))}${more}`
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0 ? 1 : 2)} %`

/** The SLOs: target, budget left and burn rates. */
export function sloList(gauges: readonly SloGauge[], name: string | undefined): string {
  const chosen = name ? gauges.filter((g) => g.slo === name || g.check === name) : gauges
  if (gauges.length === 0) return 'No SLOs are defined on this hub.'
  if (chosen.length === 0)
    return `No SLO "${name}"; there are ${gauges.map((g) => g.slo).join(', ')}.`
  const windows = [...new Set(chosen.flatMap((g) => Object.keys(g.burnRates)))]
  const rows = [
    ['SLO', 'TARGET', 'BUDGET LEFT', ...windows.map((w) => `BURN ${w}`)],
    ...chosen
      .slice(0, MAX_LINES)
      .map((g) => [
        g.objective ? `${g.slo} ${g.objective}` : g.slo,
        pct(g.target),
        pct(g.budgetRemaining),
        ...windows.map((w) => (g.burnRates[w] === undefined ? '-' : g.burnRates[w]!.toFixed(2))),
      ]),
  ]
  return block(alignColumns(rows))
}
