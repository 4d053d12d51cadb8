/**
 * The per-region table of a run-now, as `vantage run` prints it and chat posts it (in a
 * code block): one line per region (or host) with its status, latency, probe and error.
 * Pure, and shared, so the terminal and the chat say the same thing.
 */
import { formatDuration } from '../../checks/duration.ts'
import type { RunReport, RunRow } from './run-now.ts'

const STATUS_TEXT: Record<RunRow['status'], string> = {
  up: 'up',
  degraded: 'degraded',
  down: 'DOWN',
  inconclusive: 'inconclusive',
  'no-answer': 'no answer',
  'no-probe': 'no probe online',
}

/** Errors are cut here: a table line, not a log. */
const MAX_ERROR = 120

function errorText(row: RunRow): string {
  if (row.status === 'no-answer') return 'no result within the wait'
  if (!row.error) return ''
  const text = `${row.error.code}: ${row.error.message}`.replace(/\s+/g, ' ')
  return text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text
}

/** Columns padded to their widest cell; the last column is not padded. */
export function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  )
}

/** A one-line verdict: how many regions passed, and how long the run took. */
export function runHeadline(report: RunReport): string {
  const passed = report.rows.filter((r) => r.status === 'up' || r.status === 'degraded').length
  const host = report.rows.some((r) => r.series !== r.region)
  const noun = host ? 'host(s)' : 'region(s)'
  return (
    `${report.name}${report.name === report.check ? '' : ` (${report.check})`}: ` +
    `${passed} of ${report.rows.length} ${noun} passed, in ${formatDuration(report.finishedAt - report.startedAt)}`
  )
}

/**
 * @example
 * formatRunTable(report)
 * // REGION   STATUS  LATENCY  PROBE      ERROR
 * // eu-west  up      182ms    eu-west-1
 */
export function formatRunTable(report: RunReport): string {
  const host = report.rows.some((r) => r.series !== r.region)
  const header = [host ? 'HOST' : 'REGION', 'STATUS', 'LATENCY', 'PROBE', 'ERROR']
  const lines = report.rows.map((row) => [
    host ? `${row.series} (${row.region})` : row.series,
    STATUS_TEXT[row.status],
    row.durationMs === null ? '-' : formatDuration(row.durationMs),
    row.probeId ?? '-',
    errorText(row),
  ])
  if (lines.length === 0) return 'no region or host runs this check\n'
  return `${alignColumns([header, ...lines]).join('\n')}\n`
}
