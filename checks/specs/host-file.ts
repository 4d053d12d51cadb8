/** The host.file kind: a file (or the newest match of a glob) exists, is fresh and big enough. */
import { z } from 'zod'
import { baseFields, durationSchema } from './common.ts'
import {
  absolutePathSchema,
  hostFields,
  defineHostKind,
  type HostCheckProps,
} from './host-common.ts'
import type { Duration } from './common-props.ts'
import type { KindInput } from './kind.ts'

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

export interface HostFileProps extends HostCheckProps {
  /** A file, or a glob whose newest regular file is checked (`*`, `?`, `**`). @example '/backups/db-*.sql.gz' */
  path: string
  /** The file must be younger than this (by modification time). Default: any age. @example '26h' */
  maxAge?: Duration
  /** The file must have at least this many bytes. Default: any size. @example 1048576 */
  minSize?: number
}

/**
 * A file (or the newest match of a glob) exists, is fresh and big enough.
 * @example host.file('backup', { on: { probes: ['db-1'] }, path: '/backups/*.tar.gz', maxAge: '26h', minSize: 1e6 })
 */
export function hostFile(id: string, props: HostFileProps): KindInput<'host.file', HostFileProps> {
  return { kind: 'host.file', id, ...props }
}

export const hostFileKind = defineHostKind({
  schema: hostFileSpecSchema,
  factory: hostFile,
  target: (spec) => spec.path,
})
