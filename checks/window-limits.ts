/**
 * The limits every silence and maintenance window keeps, from the API or the monitoring
 * file: its instants lie between the years 2000 and 9999, and it lasts a bounded time.
 * Without them a window could end past the largest date JavaScript represents, and
 * every question about it (listing it, naming it in an incident) would throw.
 */
import { z } from 'zod'
import { isDuration, parseDuration } from './duration.ts'
import { durationSchema } from './specs/common.ts'

const DAY_MS = 86_400_000
const YEAR_MS = 365 * DAY_MS

/** The instants a window may name: a mistyped year is caught, and every computed end prints. */
export const WINDOW_DATE_RANGE = { from: Date.UTC(2000, 0, 1), to: Date.UTC(10_000, 0, 1) }
const DATE_RANGE_TEXT = 'a date between 2000-01-01 and 9999-12-31 (UTC)'

/** The longest maintenance window, one-off or each recurring one: planned work, not a switch-off. */
export const MAX_MAINTENANCE_MS = 5 * YEAR_MS
/** The longest silence: muting a check for longer is disabling it, which a deploy should say. */
export const MAX_SILENCE_MS = YEAR_MS

/** Why `epochMs` cannot be a window's start or end, or undefined. */
export function windowDateProblem(epochMs: number): string | undefined {
  return epochMs >= WINDOW_DATE_RANGE.from && epochMs < WINDOW_DATE_RANGE.to
    ? undefined
    : `not ${DATE_RANGE_TEXT}`
}

/** A window's start or end: ISO 8601 with a zone, within WINDOW_DATE_RANGE. */
export const windowDateSchema = z.iso
  .datetime({ offset: true })
  .refine((text) => windowDateProblem(Date.parse(text)) === undefined, {
    error: (issue) => `must be ${DATE_RANGE_TEXT}, not ${String(issue.input)}`,
  })

/** "a maintenance window lasts at most 5 years (1825d)": the limit as errors state it. */
export function lengthLimitText(noun: string, maxMs: number): string {
  const years = Math.round(maxMs / YEAR_MS)
  return `${noun} lasts at most ${years} year${years === 1 ? '' : 's'} (${maxMs / DAY_MS}d)`
}

/** Why a duration cannot be a window's length, or undefined. */
export function windowLengthProblem(
  duration: string,
  noun: string,
  maxMs: number,
): string | undefined {
  if (!isDuration(duration)) return undefined
  const ms = parseDuration(duration)
  if (ms <= 0) return 'must be longer than 0'
  return ms <= maxMs ? undefined : `${lengthLimitText(noun, maxMs)}, not ${duration.trim()}`
}

/** Why a one-off window from `start` to `end` is too long, or undefined. */
export function windowSpanProblem(
  start: number,
  end: number,
  noun: string,
  maxMs: number,
): string | undefined {
  if (end - start <= maxMs) return undefined
  return `${lengthLimitText(noun, maxMs)}; this one would last ${Math.ceil((end - start) / DAY_MS)}d`
}

/** A maintenance window's recurring `duration`. */
export const maintenanceDurationSchema = durationSchema.superRefine((text, ctx) => {
  const problem = windowLengthProblem(text, 'a maintenance window', MAX_MAINTENANCE_MS)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

/** How long a window of each kind may last, and what its errors call it. */
export const WINDOW_LIMITS = {
  silence: { noun: 'a silence', maxMs: MAX_SILENCE_MS },
  maintenance: { noun: 'a maintenance window', maxMs: MAX_MAINTENANCE_MS },
} as const
