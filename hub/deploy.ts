/**
 * Turns a validated monitoring config into the next signed bundle. Re-deploying
 * unchanged checks keeps the running version, so a hub restart does not make
 * every probe reschedule; any change gets the next sequence number.
 */
import {
  buildBundle,
  checksHash,
  signBundle,
  type Bundle,
  type BundleEnvelope,
} from '../checks/bundle.ts'
import type { CheckSpec } from '../checks/spec.ts'
import type { HubKey } from './keys.ts'
import type { HubState } from './state.ts'

export interface Deployed {
  bundle: Bundle
  envelope: BundleEnvelope
  /** False when the checks equal the last deploy's. */
  changed: boolean
}

export async function deployChecks(
  checks: CheckSpec[],
  options: { state: HubState; key: HubKey; now: number; source: string },
): Promise<Deployed> {
  const last = options.state.lastDeploy()
  const hash = checksHash(checks)
  const unchanged = last !== undefined && last.hash === hash
  const bundle = unchanged
    ? buildBundle(checks, last.seq, last.createdAt)
    : buildBundle(checks, (last?.seq ?? 0) + 1, options.now)
  if (!unchanged) {
    await options.state.recordDeploy({
      seq: bundle.seq,
      version: bundle.version,
      hash,
      createdAt: bundle.createdAt,
      source: options.source,
      checks: checks.length,
    })
  }
  return { bundle, envelope: signBundle(bundle, options.key.privateKey), changed: !unchanged }
}
