/** An alert transition as the hub's dispatcher hands it to notification channels. */

/**
 * What a notification is about:
 * - fired / resolved: an incident opened or closed;
 * - reminder: the incident is still open and nobody acknowledged it (`remindEvery`);
 * - escalated: nobody acknowledged it within a route's `escalate[].after`;
 * - acknowledged: somebody took it (API or `vantage ack`);
 * - flapping-started / flapping-stopped: the check entered or left flapping;
 * - anomaly: the check's latency left what its history predicts in enough regions: a
 *   ticket for the routes marked `tickets: true`, never a page.
 */
export type AlertEventType =
  | 'fired'
  | 'resolved'
  | 'reminder'
  | 'escalated'
  | 'acknowledged'
  | 'flapping-started'
  | 'flapping-stopped'
  | 'anomaly'

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
  /**
   * Set on a resolve that is not a recovery: the incident was closed because its check
   * was removed or disabled by a deploy. Receivers that keep incidents (PagerDuty,
   * Opsgenie) still need the resolve, or theirs stays open forever.
   */
  closedReason?: string
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
