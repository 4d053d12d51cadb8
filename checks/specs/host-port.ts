/** The host.port kind: something listens on a local TCP port. */
import { z } from 'zod'
import { baseFields } from './common.ts'
import { hostFields } from './host-common.ts'

export const hostPortSpecSchema = z.strictObject({
  ...baseFields,
  ...hostFields,
  kind: z.literal('host.port'),
  port: z.int().min(1).max(65_535),
  /** Only a listener on this local address (or on all addresses) counts. Default: any. */
  address: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
})
export type HostPortSpec = z.infer<typeof hostPortSpecSchema>
