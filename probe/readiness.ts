/**
 * Whether a probe is fit to run checks now, for its health port's `/readyz`: connected
 * to the broker, running a config (verified, when it has --hub-key), healthy (its
 * outbox takes durable writes, its resolver answers, its clock is within the allowed
 * skew of the hub's), and not on its way out.
 */
import type { HealthReport } from './self-health.ts'

export interface ProbeReadinessParts {
  connected: boolean
  /** The config bundle it runs; undefined before the first one verified. */
  configVersion: string | undefined
  health: HealthReport
  stopping: boolean
}

export interface ProbeReadiness {
  ready: boolean
  /** Why not, one sentence each; empty when ready. */
  reasons: string[]
  configVersion?: string
}

export function probeReadiness(parts: ProbeReadinessParts): ProbeReadiness {
  const reasons: string[] = []
  if (parts.stopping) reasons.push('the probe is stopping')
  if (!parts.connected) reasons.push('not connected to the broker')
  if (parts.configVersion === undefined) reasons.push('no verified config from the hub yet')
  reasons.push(...parts.health.reasons)
  return { ready: reasons.length === 0, reasons, configVersion: parts.configVersion }
}
