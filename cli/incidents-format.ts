/**
 * What `vantage incidents` and `vantage ack` print: the incident list as a table, one
 * incident with its timeline, and the ack confirmation. Pure, so the layout is tested
 * without a hub. Times are UTC, as in the report, so that what people paste into an
 * incident channel means the same thing everywhere.
 */
import { formatDuration } from '../checks/duration.ts'
import { NOT_A_CHECK } from '../hub/incidents/incident-impact.ts'
import { availabilityText, budgetText } from '../hub/incidents/incident-report.ts'
import { describeEntry, utc } from '../hub/incidents/timeline-text.ts'
import type { IncidentDetail, IncidentListItem } from '../hub/api/contract.ts'

/** Upper case where someone should look: an open incident nobody acknowledged. */
function stateOf(item: IncidentListItem): string {
  if (!item.open) return item.closedReason ? `closed: ${item.closedReason}` : 'resolved'
  return item.acked ? 'open' : 'OPEN'
}

function checkLabel(item: IncidentListItem): string {
  return item.name === item.check ? item.check : `${item.name} (${item.check})`
}

/** Lays out rows under a header, columns padded to their widest cell. */
function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) =>
    row
      .map((value, column) => value.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  )
}

/**
 * The list, newest first, one line per incident.
 * @example formatIncidentList(items) // "ID  CHECK  KIND  STATE ...\n01K...  api  down  OPEN ..."
 */
export function formatIncidentList(items: IncidentListItem[]): string {
  if (items.length === 0) return 'no incidents\n'
  const rows = [
    ['ID', 'CHECK', 'KIND', 'STATE', 'STARTED (UTC)', 'DURATION', 'REGIONS', 'ACKED'],
    ...items.map((item) => [
      item.id,
      item.check,
      item.kind,
      stateOf(item),
      utc(item.start),
      `${formatDuration(item.durationMs)}${item.open ? '+' : ''}`,
      item.regions.join(',') || '-',
      item.acked ? item.acked.by : '-',
    ]),
  ]
  return `${columns(rows).join('\n')}\n`
}

/**
 * The impact: runs, availability and the error budget, each with its basis. Region, probe
 * and channel incidents are about the monitoring network and cost a check nothing.
 */
function impactLines(detail: IncidentDetail): [string, string][] {
  const { impact } = detail
  if (NOT_A_CHECK.includes(detail.kind)) {
    return [['impact', 'none charged to a check: this is about the monitoring network']]
  }
  return [
    ['failed runs', `${impact.failedRuns} of ${impact.totalRuns} conclusive`],
    ['availability', availabilityText(impact)],
    ['error budget', budgetText(impact)],
  ]
}

/**
 * One incident: a header of facts, then its timeline oldest first.
 * @example formatIncidentDetail(detail) // "Incident 01K... (down, resolved)\n  check  API health (api)\n..."
 */
export function formatIncidentDetail(detail: IncidentDetail): string {
  const ended =
    detail.end === null
      ? `still open (${formatDuration(detail.durationMs)} so far)`
      : `${utc(detail.end)} UTC (${formatDuration(detail.durationMs)})`
  const facts: [string, string][] = [
    ['check', checkLabel(detail)],
    ['started', `${utc(detail.start)} UTC`],
    ['ended', ended],
    ...(NOT_A_CHECK.includes(detail.kind)
      ? []
      : ([['regions', detail.impact.regions.join(', ') || '-']] as [string, string][])),
    [
      'first error',
      detail.firstError ? `${detail.firstError.code}: ${detail.firstError.message}` : '-',
    ],
    ['acked', detail.acked ? `by ${detail.acked.by} at ${utc(detail.acked.at)} UTC` : 'no'],
    ...impactLines(detail),
  ]
  const width = Math.max(...facts.map(([name]) => name.length))
  const lines = [
    `Incident ${detail.id} (${detail.kind}, ${detail.open ? 'open' : stateOf(detail)})`,
    ...facts.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    '',
    'Timeline (UTC):',
  ]
  if (detail.timeline.length === 0) lines.push('  (empty)')
  const rows = detail.timeline.map((entry) => {
    const [event, text] = describeEntry(entry)
    return [`  ${utc(entry.at)}`, event, text]
  })
  if (rows.length > 0) lines.push(...columns(rows))
  lines.push('', `Report: vantage incidents report ${detail.id}`)
  return `${lines.join('\n')}\n`
}

/** The line `vantage ack` prints once the hub took the acknowledgement. */
export function formatAcknowledged(item: IncidentListItem): string {
  const by = item.acked ? ` by ${item.acked.by}` : ''
  return (
    `acknowledged ${item.id}${by}: ${checkLabel(item)} ${item.kind} since ` +
    `${utc(item.start)} UTC; reminders and escalation stop\n`
  )
}
