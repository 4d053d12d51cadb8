/**
 * A check's flapping episodes for the alert engine: the check flaps while a quorum of its
 * series flap (flap-detector.ts). Each episode is a `flapping` incident announced by one
 * `flapping-started` and one `flapping-stopped`, nothing in between.
 */
import type { Clock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { eventBase, orderedSeries, type CheckTrack, type FlappingEpisode } from './check-track.ts'
import { closeQuietly } from './close-quietly.ts'
import { FLAP_HISTORY } from './flap-detector.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import type { Tally } from './series-track.ts'

/** An episode that started or ended, to announce once the check's status is settled. */
export interface FlapTransition {
  type: 'flapping-started' | 'flapping-stopped'
  episode: FlappingEpisode
}

export class FlappingEpisodes {
  readonly #clock: Clock
  readonly #incidents: IncidentStore

  constructor(clock: Clock, incidents: IncidentStore) {
    this.#clock = clock
    this.#incidents = incidents
  }

  /**
   * Starts or ends the check's flapping episode; returns the transition to announce. A
   * restored episode (the histories died with the previous process) goes on until the
   * check flaps again by fresh histories, or is closed quietly once a quorum of series
   * has a full history without flapping.
   */
  judge(track: CheckTrack, t: Tally, quorum: number): FlapTransition | null {
    const flapping = t.flapping.length >= quorum
    const episode = track.flapping
    const at = this.#clock.now()
    const detail = { flapping, percentStateChange: t.percentStateChange, regions: t.flapping }
    if (episode?.restored) {
      if (flapping) episode.restored = false
      else if (t.settled >= quorum) {
        this.#incidents.addEvent(episode.id, at, 'flapping', detail)
        const message = `no longer flapping after ${FLAP_HISTORY} results since the hub restarted; closed without notification`
        closeQuietly(this.#incidents, episode.id, at, message)
        track.flapping = null
      }
      return null
    }
    if (flapping && !episode) {
      const id = this.#incidents.open({
        kind: 'flapping',
        checkId: track.spec.id,
        at,
        regions: t.flapping,
        firstError: null,
      })
      this.#incidents.addEvent(id, at, 'flapping', detail)
      track.flapping = { id, startedAt: at, regions: t.flapping, restored: false }
      return { type: 'flapping-started', episode: track.flapping }
    }
    if (!flapping && episode) {
      this.#incidents.resolve(episode.id, at)
      this.#incidents.addEvent(episode.id, at, 'flapping', detail)
      track.flapping = null
      return { type: 'flapping-stopped', episode }
    }
    return null
  }

  /** The event for a transition; a stopped episode says what the check is now. */
  event(
    track: CheckTrack,
    { type, episode }: FlapTransition,
    t: Tally,
    quorum: number,
  ): AlertEvent {
    const at = this.#clock.now()
    const stopped = type === 'flapping-stopped'
    return {
      ...eventBase(track),
      type,
      incidentId: episode.id,
      at,
      regions: stopped ? episode.regions : orderedSeries(track, t.flapping),
      quorum,
      firstError: null,
      ...(stopped ? { durationMs: at - episode.startedAt, summary: `now ${track.status}` } : {}),
    }
  }
}
