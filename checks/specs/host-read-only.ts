/** The host.readOnly kind: mounts that should be writable but are not. */
import { z } from 'zod'
import { parseDuration } from '../duration.ts'
import { baseFields, durationSchema } from './common.ts'
import { absolutePathSchema, hostFields } from './host-common.ts'

export const hostReadOnlySpecSchema = z
  .strictObject({
    ...baseFields,
    ...hostFields,
    kind: z.literal('host.readOnly'),
    /** Mounts to watch: a path (the filesystem holding it, and mounts below it) or a glob. Empty: all. */
    include: z.array(absolutePathSchema).default([]),
    /** Mount points to skip, same syntax as `include`. */
    exclude: z.array(absolutePathSchema).default([]),
    /** Only these filesystem types. Empty: every type that is not read-only by design. */
    types: z.array(z.string().min(1)).default([]),
    /** Filesystem types to skip. */
    excludeTypes: z.array(z.string().min(1)).default([]),
    /** Directories for the write probe. Default: the watched filesystems' mount points (as root). */
    paths: z.array(absolutePathSchema).optional(),
    /** Set false to read mountinfo only. */
    writeProbe: z.boolean().default(true),
    /** Limit for one write probe. Default: half the check's timeout. */
    writeTimeout: durationSchema.optional(),
  })
  .refine(
    (spec) =>
      spec.writeTimeout === undefined ||
      parseDuration(spec.writeTimeout) < parseDuration(spec.timeout),
    {
      error: 'must be shorter than the check timeout, so a hung filesystem is named in the result',
      path: ['writeTimeout'],
    },
  )
export type HostReadOnlySpec = z.infer<typeof hostReadOnlySpecSchema>
