/** The host.file kind: a file (or the newest match of a glob) exists, is fresh and big enough. */
import { z } from 'zod'
import { baseFields, durationSchema } from './common.ts'
import { absolutePathSchema, hostFields } from './host-common.ts'

export const hostFileSpecSchema = z.strictObject({
  ...baseFields,
  ...hostFields,
  kind: z.literal('host.file'),
  /** An absolute path or glob (`*`, `?`, `**`). */
  path: absolutePathSchema,
  /** The newest match must be younger than this. */
  maxAge: durationSchema.optional(),
  /** The newest match must have at least this many bytes. */
  minSize: z.int().nonnegative().optional(),
})
export type HostFileSpec = z.infer<typeof hostFileSpecSchema>
