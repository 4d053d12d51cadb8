/**
 * The report `vantage test` prints: one row per check with its status, duration and
 * phase timings, and under every check that is not up what failed, as
 * `expected X, got Y`, and the error code. Pure functions of the results, so the
 * layout is tested without running anything.
 */
import { formatMs } from '../checks/assertions.ts'
import type { CheckResult, CheckStatus } from '../checks/result.ts'
import type { CheckSpec } from '../checks/spec.ts'
import { browserLines } from './browser-report.ts'
import { palette, type Paint, type Palette } from './colors.ts'

export type ReportRow =
  { check: CheckSpec; result: CheckResult } | { check: CheckSpec; skipped: string }

export type Tally = Record<CheckStatus | 'skipped', number>

type Phases = NonNullable<CheckResult['phases']>

/** Phase columns, in the order a request goes through them. */
const PHASES: ReadonlyArray<[keyof Phases, string]> = [
  ['dnsMs', 'DNS'],
  ['connectMs', 'CONNECT'],
  ['tlsMs', 'TLS'],
  ['ttfbMs', 'TTFB'],
  ['transferMs', 'TRANSFER'],
]

const COLUMN_GAP = '  '

function statusPaint(status: CheckStatus | 'skipped', colors: Palette): Paint {
  if (status === 'up') return colors.green
  if (status === 'degraded') return colors.yellow
  if (status === 'down') return colors.red
  if (status === 'inconclusive') return colors.magenta
  return colors.dim
}

export function tally(rows: readonly ReportRow[]): Tally {
  const counts: Tally = { up: 0, degraded: 0, down: 0, inconclusive: 0, skipped: 0 }
  for (const row of rows) counts['result' in row ? row.result.status : 'skipped'] += 1
  return counts
}

/**
 * `3 up, 1 degraded, 1 down, 0 inconclusive`, plus skipped checks when there are any.
 * @example formatSummary({ up: 3, degraded: 1, down: 1, inconclusive: 0, skipped: 0 })
 */
export function formatSummary(counts: Tally): string {
  const summary = `${counts.up} up, ${counts.degraded} degraded, ${counts.down} down, ${counts.inconclusive} inconclusive`
  return counts.skipped > 0 ? `${summary}, ${counts.skipped} skipped` : summary
}

/** The line that says whether the run passes, and that degraded and inconclusive do not fail it. */
export function formatVerdict(counts: Tally, colors: Palette = palette(false)): string {
  if (counts.down > 0) {
    return colors.red(`FAIL: ${counts.down} check(s) down`)
  }
  const warnings = [
    counts.degraded > 0 ? `${counts.degraded} degraded` : '',
    counts.inconclusive > 0 ? `${counts.inconclusive} inconclusive` : '',
  ].filter(Boolean)
  if (warnings.length === 0) return colors.green('PASS: no check down')
  return colors.yellow(`PASS: no check down (${warnings.join(' and ')} do not fail the run)`)
}

/** What went wrong in a result that is not up, one line each. */
export function failureLines(result: CheckResult): string[] {
  if (result.status === 'up') return []
  const lines = result.assertions
    .filter((assertion) => !assertion.ok)
    .map(
      (assertion) => `✗ ${assertion.name}: expected ${assertion.expected}, got ${assertion.actual}`,
    )
  if (result.error) lines.push(`${result.error.code}: ${result.error.message}`)
  return lines
}

function cells(row: ReportRow, phases: ReadonlyArray<[keyof Phases, string]>): string[] {
  const head = [row.check.id, row.check.kind]
  if (!('result' in row)) return ['skipped', ...head, '-', ...phases.map(() => '-')]
  const { result } = row
  return [
    result.status,
    ...head,
    formatMs(result.durationMs),
    ...phases.map(([phase]) => {
      const ms = result.phases?.[phase]
      return ms === undefined ? '-' : formatMs(ms)
    }),
  ]
}

/**
 * The whole report: table, details under each check that is not up, summary and
 * verdict. Phase columns appear only when some result has that phase.
 */
export function formatReport(
  rows: readonly ReportRow[],
  options: { colors: boolean; elapsedMs: number },
): string {
  const colors = palette(options.colors)
  const phases = PHASES.filter(([phase]) =>
    rows.some((row) => 'result' in row && row.result.phases?.[phase] !== undefined),
  )
  const header = ['STATUS', 'CHECK', 'KIND', 'DURATION', ...phases.map(([, title]) => title)]
  const table = rows.map((row) => cells(row, phases))
  const widths = header.map((title, column) =>
    Math.max(title.length, ...table.map((line) => line[column]!.length)),
  )
  // Pad before colouring: escape codes have no width on screen.
  const layout = (line: string[], paintFirst: Paint = (text) => text) =>
    line
      .map((cell, column) => {
        const padded = column === line.length - 1 ? cell : cell.padEnd(widths[column]!)
        return column === 0 ? paintFirst(padded) : padded
      })
      .join(COLUMN_GAP)

  const out = [colors.bold(layout(header))]
  rows.forEach((row, index) => {
    const status = 'result' in row ? row.result.status : 'skipped'
    out.push(layout(table[index]!, statusPaint(status, colors)))
    const details =
      'result' in row
        ? [...failureLines(row.result), ...browserLines(row.result)]
        : [`skipped: ${row.skipped}`]
    for (const detail of details) out.push(`    ${detail}`)
  })
  const counts = tally(rows)
  out.push(
    '',
    `${formatSummary(counts)} in ${formatMs(options.elapsedMs)}`,
    formatVerdict(counts, colors),
  )
  return `${out.join('\n')}\n`
}
