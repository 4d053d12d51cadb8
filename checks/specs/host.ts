/**
 * The host check kinds, gathered for the CheckSpec union. Kinds are named
 * `host.<what>` so that each has its own literal in the discriminated union.
 */
import { hostCommandSpecSchema } from './host-command.ts'
import { hostDiskSpecSchema } from './host-disk.ts'
import { hostFileSpecSchema } from './host-file.ts'
import { hostPortSpecSchema } from './host-port.ts'
import { hostProcessSpecSchema } from './host-process.ts'
import { hostReadOnlySpecSchema } from './host-read-only.ts'
import { hostSystemdSpecSchema } from './host-systemd.ts'

export const hostSpecSchemas = [
  hostReadOnlySpecSchema,
  hostDiskSpecSchema,
  hostFileSpecSchema,
  hostProcessSpecSchema,
  hostSystemdSpecSchema,
  hostPortSpecSchema,
  hostCommandSpecSchema,
] as const

export type HostKind = (typeof hostSpecSchemas)[number]['shape']['kind']['value']

export const HOST_KINDS: readonly HostKind[] = hostSpecSchemas.map(
  (schema) => schema.shape.kind.value,
)

/**
 * True for kinds that run on the probes they select instead of in regions.
 * @example isHostKind('host.disk') // true
 */
export function isHostKind(kind: string): kind is HostKind {
  return (HOST_KINDS as readonly string[]).includes(kind)
}
