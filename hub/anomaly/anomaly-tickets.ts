/**
 * A check's anomaly tickets: one `anomaly` notification when its regions agree that
 * the latency left what they expect: at least two regions whose anomalies began within
 * AGREE_RUNS runs of each other, or the only one when the check runs in one region. One
 * region alone is shown degraded and told to nobody: it is more often that region's
 * network than the service. And a service that slows down does so for every region at
 * once, so an anomaly an hour old in one region and a fresh one in another do not agree.
 *
 * Each ticket is an `anomaly` incident (never an outage: availability and error budgets
 * ignore it) opened with the event and closed without notification once no region is
 * anomalous any more. Open ones survive a restart, so a hub that restarts in the middle
 * of an anomaly does not tell it twice.
 */
import type { AlertEvent } from '../../checks/alert-event.ts'
import { parseDuration } from '../../checks/duration.ts'
import { regionsOf, type CheckSpec } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import { formatMs } from './latency-text.ts'
import type { OpenAnomaly } from './region-episode.ts'

/** Anomalies that began at most this many of the check's runs apart agree. */
export const AGREE_RUNS = 10

/**
 * The largest group of anomalies that began within `windowMs` of each other, in the
 * check's region order.
 */
export function agreeing(
  anomalous: [string, OpenAnomaly][],
  windowMs: number,
): [string, OpenAnomaly][] {
  let best: [string, OpenAnomaly][] = []
  for (const [, first] of anomalous) {
    const group = anomalous.filter(
      ([, other]) => other.since >= first.since && other.since - first.since <= windowMs,
    )
    if (group.length > best.length) best = group
  }
  return best
}

/** Regions that must agree for a ticket: two, or the check's only one. */
export function regionsToAgree(spec: CheckSpec): number {
  return Math.min(2, regionsOf(spec)?.length ?? 1)
}

/** "eu-west 412 ms, expected 180 ms; us-east 390 ms, expected 170 ms" */
export function anomalySummary(regions: [string, OpenAnomaly][]): string {
  return regions
    .map(([region, a]) => `${region} ${formatMs(a.latestMs)}, expected ${formatMs(a.expectedMs)}`)
    .join('; ')
}

export class AnomalyTickets {
  readonly #clock: Clock
  readonly #incidents: IncidentStore
  readonly #onEvent: (event: AlertEvent) => void
  /** Open anomaly incidents by check id. */
  readonly #open = new Map<string, string>()

  constructor(clock: Clock, incidents: IncidentStore, onEvent: (event: AlertEvent) => void) {
    this.#clock = clock
    this.#incidents = incidents
    this.#onEvent = onEvent
    for (const incident of incidents.openIncidents()) {
      if (incident.kind === 'anomaly') this.#open.set(incident.checkId, incident.incidentId)
    }
  }

  /**
   * Opens a ticket when enough regions are anomalous and none is open, and closes the
   * open one when none is. `anomalous` are the check's regions with an open anomaly, in
   * the check's region order.
   */
  update(spec: CheckSpec, anomalous: [string, OpenAnomaly][]): void {
    const at = this.#clock.now()
    const openId = this.#open.get(spec.id)
    if (openId !== undefined) {
      if (anomalous.length === 0) {
        this.#close(spec.id, openId, at, 'every region is back to what it expects')
      }
      return
    }
    const needed = regionsToAgree(spec)
    const group = agreeing(anomalous, AGREE_RUNS * parseDuration(spec.every))
    if (group.length < needed) return
    const regions = group.map(([region]) => region)
    const summary = anomalySummary(group)
    const incidentId = this.#incidents.open({
      kind: 'anomaly',
      checkId: spec.id,
      at,
      regions,
      firstError: null,
    })
    this.#incidents.addEvent(incidentId, at, 'note', { message: `slower than usual: ${summary}` })
    this.#open.set(spec.id, incidentId)
    this.#onEvent({
      type: 'anomaly',
      // Slower, not down: receivers that sort by severity file it with degraded checks.
      severity: 'degraded',
      incidentId,
      checkId: spec.id,
      checkName: spec.name ?? spec.id,
      tags: spec.tags,
      at,
      regions,
      quorum: needed,
      firstError: null,
      summary,
    })
  }

  /** Closes the check's ticket, if open, with `reason` on its timeline (removed, turned off). */
  retire(checkId: string, reason: string): void {
    const openId = this.#open.get(checkId)
    if (openId !== undefined) this.#close(checkId, openId, this.#clock.now(), reason)
  }

  /** Check ids with an open ticket. */
  openChecks(): string[] {
    return [...this.#open.keys()]
  }

  #close(checkId: string, incidentId: string, at: number, reason: string): void {
    this.#incidents.resolve(incidentId, at)
    this.#incidents.addEvent(incidentId, at, 'note', { message: `closed: ${reason}` })
    this.#open.delete(checkId)
  }
}
