/**
 * The alerts of one SLO objective as incidents (kind `slo`) and events (subject `slo`):
 * opening, noting which window pair holds an alert open when that changes, resolving,
 * and restoring what was open after a restart. Its ids say what each incident is:
 * `slo:<name>/<target>%/<window>/<alert>`.
 */
import type { AlertEvent, SloAlertDetail, SloAlertKind } from '../../checks/alert-event.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'

/** An open SLO alert. */
export interface OpenSloAlert {
  incidentId: string
  since: number
  /** The pair that fired it (pages and tickets). */
  firedBy: string | null
  /** The pair holding it open now; null when it is held by nothing (about to resolve). */
  heldBy: string | null
}

/** The key of an objective: `checkout/99.9%/30d`. */
export function objectiveKey(name: string, target: number, window: string): string {
  return `${name}/${target}%/${window}`
}

/** The incident check id of one alert of an objective. */
export function alertId(key: string, alert: SloAlertKind): string {
  return `slo:${key}/${alert}`
}

/** Splits an SLO incident's check id into its objective key and alert, or null. */
export function parseAlertId(checkId: string): { key: string; alert: SloAlertKind } | null {
  const match = /^slo:(.+)\/(page|ticket|budget|missing|threshold)$/.exec(checkId)
  return match ? { key: match[1]!, alert: match[2] as SloAlertKind } : null
}

/** What an event needs besides its kind: the objective's figures now. */
export interface SloEventFacts extends Omit<SloAlertDetail, 'alert'> {
  tags: string[]
  summary: string
}

const SEVERITY: Record<SloAlertKind, 'page' | 'ticket'> = {
  page: 'page',
  ticket: 'ticket',
  budget: 'ticket',
  missing: 'ticket',
  threshold: 'ticket',
}

/**
 * @example
 * const alerts = new SloAlertBook(incidents, (event) => dispatch.handle(event))
 * alerts.fire(key, 'page', at, facts)
 */
export class SloAlertBook {
  readonly #open = new Map<string, OpenSloAlert>()

  constructor(
    readonly incidents: IncidentStore,
    readonly onEvent: (event: AlertEvent) => void,
  ) {
    for (const incident of incidents.openIncidents()) {
      if (incident.kind !== 'slo' || !parseAlertId(incident.checkId)) continue
      const fired = incidents.get(incident.incidentId)?.timeline.find((e) => e.type === 'fired')
      const pair = typeof fired?.detail.pair === 'string' ? fired.detail.pair : null
      this.#open.set(incident.checkId, {
        incidentId: incident.incidentId,
        since: incident.startedAt,
        firedBy: pair,
        heldBy: pair,
      })
    }
  }

  get(key: string, alert: SloAlertKind): OpenSloAlert | null {
    return this.#open.get(alertId(key, alert)) ?? null
  }

  /** Every open alert of the objectives that are not in `keep`: closed quietly on a deploy. */
  retire(keep: Set<string>, at: number): void {
    for (const [id, open] of this.#open) {
      const parsed = parseAlertId(id)
      if (parsed && keep.has(parsed.key)) continue
      this.incidents.resolve(open.incidentId, at, 'SLO removed')
      this.incidents.addEvent(open.incidentId, at, 'note', {
        message: 'SLO or objective removed by a deploy',
      })
      this.#open.delete(id)
    }
  }

  /** Opens an alert and sends it; a threshold notice is closed at once. */
  fire(key: string, alert: SloAlertKind, at: number, facts: SloEventFacts): void {
    const checkId = alertId(key, alert)
    const incidentId = this.incidents.open({
      kind: 'slo',
      checkId,
      at,
      regions: [],
      firstError: null,
    })
    const detail = this.#detail(alert, facts)
    this.incidents.addEvent(incidentId, at, 'fired', { ...detail, summary: facts.summary })
    if (alert === 'threshold') this.incidents.resolve(incidentId, at)
    else
      this.#open.set(checkId, {
        incidentId,
        since: at,
        firedBy: facts.pair ?? null,
        heldBy: facts.pair ?? null,
      })
    this.onEvent(this.#event('fired', incidentId, checkId, at, detail, facts))
  }

  /** Notes that another pair (or none) holds the alert open now. */
  hold(key: string, alert: SloAlertKind, pair: string | null, at: number): void {
    const open = this.#open.get(alertId(key, alert))
    if (!open || open.heldBy === pair || pair === null) return
    this.incidents.addEvent(open.incidentId, at, 'note', {
      message: `held open by ${pair}${open.heldBy ? ` (was ${open.heldBy})` : ''}`,
      heldBy: pair,
    })
    open.heldBy = pair
  }

  /** Resolves an open alert, saying which pair held it open last. */
  resolve(key: string, alert: SloAlertKind, at: number, facts: SloEventFacts): void {
    const checkId = alertId(key, alert)
    const open = this.#open.get(checkId)
    if (!open) return
    this.#open.delete(checkId)
    const heldOpenBy = open.heldBy && open.heldBy !== open.firedBy ? open.heldBy : undefined
    const detail = {
      ...this.#detail(alert, { ...facts, pair: open.firedBy ?? undefined }),
      ...(heldOpenBy ? { heldOpenBy } : {}),
    }
    this.incidents.resolve(open.incidentId, at)
    this.incidents.addEvent(open.incidentId, at, 'resolved', { ...detail })
    this.onEvent({
      ...this.#event('resolved', open.incidentId, checkId, at, detail, facts),
      durationMs: at - open.since,
    })
  }

  #detail(alert: SloAlertKind, facts: SloEventFacts): SloAlertDetail {
    const { tags: _tags, summary: _summary, ...rest } = facts
    return { ...rest, alert }
  }

  #event(
    type: 'fired' | 'resolved',
    incidentId: string,
    checkId: string,
    at: number,
    slo: SloAlertDetail,
    facts: SloEventFacts,
  ): AlertEvent {
    return {
      type,
      subject: 'slo',
      severity: SEVERITY[slo.alert],
      incidentId,
      checkId,
      checkName: facts.name,
      at,
      regions: [],
      quorum: 0,
      firstError: null,
      tags: facts.tags,
      summary: facts.summary,
      slo,
    }
  }
}
