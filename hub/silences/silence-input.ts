/**
 * What `POST /api/v1/silences` or `/api/v1/maintenance` (and so `vantage silence`) may
 * send to create a window, and how its times become a window's: every problem is found
 * here, with its path, before anything is stored.
 */
import { z } from 'zod'
import { matcherSchema } from '../../checks/alerting.ts'
import { parseDuration } from '../../checks/duration.ts'
import { durationSchema } from '../../checks/specs/common.ts'
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
    start: z.iso.datetime({ offset: true }).optional(),
    end: z.iso.datetime({ offset: true }).optional(),
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

/** The time fields of a window from a body the schema passed, or what is still wrong with them. */
export function timesOf(
  body: CreateWindowInput,
  now: number,
): { when: Pick<SilenceWindow, 'start' | 'end' | 'cron' | 'duration'>; errors: string[] } {
  if (body.cron !== undefined && body.duration !== undefined) {
    const errors = parseDuration(body.duration) > 0 ? [] : ['duration: must be longer than 0']
    return { when: { cron: body.cron, duration: body.duration }, errors }
  }
  if (body.for !== undefined) {
    const forMs = parseDuration(body.for)
    const errors = forMs > 0 ? [] : ['for: must be longer than 0']
    return { when: { start: now, end: now + forMs }, errors }
  }
  const start = body.start === undefined ? now : Date.parse(body.start)
  const end = Date.parse(body.end!)
  const errors =
    end <= now
      ? ['end: is in the past, so the window would never apply']
      : end <= start
        ? ['end: must be after start']
        : []
  return { when: { start, end }, errors }
}
