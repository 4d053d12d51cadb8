/** The host runners, one file per kind, for the registry in ../index.ts. */
import type { HostKind } from '../../spec.ts'
import type { Runner } from '../types.ts'
import { run as command } from './command.ts'
import { run as disk } from './disk.ts'
import { run as file } from './file.ts'
import { run as port } from './port.ts'
import { run as process } from './process.ts'
import { run as readOnly } from './read-only.ts'
import { run as systemd } from './systemd.ts'

export const hostRunners: { [K in HostKind]: Runner<K> } = {
  'host.readOnly': readOnly,
  'host.disk': disk,
  'host.file': file,
  'host.process': process,
  'host.systemd': systemd,
  'host.port': port,
  'host.command': command,
}
