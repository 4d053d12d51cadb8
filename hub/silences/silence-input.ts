/**
 * What `POST /api/v1/silences` or `/api/v1/maintenance` (and so `vantage silence`) may
 * send to create a window, and how its times become a window's: every problem is found
 * here, with its path, before anything is stored.
 */
import { z } from 'zod'
import { matcherSchema } from '../../checks/alerting.ts'
import { parseDuration } from '../../checks/duration.ts'
import { durationSchema } from '../../checks/specs/common.ts'
import {
  WINDOW_LIMITS,
  windowDateSchema,
  windowLengthProblem,
  windowSpanProblem,
} from '../../checks/window-limits.ts'
import { cronProblem } from './cron-window.ts'
import type { SilenceWindow } from './silence-windows.ts'

/** Longest `reason` and `createdBy` kept: a sentence and a user name fit easily. */
const MAX_REASON_LENGTH = 500
const MAX_AUTHOR_LENGTH = 200

/** What the API takes to create a window. Times are ISO 8601; durations like `2h`. */
export const createWindowSchema = z
  .strictObject({
    kind: z.enum(['silence', 'maintenance']).default('silence'),
    match: matcherSchema.refine(
      (match) => (match.checks?.length ?? 0) + (match.tags?.length ?? 0) > 0,
      'name at least one check or tag: an empty match would silence every check',
    ),
    /** A one-off window from now. */
    for: durationSchema.optional(),
    start: windowDateSchema.optional(),
    end: windowDateSchema.optional(),
    cron: z
      .string()
      .refine((cron) => cronProblem(cron) === undefined, {
        error: (issue) => cronProblem(issue.input as string) ?? 'not a cron expression',
      })
      .optional(),
    duration: durationSchema.optional(),
    reason: z.string().max(MAX_REASON_LENGTH).optional(),
    createdBy: z.string().min(1).max(MAX_AUTHOR_LENGTH).optional(),
  })
  .superRefine((input, ctx) => {
    const oneOff = input.start !== undefined || input.end !== undefined
    const recurring = input.cron !== undefined || input.duration !== undefined
    const ways = [input.for !== undefined, oneOff, recurring].filter(Boolean).length
    if (ways === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'say when: `for` (e.g. "2h"), `start` and `end`, or `cron` and `duration`',
      })
    } else if (ways > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'give only one of `for`, `start`/`end`, or `cron`/`duration`',
      })
    } else if (oneOff && input.end === undefined) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'required with start' })
    } else if (recurring && input.cron === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'required with duration' })
    } else if (recurring && input.duration === undefined) {
      ctx.addIssue({ code: 'custom', path: ['duration'], message: 'required with cron' })
    }
  })

export type CreateWindowInput = z.infer<typeof createWindowSchema>

/**
 * The time fields of a window from a body the schema passed, or what is still wrong
 * with them: nothing ended, nothing longer than its kind's limit (WINDOW_LIMITS).
 */
export function timesOf(
  body: CreateWindowInput,
  now: number,
): { when: Pick<SilenceWindow, 'start' | 'end' | 'cron' | 'duration'>; errors: string[] } {
  const { noun, maxMs } = WINDOW_LIMITS[body.kind]
  if (body.cron !== undefined && body.duration !== undefined) {
    const problem = windowLengthProblem(body.duration, noun, maxMs)
    const errors = problem ? [`duration: ${problem}`] : []
    return { when: { cron: body.cron, duration: body.duration }, errors }
  }
  if (body.for !== undefined) {
    const problem = windowLengthProblem(body.for, noun, maxMs)
    if (problem) return { when: {}, errors: [`for: ${problem}`] }
    return { when: { start: now, end: now + parseDuration(body.for) }, errors: [] }
  }
  const start = body.start === undefined ? now : Date.parse(body.start)
  const end = Date.parse(body.end!)
  const tooLong = windowSpanProblem(Math.max(start, now), end, noun, maxMs)
  const errors =
    end <= now
      ? ['end: is in the past, so the window would never apply']
      : end <= start
        ? ['end: must be after start']
        : tooLong
          ? [`end: ${tooLong}`]
          : []
  return { when: { start, end }, errors }
}
