/** The host.readOnly kind: mounts that should be writable but are not. */
import { z } from 'zod'
import { parseDuration } from '../duration.ts'
import { baseFields, durationSchema } from './common.ts'
import {
  absolutePathSchema,
  hostFields,
  defineHostKind,
  type HostCheckProps,
} from './host-common.ts'
import type { Duration } from './common-props.ts'
import type { KindInput } from './kind.ts'

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

export interface HostReadOnlyProps extends HostCheckProps {
  /**
   * Mounts to watch: a path watches the filesystem holding it and every mount below
   * it; a glob (`*`, `?`, `**`) matches mount points. Default: every mount, except
   * read-only-by-design types (squashfs, iso9660, erofs, ...), kernel filesystems
   * (proc, sysfs, cgroup, ...) and whatever is mounted under /proc and /sys.
   * @example ['/var/lib', '/srv/*']
   */
  include?: string[]
  /** Mount points to skip, same syntax as `include`. Default `[]`. @example ['/mnt/cdrom'] */
  exclude?: string[]
  /** Only these filesystem types; when set, the built-in ignore list is off. Default: all. @example ['ext4', 'xfs'] */
  types?: string[]
  /** Filesystem types to skip. Default `[]`. @example ['nfs4'] */
  excludeTypes?: string[]
  /**
   * Directories for the write probe (create, write, fsync, delete a small file). Default:
   * when the probe runs as root, the mount point of each watched disk or tmpfs filesystem
   * (not /dev or /run); otherwise none, as other users may not write there.
   * @example ['/var/lib/postgresql', '/srv/uploads']
   */
  paths?: string[]
  /** Set `false` to read mount flags only. Default `true`. */
  writeProbe?: boolean
  /** Limit for each write probe; a slower one is reported as a hung filesystem. Default: half of `timeout`. @example '3s' */
  writeTimeout?: Duration
}

/**
 * Mounts that should be writable but are read-only, from mount flags and a write probe.
 * @example host.readOnly('app-disks', { on: { labels: { role: 'app' } } })
 */
export function hostReadOnly(
  id: string,
  props: HostReadOnlyProps,
): KindInput<'host.readOnly', HostReadOnlyProps> {
  return { kind: 'host.readOnly', id, ...props }
}

export const hostReadOnlyKind = defineHostKind({
  schema: hostReadOnlySpecSchema,
  factory: hostReadOnly,
  target: (spec) =>
    spec.include.length > 0 ? `writable mounts ${spec.include.join(', ')}` : 'writable mounts',
})
