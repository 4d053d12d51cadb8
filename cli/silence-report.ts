/**
 * What `vantage silence` and `vantage maintenance` send and print: the request body
 * built from flags, a created window, and the list. Pure, tested beside.
 */
import type { Matcher } from '../checks/alerting.ts'
import { formatDuration } from '../checks/duration.ts'
import type { Span, WindowKind, WindowView } from '../hub/api/contract.ts'

/** The flags of `add` that say what a window matches and when. */
export interface WindowFlags {
  check?: string[]
  tag?: string[]
  for?: string
  start?: string
  end?: string
  cron?: string
  duration?: string
  reason?: string
  by?: string
}

/**
 * The body of `POST /api/v1/silences` (or `/maintenance`) for these flags, or what is
 * wrong with them. Only the combinations are checked here; the hub validates the
 * values and lists every problem.
 */
export function windowRequest(
  flags: WindowFlags,
): { ok: true; body: Record<string, unknown> } | { ok: false; error: string } {
  const match: Matcher = {}
  if (flags.check?.length) match.checks = flags.check
  if (flags.tag?.length) match.tags = flags.tag
  if (!match.checks && !match.tags) {
    return { ok: false, error: 'say what to match: --check ID and/or --tag TAG (each repeatable)' }
  }
  const oneOff = flags.start !== undefined || flags.end !== undefined
  const recurring = flags.cron !== undefined || flags.duration !== undefined
  const ways = [flags.for !== undefined, oneOff, recurring].filter(Boolean).length
  if (ways !== 1) {
    return {
      ok: false,
      error:
        ways === 0
          ? 'say when: --for 2h, --start ISO --end ISO, or --cron "0 2 * * 0" --duration 1h'
          : 'use only one of --for, --start/--end, or --cron/--duration',
    }
  }
  if (recurring && (flags.cron === undefined || flags.duration === undefined)) {
    return { ok: false, error: '--cron and --duration go together' }
  }
  const body: Record<string, unknown> = { match }
  for (const key of ['for', 'start', 'end', 'cron', 'duration', 'reason'] as const) {
    if (flags[key] !== undefined) body[key] = flags[key]
  }
  if (flags.by) body.createdBy = flags.by
  return { ok: true, body }
}

/**
 * `2026-01-04 02:00 UTC`: minutes are the grain of every window. A time no date can
 * hold (a window stored by an older hub without limits) reads as such, so that the
 * list still shows every other window and the id to remove this one by.
 */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs)
  if (Number.isNaN(date.getTime())) return 'an invalid time'
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d+Z$/, ' UTC')
}

/** `checks api, web; tags db`, or `every check` for the file's catch-all windows. */
export function describeMatch(match: Matcher): string {
  const parts: string[] = []
  if (match.checks?.length)
    parts.push(`check${match.checks.length > 1 ? 's' : ''} ${match.checks.join(', ')}`)
  if (match.tags?.length)
    parts.push(`tag${match.tags.length > 1 ? 's' : ''} ${match.tags.join(', ')}`)
  return parts.length > 0 ? parts.join('; ') : 'every check'
}

/** When the window applies: its span, or its cron and duration. */
export function describeWhen(window: WindowView): string {
  if (window.cron !== undefined) return `cron "${window.cron}" for ${window.duration} (UTC)`
  if (window.start === undefined || window.end === undefined) return 'never'
  return `${formatTime(window.start)} to ${formatTime(window.end)}`
}

const spanEnd = (span: Span, now: number) =>
  Number.isNaN(new Date(span.end).getTime())
    ? `until ${formatTime(span.end)}`
    : `until ${formatTime(span.end)} (${formatDuration(span.end - now)} left)`

/** Whether the window holds now, and until when; or when it holds next. */
export function describeState(window: WindowView, now: number): string {
  if (window.problem) return `never applies: ${window.problem}`
  if (window.current) return `active ${spanEnd(window.current, now)}`
  if (window.next)
    return `next ${formatTime(window.next.start)} (in ${formatDuration(window.next.start - now)})`
  return 'ended'
}

const NOUN: Record<WindowKind, string> = { silence: 'silence', maintenance: 'maintenance window' }

/** What `add` prints: the id to remove it by, what it matches and when it holds. */
export function formatCreated(window: WindowView, now: number): string {
  const lines = [
    `${NOUN[window.kind]} ${window.id} created`,
    `  matches: ${describeMatch(window.match)}`,
    `  when:    ${describeWhen(window)}`,
    `  state:   ${describeState(window, now)}`,
  ]
  if (window.reason) lines.push(`  reason:  ${window.reason}`)
  lines.push(`remove it with: vantage ${window.kind} remove ${window.id}`)
  return `${lines.join('\n')}\n`
}

/** The windows as a table; those of the monitoring file are marked (they change by a deploy). */
export function formatWindowList(windows: WindowView[], kind: WindowKind, now: number): string {
  if (windows.length === 0) return `no ${NOUN[kind]}s\n`
  const rows = [
    ['ID', 'STATE', 'MATCHES', 'WHEN', 'BY', 'REASON'],
    ...windows.map((window) => [
      window.id,
      describeState(window, now),
      describeMatch(window.match),
      describeWhen(window),
      window.readOnly ? 'monitoring file' : window.createdBy,
      window.reason ?? '',
    ]),
  ]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n')
}

/**
 * An instant for --start and --end, as the hub wants it (ISO 8601 with a zone). A time
 * without a zone is refused rather than guessed: local time or UTC would each be
 * wrong for someone, and a maintenance window an hour off is worse than an error.
 * @throws Error saying how to write it
 */
export function normalizeInstant(text: string): string {
  const zoned = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i
  const parsed = Date.parse(text)
  if (!zoned.test(text.trim()) || Number.isNaN(parsed)) {
    throw new Error(
      `"${text}" is not a time with a zone; write e.g. 2026-01-04T02:00Z or 2026-01-04T02:00+01:00`,
    )
  }
  return new Date(parsed).toISOString()
}
