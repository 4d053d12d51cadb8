import type { IncidentStore } from '../../incidents/incident-store.ts'

/**
 * Closes an incident with a timeline note and no notification: for a check that was
 * removed or disabled, a region no check runs in any more, or an episode restored after
 * a restart that ended unseen. Nobody should be told "back up" about something that is
 * gone; the note says on the timeline why the incident ended.
 */
export function closeQuietly(
  incidents: IncidentStore,
  incidentId: string,
  at: number,
  message: string,
): void {
  incidents.resolve(incidentId, at)
  incidents.addEvent(incidentId, at, 'note', { message })
}
