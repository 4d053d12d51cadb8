/** The host.process kind: how many processes match a name or a command line. */
import { z } from 'zod'
import { baseFields, regexSchema } from './common.ts'
import { hostFields, defineHostKind, type HostCheckProps } from './host-common.ts'
import type { KindInput } from './kind.ts'

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

export interface HostProcessProps extends HostCheckProps {
  /** The exact process name as `ps -e` shows it (at most 15 characters). @example 'nginx' */
  name?: string
  /** A regular expression over the command line (arguments joined by spaces). @example 'sidekiq .* \\[default\\]' */
  match?: string
  /** Fewest matching processes. Default 1. @example 2 */
  min?: number
  /** Most matching processes. Default: no limit. @example 8 */
  max?: number
}

/**
 * How many processes match a name or a command line.
 * @example host.process('workers', { on: { labels: { role: 'worker' } }, match: 'sidekiq', min: 2 })
 */
export function hostProcess(
  id: string,
  props: HostProcessProps,
): KindInput<'host.process', HostProcessProps> {
  return { kind: 'host.process', id, ...props }
}

export const hostProcessKind = defineHostKind({
  schema: hostProcessSpecSchema,
  factory: hostProcess,
  target: (spec) =>
    spec.name !== undefined ? `process ${spec.name}` : `processes matching /${spec.match}/`,
})
