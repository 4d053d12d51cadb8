/** The host.disk kind: space and inodes used on one filesystem, and when it will be full. */
import { z } from 'zod'
import { baseFields, durationSchema } from './common.ts'
import { absolutePathSchema, hostFields, percentSchema } from './host-common.ts'

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
