/** The host.disk kind: space and inodes used on one filesystem, and when it will be full. */
import { z } from 'zod'
import { baseFields, durationSchema } from './common.ts'
import {
  absolutePathSchema,
  hostFields,
  percentSchema,
  defineHostKind,
  type HostCheckProps,
} from './host-common.ts'
import type { Duration } from './common-props.ts'
import type { KindInput } from './kind.ts'

export const DISK_DEFAULTS = { degradedAbove: 85, failAbove: 95 } as const

export const hostDiskSpecSchema = z.strictObject({
  ...baseFields,
  ...hostFields,
  kind: z.literal('host.disk'),
  /** Any path on the filesystem to measure. Default `/`. */
  path: absolutePathSchema.default('/'),
  expect: z
    .strictObject({
      /** Space or inodes used (%) above this is `degraded`. Default 85. */
      degradedAbove: percentSchema.default(DISK_DEFAULTS.degradedAbove),
      /** Space or inodes used (%) above this is `down`. Default 95. */
      failAbove: percentSchema.default(DISK_DEFAULTS.failAbove),
      /** `degraded` when the growth trend fills the disk within this time. */
      fullWithin: durationSchema.optional(),
    })
    .default(DISK_DEFAULTS),
  /** How far back the growth trend looks. Default `6h`. */
  trendWindow: durationSchema.default('6h'),
})
export type HostDiskSpec = z.infer<typeof hostDiskSpecSchema>

export interface HostDiskProps extends HostCheckProps {
  /** Any path on the filesystem to measure. Default `/`. @example '/var/lib/postgresql' */
  path?: string
  expect?: {
    /** Space or inodes used (%) above which the result is `degraded`. Default 85. @example 80 */
    degradedAbove?: number
    /** Space or inodes used (%) above which the result is `down`. Default 95. @example 90 */
    failAbove?: number
    /** `degraded` when the recent growth fills the disk within this time. Default: not checked. @example '24h' */
    fullWithin?: Duration
  }
  /**
   * How far back the growth trend looks; a prediction needs samples over a quarter of
   * it. Default `6h`. @example '1h'
   */
  trendWindow?: Duration
}

/**
 * Space and inodes used on a filesystem, and when it will be full.
 * @example host.disk('db-disk', { on: { probes: ['db-1'] }, path: '/var/lib/postgresql', expect: { fullWithin: '24h' } })
 */
export function hostDisk(id: string, props: HostDiskProps): KindInput<'host.disk', HostDiskProps> {
  return { kind: 'host.disk', id, ...props }
}

export const hostDiskKind = defineHostKind({
  schema: hostDiskSpecSchema,
  factory: hostDisk,
  target: (spec) => `disk ${spec.path}`,
})
