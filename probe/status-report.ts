/**
 * The probe's retained status (`probes/{id}/status`): who it is, what it can run, how
 * full its outbox is and whether it is healthy. The hub's registry and the probe's
 * peers read it; its Last Will says who went offline, and no more (see lastWill).
 */
import type { OfflineReason, ProbeStatus } from '../checks/wire.ts'
import type { HealthReport } from './self-health.ts'

export interface StatusSources {
  probeId: string
  region: string
  /** This process's random id (checks/wire.ts). */
  instance: string
  labels: Record<string, string>
  capabilities: string[]
  version: string
  queueDepth: () => number
  dropped: () => number
  configVersion: () => string | undefined
  bundlesRejected: () => number
  runs: () => number
  clockOffsetMs: () => number | undefined
  health: () => HealthReport
}

/** The status now; `reason` says why a probe that is still running says offline. */
export function statusReport(
  state: ProbeStatus['state'],
  from: StatusSources,
  reason?: OfflineReason,
): ProbeStatus {
  const offset = from.clockOffsetMs()
  return {
    state,
    ...(reason ? { reason } : {}),
    probeId: from.probeId,
    region: from.region,
    labels: from.labels,
    capabilities: from.capabilities,
    version: from.version,
    stats: {
      queueDepth: from.queueDepth(),
      dropped: from.dropped(),
      configVersion: from.configVersion() ?? 'none',
      bundlesRejected: from.bundlesRejected(),
      runs: from.runs(),
      ...(offset === undefined ? {} : { clockOffsetMs: offset }),
    },
    health: from.health(),
    instance: from.instance,
  }
}

/**
 * The Last Will: the broker sends it when the probe dies, but it is fixed when the
 * probe connects, so it carries no stats. A queue depth frozen at connect time would
 * read as "nothing unsent" for a probe that went away holding a backlog; the hub keeps
 * the depth last reported instead.
 */
export function lastWill(
  from: Pick<
    StatusSources,
    'probeId' | 'region' | 'instance' | 'labels' | 'capabilities' | 'version'
  >,
): ProbeStatus {
  return {
    state: 'offline',
    probeId: from.probeId,
    region: from.region,
    labels: from.labels,
    capabilities: from.capabilities,
    version: from.version,
    instance: from.instance,
  }
}
