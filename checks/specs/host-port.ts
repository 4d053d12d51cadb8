/** The host.port kind: something listens on a local TCP port. */
import { z } from 'zod'
import { baseFields } from './common.ts'
import { hostFields, defineHostKind, type HostCheckProps } from './host-common.ts'
import type { KindInput } from './kind.ts'

export const hostPortSpecSchema = z.strictObject({
  ...baseFields,
  ...hostFields,
  kind: z.literal('host.port'),
  port: z.int().min(1).max(65_535),
  /** Only a listener on this local address (or on all addresses) counts. Default: any. */
  address: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }).optional(),
})
export type HostPortSpec = z.infer<typeof hostPortSpecSchema>

export interface HostPortProps extends HostCheckProps {
  /** The local TCP port something must listen on. @example 5432 */
  port: number
  /** Only a listener on this address (or on all addresses) counts. Default: any address. @example '127.0.0.1' */
  address?: string
}

/**
 * Something listens on a local TCP port.
 * @example host.port('postgres-listening', { on: { probes: ['db-1'] }, port: 5432 })
 */
export function hostPort(id: string, props: HostPortProps): KindInput<'host.port', HostPortProps> {
  return { kind: 'host.port', id, ...props }
}

export const hostPortKind = defineHostKind({
  schema: hostPortSpecSchema,
  factory: hostPort,
  target: (spec) => `port ${listenAddress(spec.address)}${spec.port}`,
})

function listenAddress(address: string | undefined): string {
  if (address === undefined) return ''
  return address.includes(':') ? `[${address}]:` : `${address}:`
}
