/**
 * Region connectivity incidents for the alert engine. region-loss.ts counts and says
 * when a region is lost or recovered; this part owns that counter, opens and closes the
 * `region` incident, and builds the one event per loss that replaces the per-check pages.
 * Re-judging the checks that run in the region stays with the engine.
 */
import { regionsOf, type CheckSpec } from '../../../checks/spec.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { OpenIncident } from './check-track.ts'
import { closeQuietly } from './close-quietly.ts'
import type { Incident, IncidentError, IncidentStore } from '../../incidents/incident-store.ts'
import {
  RegionLoss,
  type RegionCount,
  type RegionLossChange,
  type RegionLossThresholds,
} from './region-loss.ts'

/** A region's connectivity as the API shows it. */
export interface RegionState extends RegionCount {
  /** The open region incident while lost. */
  incidentId: string | null
}

/**
 * @example
 * const regions = new RegionAlerts(clock, incidents)
 * const changes = regions.record('api', 'eu-west', 'down', error, alerting.regionLoss)
 * for (const change of changes) { const event = regions.announce(change); if (event) onEvent(event) }
 */
export class RegionAlerts {
  readonly #clock: Clock
  readonly #incidents: IncidentStore
  readonly #regionLoss = new RegionLoss()
  readonly #regionIncidents = new Map<string, OpenIncident>()

  constructor(clock: Clock, incidents: IncidentStore) {
    this.#clock = clock
    this.#incidents = incidents
  }

  /** Keeps a region lost, with its incident, as the previous hub process left it. */
  restore(incident: Incident): void {
    const region = incident.checkId.slice('region:'.length)
    this.#regionLoss.restoreLost(region)
    this.#regionIncidents.set(region, {
      id: incident.incidentId,
      startedAt: incident.startedAt,
      firstError: incident.firstError,
      regions: new Set(incident.regions),
    })
  }

  /** Applies the deployed checks; returns the regions lost or recovered by the new counts. */
  setChecks(specs: CheckSpec[], thresholds: RegionLossThresholds): RegionLossChange[] {
    const checks = specs
      .filter(takesPartInRegionLoss)
      .map((spec) => ({ id: spec.id, regions: regionsOf(spec) ?? [] }))
    return this.#regionLoss.setChecks(checks, thresholds)
  }

  /** Counts one conclusive result; returns the regions lost or recovered by it. */
  record(
    checkId: string,
    region: string,
    status: 'up' | 'degraded' | 'down',
    error: IncidentError | null,
    thresholds: RegionLossThresholds,
  ): RegionLossChange[] {
    return this.#regionLoss.record(checkId, region, status, error, thresholds)
  }

  /** True while the region is set aside: left out of every region check's counts. */
  isLost(region: string): boolean {
    return this.#regionLoss.isLost(region)
  }

  /** Opens or closes the region incident a change calls for; returns the event to send, if any. */
  announce(change: RegionLossChange): AlertEvent | null {
    if (change.alert === 'fired') return this.#lost(change)
    if (change.alert === 'resolved') return this.#recovered(change)
    return null
  }

  /** Every region that region checks run in (or that is still lost), by name. */
  states(): RegionState[] {
    return this.#regionLoss.regions().map((region) => ({
      ...region,
      incidentId: this.#regionIncidents.get(region.region)?.id ?? null,
    }))
  }

  #lost(change: RegionLossChange): AlertEvent {
    const { region, failing, checks, firstError } = change
    const at = this.#clock.now()
    const checkId = `region:${region}`
    const summary = `${failing} of ${checks} checks fail in ${region} and pass elsewhere`
    const id = this.#incidents.open({ kind: 'region', checkId, at, regions: [region], firstError })
    this.#incidents.addEvent(id, at, 'fired', {
      regions: [region],
      failing,
      checks,
      summary,
      firstError,
    })
    this.#regionIncidents.set(region, { id, startedAt: at, firstError, regions: new Set([region]) })
    return {
      type: 'fired',
      subject: 'region',
      incidentId: id,
      checkId,
      checkName: `Region ${region} connectivity`,
      at,
      regions: [region],
      quorum: 0,
      firstError,
      summary,
    }
  }

  #recovered({ region, failing, checks }: RegionLossChange): AlertEvent | null {
    const incident = this.#regionIncidents.get(region)
    if (!incident) return null
    this.#regionIncidents.delete(region)
    const at = this.#clock.now()
    if (checks === 0) {
      const message = 'no deployed check runs in this region any more; closed without notification'
      closeQuietly(this.#incidents, incident.id, at, message)
      return null
    }
    const durationMs = at - incident.startedAt
    const summary = `${failing} of ${checks} checks fail in ${region} and pass elsewhere`
    this.#incidents.resolve(incident.id, at)
    this.#incidents.addEvent(incident.id, at, 'resolved', { durationMs, failing, checks, summary })
    return {
      type: 'resolved',
      subject: 'region',
      incidentId: incident.id,
      checkId: `region:${region}`,
      checkName: `Region ${region} connectivity`,
      at,
      regions: [region],
      quorum: 0,
      firstError: incident.firstError,
      durationMs,
      summary,
    }
  }
}

/** Region checks that run from two or more regions: the ones a region loss is judged on. */
function takesPartInRegionLoss(spec: CheckSpec): boolean {
  return spec.kind !== 'heartbeat' && (regionsOf(spec)?.length ?? 0) >= 2
}
