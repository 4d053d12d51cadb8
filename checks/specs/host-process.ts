/** The host.process kind: how many processes match a name or a command line. */
import { z } from 'zod'
import { baseFields, regexSchema } from './common.ts'
import { hostFields } from './host-common.ts'

/** Linux keeps 15 characters of a process name (TASK_COMM_LEN - 1). */
export const COMM_MAX = 15

export const hostProcessSpecSchema = z
  .strictObject({
    ...baseFields,
    ...hostFields,
    kind: z.literal('host.process'),
    /** The exact process name (`/proc/PID/comm`). */
    name: z
      .string()
      .min(1)
      .max(COMM_MAX, {
        error: `Linux cuts process names to ${COMM_MAX} characters; use match for longer names`,
      })
      .optional(),
    /** A regular expression over the command line (arguments joined by spaces). */
    match: regexSchema.optional(),
    /** Fewest matching processes. Default 1. */
    min: z.int().nonnegative().default(1),
    /** Most matching processes. Default: no limit. */
    max: z.int().nonnegative().optional(),
  })
  .refine((spec) => spec.name !== undefined || spec.match !== undefined, {
    error: 'give name (the exact process name) or match (a regex over the command line)',
    path: ['name'],
  })
  .refine((spec) => spec.max === undefined || spec.max >= spec.min, {
    error: 'must be at least min',
    path: ['max'],
  })
export type HostProcessSpec = z.infer<typeof hostProcessSpecSchema>
