/**
 * Picking up after a hub restart. The engine keeps its state in memory, but incidents
 * live in SQLite: the ones the previous process left open say which checks were DOWN,
 * DEGRADED or flapping and which regions were lost. They become that state again, so
 * an outage in progress is neither paged a second time nor forgotten.
 */
import type { Clock } from '../../../lib/clock.ts'
import { newHostSeries, type CheckTrack, type OpenIncident } from './check-track.ts'
import { closeQuietly } from './close-quietly.ts'
import type { Incident, IncidentStore } from '../../incidents/incident-store.ts'

/** Incidents left open by the previous hub process, by kind and check, until setChecks claims them. */
export interface RestoredIncidents {
  down: Map<string, Incident>
  degraded: Map<string, Incident>
  flapping: Map<string, Incident>
}

/**
 * Sorts the incidents left open: region incidents, and check incidents by kind and
 * check. Probe and channel incidents belong to the dispatcher and are left out.
 */
export function sortOpenIncidents(open: Incident[]): {
  regions: Incident[]
  checks: RestoredIncidents
} {
  const regions: Incident[] = []
  const checks: RestoredIncidents = { down: new Map(), degraded: new Map(), flapping: new Map() }
  for (const incident of open) {
    if (incident.kind === 'region') regions.push(incident)
    else if (incident.kind in checks) {
      checks[incident.kind as keyof RestoredIncidents].set(incident.checkId, incident)
    }
  }
  return { regions, checks }
}

/**
 * Gives a check's new track the incidents the check had open: its status, its DOWN or
 * DEGRADED incident and its flapping episode. A check that had both a DOWN and a
 * DEGRADED incident keeps the DOWN one; the other is closed quietly.
 */
export function restoreTrack(
  track: CheckTrack,
  restored: RestoredIncidents,
  incidents: IncidentStore,
  clock: Clock,
): void {
  const { spec } = track
  const down = restored.down.get(spec.id)
  const degraded = restored.degraded.get(spec.id)
  // The incident's series fail (or are degraded) again as if failAfter results had
  // just been seen, so recovery still takes recoverAfter results in each of them.
  if (down) track.down = restoreIncident(track, down, 'failing')
  else if (degraded) track.degraded = restoreIncident(track, degraded, 'degraded')
  if (down && degraded) {
    const message = 'the check was DOWN at restart; its DOWN incident carries on'
    closeQuietly(incidents, degraded.incidentId, clock.now(), message)
  }
  const opened = track.down ?? track.degraded
  if (opened) {
    track.status = track.down ? 'down' : 'degraded'
    track.since = opened.startedAt
  }
  const flapping = restored.flapping.get(spec.id)
  if (flapping) {
    track.flapping = {
      id: flapping.incidentId,
      startedAt: flapping.startedAt,
      regions: flapping.regions,
      restored: true,
    }
  }
}

/** Restored incidents whose check is not deployed: nothing will ever claim them. */
export function unclaimedIncidents(
  restored: RestoredIncidents,
  isDeployed: (checkId: string) => boolean,
): Incident[] {
  return Object.values(restored).flatMap((kind: Map<string, Incident>) =>
    [...kind.values()].filter((incident) => !isDeployed(incident.checkId)),
  )
}

function restoreIncident(
  track: CheckTrack,
  incident: Incident,
  verdict: 'failing' | 'degraded',
): OpenIncident {
  const { failAfter } = track.spec.alert
  for (const name of incident.regions) {
    const series = track.series.get(name) ?? newHostSeries(track, name)
    if (!series) continue
    series.verdict = verdict
    series.nonUpStreak = failAfter
    if (verdict === 'failing') series.downStreak = failAfter
  }
  return {
    id: incident.incidentId,
    startedAt: incident.startedAt,
    firstError: incident.firstError,
    regions: new Set(incident.regions),
  }
}
