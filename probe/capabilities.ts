/**
 * What this probe can run, advertised on its status topic so that checks that
 * need a capability are assigned only to probes that have it.
 */
import { capabilityOf, type CheckKind } from '../checks/kinds.ts'
import { pingAvailable } from '../checks/runners/ping.ts'

/** The capability a kind needs beyond plain networking, if any; each kind declares its own. */
export function capabilityFor(kind: CheckKind): string | undefined {
  return capabilityOf(kind)
}

export async function detectCapabilities(): Promise<string[]> {
  const capabilities = ['http']
  if (await pingAvailable()) capabilities.push('ping')
  // Host checks read /proc (mounts, processes, sockets), which only Linux has.
  if (process.platform === 'linux') capabilities.push('host')
  return capabilities
}
