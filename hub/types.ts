/** Shapes shared inside the hub: alert state as the API and pages read it. */

/**
 * A region's view of a check, from consecutive results (failAfter / recoverAfter):
 * - unknown: no conclusive result yet;
 * - passing / degraded / failing: from its streaks;
 * - inconclusive: its newest result was inconclusive (a sick probe, a missing capability);
 * - offline: no online probe can run it there.
 * Only passing, degraded and failing regions are conclusive.
 */
export type RegionAlertState =
  'unknown' | 'passing' | 'degraded' | 'failing' | 'inconclusive' | 'offline'

/**
 * A check's state across regions:
 * - unknown: no conclusive result yet;
 * - up: no region failing;
 * - degraded: at least `quorum` regions degraded or failing, fewer than `quorum` failing;
 * - partial: some regions failing, fewer than the quorum (shown, never paged);
 * - insufficient: fewer conclusive regions than the quorum, so the check cannot be judged
 *   (the probe network is alerted instead);
 * - down: at least `quorum` regions failing (an alert fired).
 */
export type CheckAlertStatus = 'unknown' | 'up' | 'degraded' | 'partial' | 'insufficient' | 'down'

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
  /** Failing regions needed for DOWN. */
  quorum?: number
  /** True while the check flaps (alerts are held back until it settles). */
  flapping?: boolean
  /** Regions left out of the quorum because a region-connectivity alert covers them. */
  inhibitedRegions?: string[]
}

/** A confirmed outage: from the alert firing to its resolution (null while open). */
export interface Outage {
  incidentId: string
  checkId: string
  startedAt: number
  endedAt: number | null
}

/**
 * What a notification is about:
 * - fired / resolved: an incident opened or closed;
 * - reminder: the incident is still open and nobody acknowledged it (`remindEvery`);
 * - escalated: nobody acknowledged it within a route's `escalate[].after`;
 * - acknowledged: somebody took it (API or `vantage ack`);
 * - flapping-started / flapping-stopped: the check entered or left flapping.
 */
export type AlertEventType =
  | 'fired'
  | 'resolved'
  | 'reminder'
  | 'escalated'
  | 'acknowledged'
  | 'flapping-started'
  | 'flapping-stopped'

/**
 * What raised the alert: a check (the default), a region whose checks fail together
 * (checkId `region:<name>`), an offline probe (`probe:<id>`) or a notification channel
 * that keeps failing (`channel:<name>`).
 */
export type AlertSubject = 'check' | 'region' | 'probe' | 'channel'

/** An alert transition, handed to notification channels. */
export interface AlertEvent {
  type: AlertEventType
  /** Default 'check'. */
  subject?: AlertSubject
  /** For checks: DOWN (default) or DEGRADED (only with `alert.pageOnDegraded`). */
  severity?: 'down' | 'degraded'
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
  /** The check's tags, for grouping and routing. */
  tags?: string[]
  /** One line for what the fields do not say (region, probe and channel alerts). */
  summary?: string
  /** Who acknowledged, on `acknowledged` events, and their comment. */
  ackedBy?: string
  comment?: string
  /** The escalation level reached (1 = the first `escalate` entry), on `escalated` events. */
  level?: number
  /** Other alerts sent in the same message by grouping (their own `grouped` is empty). */
  grouped?: AlertEvent[]
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
