/** Alert state as the engine keeps it and the API and pages read it. */

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
  /**
   * True while some series that counts has its newest result down or is failing: the
   * check may be on its way to DOWN (a confirmation is usually in flight). Dependents wait.
   */
  failingSomewhere?: boolean
  /** When the newest result of any series was measured (epoch ms), or null before any. */
  lastMeasuredAt?: number | null
  /** Latency per region as the hub's latency watch sees it (hub/anomaly/). */
  latency?: Record<string, RegionLatency>
}

/**
 * A region's latency as the hub judges it: the newest run against what the anomaly
 * detector expected for it, the p50/p95 limits of `expect.latency`, and why the region
 * is shown degraded, if it is.
 */
export interface RegionLatency {
  /** The newest served run's latency (ms). */
  currentMs: number
  /** When that run was scheduled (epoch ms). */
  at: number
  /**
   * What the detector expected for that run (ms): its baseline for the time of day or
   * week. Null with `anomaly: false`.
   */
  baselineMs: number | null
  /** That run's anomaly score, 0 to 1 (0.52 and up is unusual). Null with `anomaly: false`. */
  score: number | null
  /** p50 and p95 over the check's last `expect.latency.runs` runs, when it sets limits. */
  p50Ms?: number
  p95Ms?: number
  /** The median over the limits' baseline period, once known. */
  medianMs?: number
  /** Why the hub shows the region degraded; empty when it does not. */
  reasons: string[]
  /** The anomaly in progress in this region: since when, and what was expected then. */
  anomaly: { since: number; baselineMs: number; peakScore: number } | null
}

/** A confirmed outage: from the alert firing to its resolution (null while open). */
export interface Outage {
  incidentId: string
  checkId: string
  startedAt: number
  endedAt: number | null
}

/**
 * A change of a check's status (`series` null) or of one series' state (a region, or a
 * probe id for host checks), as the engine makes it. History keeps time per state from these.
 */
export interface StateChange {
  checkId: string
  series: string | null
  state: CheckAlertStatus | RegionAlertState
  at: number
}
