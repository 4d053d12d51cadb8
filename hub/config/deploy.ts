/**
 * Turns a validated monitoring config into the next signed bundle. Re-deploying
 * the same config keeps the running version, so a hub restart does not make every
 * probe reschedule; any change (checks, routing, channels, heartbeats) gets the next
 * sequence number, so that a version names one whole config that a rollback can
 * restore. The config itself is kept in the deploy history before it is recorded.
 */
import { createHash } from 'node:crypto'
import {
  buildBundle,
  checksHash,
  signBundle,
  type Bundle,
  type BundleEnvelope,
} from '../../checks/bundle.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { DeployHistory } from './deploy-history.ts'
import type { HubKey } from './keys.ts'
import type { HubState } from '../store/hub-state.ts'

export interface Deployed {
  bundle: Bundle
  envelope: BundleEnvelope
  /** False when the config equals the last deploy's. */
  changed: boolean
}

/** A content hash of the whole config; equal configs give an equal hash. */
export function configHash(config: MonitoringConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)
}

export async function deployConfig(
  config: MonitoringConfig,
  options: {
    state: HubState
    history: DeployHistory
    key: HubKey
    now: number
    source: string
  },
): Promise<Deployed> {
  const { state, history } = options
  const last = state.lastDeploy()
  const hash = configHash(config)
  const unchanged = last !== undefined && last.configHash === hash
  // Browser checks' secrets come from the hub's own environment, never from the config.
  const secret = (name: string) => process.env[name]
  const bundle = unchanged
    ? buildBundle(config.checks, last.seq, last.createdAt, secret)
    : buildBundle(config.checks, (last?.seq ?? 0) + 1, options.now, secret)
  if (!unchanged) {
    const { seq, version, createdAt } = bundle
    // The file first: a record always has its config, even after a crash in between.
    history.save({ seq, version, createdAt, source: options.source, config })
    await state.recordDeploy({
      seq,
      version,
      hash: checksHash(config.checks),
      configHash: hash,
      createdAt,
      source: options.source,
      checks: config.checks.length,
    })
    history.prune(state.deploys()[0]!.seq)
  }
  return { bundle, envelope: signBundle(bundle, options.key.privateKey), changed: !unchanged }
}
