/**
 * Opens and closes a check's DOWN and DEGRADED incidents for the alert engine, and
 * builds the `fired` and `resolved` events that announce them. The engine decides when;
 * this part writes the incident, its timeline and the track's record of it.
 */
import { effectiveQuorum } from '../../../checks/spec.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { earliestFailure, eventBase, type Cause, type CheckTrack } from './check-track.ts'
import { closeQuietly } from './close-quietly.ts'
import type { ConfirmationMemory } from './confirmation-memory.ts'
import type { Incident, IncidentStore } from '../../incidents/incident-store.ts'

export type CheckIncidentKind = 'down' | 'degraded'

export class CheckIncidents {
  readonly #clock: Clock
  readonly #incidents: IncidentStore
  readonly #confirmations: ConfirmationMemory

  constructor(clock: Clock, incidents: IncidentStore, confirmations: ConfirmationMemory) {
    this.#clock = clock
    this.#incidents = incidents
    this.#confirmations = confirmations
  }

  /**
   * Opens the incident, with the confirmation rounds of this failure episode on its
   * timeline ahead of `fired`, and records it on the track.
   */
  fire(
    track: CheckTrack,
    kind: CheckIncidentKind,
    regions: string[],
    quorum: number,
    cause: Cause,
  ): AlertEvent {
    const at = this.#clock.now()
    const { spec } = track
    const failure = earliestFailure(track, regions)
    const firstError = failure?.error ?? null
    const failingSince = failure?.scheduledAt ?? null
    const id = this.#incidents.open({
      kind,
      checkId: spec.id,
      at,
      regions,
      firstError,
      failingSince,
    })
    for (const round of this.#confirmations.take(spec.id, at, failingSince)) {
      this.#incidents.addEvent(id, round.at, 'confirmation', round.detail)
    }
    const severity = { severity: kind }
    this.#incidents.addEvent(id, at, 'fired', {
      regions,
      quorum,
      firstError,
      ...(failingSince === null ? {} : { failingSince }),
      ...severity,
      ...cause,
    })
    track[kind] = { id, startedAt: at, firstError, regions: new Set(regions) }
    return {
      ...eventBase(track),
      ...severity,
      type: 'fired',
      incidentId: id,
      at,
      regions,
      quorum,
      firstError,
    }
  }

  /**
   * Closes the track's open incident of this kind; every series that failed during it is
   * listed. A `closedReason` says it ended without recovering (its check was removed).
   */
  resolve(
    track: CheckTrack,
    kind: CheckIncidentKind,
    quorum: number,
    cause: Cause,
    closedReason?: string,
  ): AlertEvent {
    const incident = track[kind]!
    const at = this.#clock.now()
    const durationMs = at - incident.startedAt
    this.#incidents.resolve(incident.id, at, closedReason ?? null)
    const closed = closedReason ? { closedReason } : {}
    this.#incidents.addEvent(incident.id, at, 'resolved', { durationMs, ...closed, ...cause })
    track[kind] = null
    return {
      ...closed,
      ...eventBase(track),
      severity: kind,
      type: 'resolved',
      incidentId: incident.id,
      at,
      regions: [...incident.regions],
      quorum,
      firstError: incident.firstError,
      durationMs,
    }
  }

  /**
   * Closes the incidents of a check that a deploy removed or disabled: DOWN and DEGRADED
   * with a resolve that says why, so receivers close theirs; a flapping episode quietly.
   */
  retire(track: CheckTrack, reason: 'check removed' | 'check disabled'): AlertEvent[] {
    const closed: AlertEvent[] = []
    const quorum = effectiveQuorum(track.spec)
    for (const kind of ['down', 'degraded'] as const) {
      if (track[kind]) closed.push(this.resolve(track, kind, quorum, { config: reason }, reason))
    }
    if (track.flapping) {
      const message = `${reason}; closed without notification`
      closeQuietly(this.#incidents, track.flapping.id, this.#clock.now(), message)
    }
    return closed
  }

  /**
   * Closes an incident restored after a restart whose check is no longer deployed: no
   * track claims it, but receivers that got its alert still need to hear it is closed.
   */
  closeUnclaimed(incident: Incident, closedReason: string): AlertEvent {
    const at = this.#clock.now()
    const durationMs = at - incident.startedAt
    this.#incidents.resolve(incident.incidentId, at, closedReason)
    this.#incidents.addEvent(incident.incidentId, at, 'resolved', { durationMs, closedReason })
    return {
      type: 'resolved',
      severity: incident.kind === 'degraded' ? 'degraded' : 'down',
      incidentId: incident.incidentId,
      checkId: incident.checkId,
      checkName: incident.checkId,
      at,
      regions: incident.regions,
      quorum: 0,
      firstError: incident.firstError,
      durationMs,
      closedReason,
    }
  }
}
