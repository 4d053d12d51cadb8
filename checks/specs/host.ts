/**
 * The host check kinds, one entry each, spread into the kinds table (../kinds.ts).
 * Kinds are named `host.<what>` so that each has its own literal in the CheckSpec
 * union, and `<what>` is the name of its factory: `host.disk(...)` for `host.disk`.
 *
 * Host checks look at the machine a probe runs on. They run on every probe that `on`
 * selects, not in regions, and each selected probe is its own series: any failing
 * host makes the check DOWN.
 *
 * @example
 * host.readOnly('app-disks', { on: { labels: { role: 'app' } } })
 * host.file('nightly-backup', { on: { probes: ['db-1'] }, path: '/backups/*.tar.gz', maxAge: '26h' })
 */
import type { KindDefinition, KindFactory, KindSchema } from './kind.ts'
import { hostCommandKind } from './host-command.ts'
import { hostDiskKind } from './host-disk.ts'
import { hostFileKind } from './host-file.ts'
import { hostPortKind } from './host-port.ts'
import { hostProcessKind } from './host-process.ts'
import { hostReadOnlyKind } from './host-read-only.ts'
import { hostSystemdKind } from './host-systemd.ts'

/** Keeps the table honest: every key is `host.<what>` and needs the `host` capability. */
function hostKinds<
  T extends { [K in keyof T]: K extends `host.${string}` ? { capability: 'host' } : never },
>(table: T): T {
  return table
}

export const HOST_CHECK_KINDS = hostKinds({
  'host.readOnly': hostReadOnlyKind,
  'host.disk': hostDiskKind,
  'host.file': hostFileKind,
  'host.process': hostProcessKind,
  'host.systemd': hostSystemdKind,
  'host.port': hostPortKind,
  'host.command': hostCommandKind,
})

type HostTable = typeof HOST_CHECK_KINDS
export type HostKind = keyof HostTable

export const HOST_KINDS = Object.keys(HOST_CHECK_KINDS) as readonly HostKind[]

/**
 * True for kinds that run on the probes they select instead of in regions.
 * @example isHostKind('host.disk') // true
 */
export function isHostKind(kind: string): kind is HostKind {
  return (HOST_KINDS as readonly string[]).includes(kind)
}

/** What the host factories return. */
export type HostCheckInput = { [K in HostKind]: ReturnType<HostTable[K]['factory']> }[HostKind]

type FactoryName<K> = K extends `host.${infer Name}` ? Name : never

/** `host.disk(...)` and the rest; each shows its factory's JSDoc in editors. */
export type HostFactories = {
  [K in HostKind as FactoryName<K>]: HostTable[K]['factory']
}

/** Host checks: they run on the probes `on` selects and look at those machines. */
export const host = Object.fromEntries(
  Object.entries(HOST_CHECK_KINDS).map(([kind, definition]) => [
    kind.slice('host.'.length),
    (definition as KindDefinition<KindSchema, KindFactory>).factory,
  ]),
) as HostFactories
