/**
 * What each host check watches, in a few words, for the `target` line of the API and
 * the status page (check-view.ts adds the selector). The text is public, so a command
 * shows its program only: plugin arguments often carry passwords.
 */
import { basename } from 'node:path'
import type { HostKind, SpecOf } from '../../checks/spec.ts'

/** A mapped type: a new host kind fails to compile until it says what it watches. */
export const HOST_TARGETS: { [K in HostKind]: (spec: SpecOf<K>) => string } = {
  'host.readOnly': (spec) =>
    spec.include.length > 0 ? `writable mounts ${spec.include.join(', ')}` : 'writable mounts',
  'host.disk': (spec) => `disk ${spec.path}`,
  'host.file': (spec) => spec.path,
  'host.process': (spec) =>
    spec.name !== undefined ? `process ${spec.name}` : `processes matching /${spec.match}/`,
  'host.systemd': (spec) => `unit ${spec.unit}`,
  'host.port': (spec) => `port ${listenAddress(spec.address)}${spec.port}`,
  'host.command': (spec) =>
    spec.command ? `plugin ${basename(spec.command[0] ?? '')}` : 'shell command',
}

function listenAddress(address: string | undefined): string {
  if (address === undefined) return ''
  return address.includes(':') ? `[${address}]:` : `${address}:`
}
