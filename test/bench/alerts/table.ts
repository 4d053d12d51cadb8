/** The bench's output: one row per figure, with its goal and whether it was met. */

export interface Row {
  scenario: string
  what: string
  measured: string
  /** Empty when the figure is shown for comparison only. */
  goal: string
  /** null when there is no goal. */
  pass: boolean | null
}

const HEADERS = ['scenario', 'what', 'measured', 'goal', 'pass'] as const

/** A plain-text table; a missed goal reads FAIL so it stands out in CI logs. */
export function formatTable(rows: Row[]): string {
  const cells = rows.map((row) => [
    row.scenario,
    row.what,
    row.measured,
    row.goal || '—',
    row.pass === null ? '—' : row.pass ? 'ok' : 'FAIL',
  ])
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...cells.map((line) => line[i]!.length)),
  )
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('-|-')
  return [line(HEADERS), rule, ...cells.map(line)].join('\n')
}
