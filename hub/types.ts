/** Shapes shared inside the hub: alert state as the API and pages read it. */

/** A region's view of a check, from consecutive results (failAfter / recoverAfter). */
export type RegionAlertState = 'unknown' | 'passing' | 'failing'

/**
 * A check's state across regions:
 * - unknown: no conclusive result yet;
 * - up: no region failing;
 * - partial: some regions failing, fewer than the quorum (shown, never paged);
 * - down: at least `quorum` regions failing (an alert fired).
 */
export type CheckAlertStatus = 'unknown' | 'up' | 'partial' | 'down'

export interface CheckAlertState {
  checkId: string
  status: CheckAlertStatus
  /** Per region; for host checks per probe id, each selected host being its own series. */
  regions: Record<string, RegionAlertState>
  failingRegions: string[]
  /** When the check entered its current status (epoch ms), or null if unknown. */
  since: number | null
  /** The open incident while DOWN. */
  incidentId: string | null
}

/** A confirmed outage: from the alert firing to its resolution (null while open). */
export interface Outage {
  incidentId: string
  checkId: string
  startedAt: number
  endedAt: number | null
}

/** An alert transition, handed to notification channels. */
export interface AlertEvent {
  type: 'fired' | 'resolved'
  incidentId: string
  checkId: string
  checkName: string
  at: number
  /** Regions failing when the alert fired (or last failing, on resolve); probe ids for host checks. */
  regions: string[]
  quorum: number
  /** The first error that made a region fail, for the notification text. */
  firstError: { code: string; message: string } | null
  /** Set on resolve: how long the outage lasted. */
  durationMs?: number
}

/** The probe registry entry, from the retained status topic. */
export interface ProbeInfo {
  probeId: string
  state: 'online' | 'offline'
  region: string
  labels: Record<string, string>
  capabilities: string[]
  version: string
  lastSeen: number
  stats?: Record<string, number | string>
  /** The probe's self-health; while not ok its down results arrive as inconclusive. */
  health?: { ok: boolean; reasons: string[] }
}
