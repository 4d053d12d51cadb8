import type { OfflineReason } from '../../checks/wire.ts'

/** The probe registry entry, from the retained status topic. */
export interface ProbeInfo {
  probeId: string
  state: 'online' | 'offline'
  /** Why a probe said it is offline: `stopped` cleanly or `draining`; absent when it just went away. */
  reason?: OfflineReason
  /** The hub has drained it (`vantage probe drain`); it may not have heard yet. */
  drained?: boolean
  region: string
  labels: Record<string, string>
  capabilities: string[]
  version: string
  lastSeen: number
  /**
   * The probe's last reported stats. An offline probe keeps those it reported last
   * (its Last Will carries none), so `stats.queueDepth` is what it held then.
   */
  stats?: Record<string, number | string>
  /** When `stats.queueDepth` was reported (epoch ms): for an offline probe, a past figure. */
  queueDepthAsOf?: number
  /** The probe's self-health; while not ok its down results arrive as inconclusive. */
  health?: { ok: boolean; reasons: string[] }
}
