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
 * (checkId `region:<name>`), an offline probe (`probe:<id>`), a notification channel
 * that keeps failing (`channel:<name>`) or an SLO (`slo:<name>/<target>%/<window>/<alert>`).
 */
export type AlertSubject = 'check' | 'region' | 'probe' | 'channel' | 'slo'

/**
 * What an SLO alert is about:
 * - page / ticket: a burn-rate pair fires (its severity says whether it pages);
 * - budget: the error budget is spent;
 * - missing: no minute of the SLO's checks could be judged for a while;
 * - threshold: a share of the budget was consumed (a one-off notice).
 */
export type SloAlertKind = 'page' | 'ticket' | 'budget' | 'missing' | 'threshold'

/** The SLO facts an SLO alert carries (subject `slo`). */
export interface SloAlertDetail {
  name: string
  /** The objective: percent and rolling window, e.g. 99.9 and '30d'. */
  target: number
  window: string
  alert: SloAlertKind
  /** Pages and tickets: the window pair that fired, e.g. '1h/5m'. */
  pair?: string
  /** Its long and short windows' burn rates when it fired. */
  burnRates?: { long: number; short: number }
  /** Share of the budget left (negative once overspent), and its minutes. */
  budgetRemaining: number
  budgetRemainingMinutes: number
  /** Threshold notices: the share of the budget consumed that was crossed, in percent. */
  threshold?: number
  /** Resolves: the pair that held the alert open last, when another than `pair`. */
  heldOpenBy?: string
}

/** An alert transition, handed to notification channels. */
export interface AlertEvent {
  type: AlertEventType
  /** Default 'check'. */
  subject?: AlertSubject
  /**
   * For checks: DOWN (default) or DEGRADED (only with `alert.pageOnDegraded`). For SLOs:
   * `page`, or `ticket` for what goes only to the routes that take tickets.
   */
  severity?: 'down' | 'degraded' | 'page' | 'ticket'
  /** For subject `slo`: which SLO, objective and alert. */
  slo?: SloAlertDetail
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
