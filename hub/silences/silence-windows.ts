/**
 * The windows behind silences.ts, one at a time: their stored shape, how a window is
 * compiled (durations parsed, a cron checked once rather than on every question), the
 * span of it in force at an instant or next to open, and how it is listed. Silences
 * decides which windows apply to which check; this file answers when a window is in
 * force and how it reads.
 */
import {
  maintenanceWindowSchema,
  type Matcher,
  type MaintenanceWindowConfig,
} from '../../checks/alerting.ts'
import { isDuration, parseDuration } from '../../checks/duration.ts'
import { formatPath } from '../../checks/issue-text.ts'
import {
  WINDOW_LIMITS,
  windowDateProblem,
  windowLengthProblem,
} from '../../checks/window-limits.ts'
import { cronProblem, currentWindow, nextStart, windowsBetween } from './cron-window.ts'

export type WindowKind = 'silence' | 'maintenance'

/** A silence or maintenance window as stored. Either `start` + `end`, or `cron` + `duration`. */
export interface SilenceWindow {
  /** `s-…` for silences, `m-…` for maintenance from the API, `config-<index>` from the file. */
  id: string
  kind: WindowKind
  match: Matcher
  /** One-off window: from `start` (inclusive) to `end` (exclusive), epoch ms. */
  start?: number
  end?: number
  /** Recurring window: a five-field UTC cron expression and how long each window lasts. */
  cron?: string
  duration?: string
  reason?: string
  createdBy: string
  /** When the API created it; for a window of the monitoring file, when this hub first read it. */
  createdAt: number
}

/** A span `[start, end)` in epoch ms. */
export interface Span {
  start: number
  end: number
}

/** A window as listed: where it comes from and whether it is in force. */
export interface WindowView extends SilenceWindow {
  /** `config` windows come from the monitoring file and change only by a deploy. */
  source: 'api' | 'config'
  readOnly: boolean
  active: boolean
  /** The window in force at the asked instant, or null. */
  current: Span | null
  /** The next window to open after the asked instant; null when none will. */
  next: Span | null
  /** Why a window of the monitoring file never applies (e.g. a cron this hub cannot read). */
  problem?: string
}

/** A window with its durations in ms, ready to answer questions. */
export interface CompiledWindow {
  window: SilenceWindow
  source: 'api' | 'config'
  durationMs?: number
  problem?: string
}

/**
 * What makes a stored window unusable, or undefined. The API refuses such windows now;
 * one stored before (or written by hand into the state file) must not make every
 * question about every check throw, so it is shown with its problem and never applies.
 */
function storedProblem(window: SilenceWindow): string | undefined {
  const { noun, maxMs } = WINDOW_LIMITS[window.kind] ?? WINDOW_LIMITS.maintenance
  if (window.cron !== undefined && window.duration !== undefined) {
    if (typeof window.duration !== 'string' || !isDuration(window.duration)) {
      return `duration: ${JSON.stringify(window.duration)} is not a duration`
    }
    const problem = windowLengthProblem(window.duration, noun, maxMs)
    return problem && `duration: ${problem}`
  }
  if (window.start !== undefined || window.end !== undefined) {
    for (const key of ['start', 'end'] as const) {
      const value = window[key]
      const problem = windowDateProblem(typeof value === 'number' ? value : NaN)
      if (problem) return `${key}: ${problem}`
    }
    return undefined
  }
  return 'neither start and end nor cron and duration'
}

export function compileWindow(window: SilenceWindow, source: 'api' | 'config'): CompiledWindow {
  const stored = storedProblem(window)
  if (stored) return { window, source, problem: stored }
  if (window.cron === undefined || window.duration === undefined) return { window, source }
  const problem = cronProblem(window.cron)
  const durationMs = parseDuration(window.duration)
  return problem
    ? { window, source, durationMs, problem: `cron: ${problem}` }
    : { window, source, durationMs }
}

/**
 * A window of the monitoring file. It was validated at deploy; checked again here so
 * that a window the hub cannot read is shown with its problem and never applies,
 * instead of failing every question about every check.
 */
export function compileConfigWindow(
  entry: MaintenanceWindowConfig,
  index: number,
  now: number,
): CompiledWindow {
  const id = `config-${index}`
  const base = { id, kind: 'maintenance' as const, createdBy: 'monitoring file', createdAt: now }
  const parsed = maintenanceWindowSchema.safeParse(entry)
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')
    // An unreadable matcher must not match everything: name a check that cannot exist.
    return { window: { ...base, match: { checks: [] } }, source: 'config', problem }
  }
  const { match, start, end, cron, duration, reason } = parsed.data
  const window: SilenceWindow = { ...base, match }
  if (reason !== undefined) window.reason = reason
  if (start !== undefined && end !== undefined) {
    window.start = Date.parse(start)
    window.end = Date.parse(end)
  }
  if (cron !== undefined && duration !== undefined) {
    window.cron = cron
    window.duration = duration
  }
  return compileWindow(window, 'config')
}

/** The span of `compiled` in force at `at`, or null. */
export function spanAt(compiled: CompiledWindow, at: number): Span | null {
  const { window } = compiled
  if (compiled.problem) return null
  if (window.start !== undefined && window.end !== undefined) {
    return window.start <= at && at < window.end ? { start: window.start, end: window.end } : null
  }
  if (window.cron !== undefined && compiled.durationMs !== undefined) {
    return currentWindow(window.cron, compiled.durationMs, at)
  }
  return null
}

/**
 * The spans of `compiled` within `[from, to)`: a one-off window clipped to it (possibly
 * empty, which mergeSpans drops), a recurring one as each of its windows there.
 */
export function spansWithin(compiled: CompiledWindow, from: number, to: number): Span[] {
  const { window } = compiled
  if (compiled.problem) return []
  if (window.start !== undefined && window.end !== undefined) {
    return [{ start: Math.max(window.start, from), end: Math.min(window.end, to) }]
  }
  if (window.cron !== undefined && compiled.durationMs !== undefined) {
    return windowsBetween(window.cron, compiled.durationMs, from, to)
  }
  return []
}

/** The next span of `compiled` to open after `at`. */
function nextSpan(compiled: CompiledWindow, at: number): Span | null {
  const { window } = compiled
  if (compiled.problem) return null
  if (window.start !== undefined && window.end !== undefined) {
    return window.start > at ? { start: window.start, end: window.end } : null
  }
  if (window.cron !== undefined && compiled.durationMs !== undefined) {
    const start = nextStart(window.cron, at)
    return start === null ? null : { start, end: start + compiled.durationMs }
  }
  return null
}

/** The window as `list` shows it at `at`. */
export function viewWindow(compiled: CompiledWindow, at: number): WindowView {
  const current = spanAt(compiled, at)
  const shown: WindowView = {
    ...compiled.window,
    source: compiled.source,
    readOnly: compiled.source === 'config',
    active: current !== null,
    current,
    next: nextSpan(compiled, at),
  }
  if (compiled.problem) shown.problem = compiled.problem
  return shown
}

/** One line for logs and incident timelines: which window, why, and until when. */
export function describeWindow(window: SilenceWindow, span: Span): string {
  const what = window.kind === 'silence' ? 'silence' : 'maintenance window'
  const why = window.reason ? ` (${window.reason})` : ''
  return `${what} ${window.id}${why} until ${new Date(span.end).toISOString()}`
}

/** Sorts spans and merges those that overlap or touch; empty spans are dropped. */
export function mergeSpans(spans: Span[]): Span[] {
  const merged: Span[] = []
  for (const span of spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1)
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end)
    else merged.push({ ...span })
  }
  return merged
}
