/**
 * Tickets: notifications that never page (today, a check's latency anomaly). A ticket
 * goes once to the channels of the routes marked `tickets: true` that match the check,
 * unless a silence covers the check; nothing reminds, escalates or resolves it. With no
 * ticket route it is recorded on its incident and shown, not sent.
 */
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { MonitoringConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import { checkRef, type CheckRef } from './dispatch-holds.ts'
import { ticketChannels } from './routing.ts'

export interface TicketSources {
  clock: Clock
  incidents: IncidentStore
  config: () => MonitoringConfig
}

/** Sends a ticket, or notes on its incident why it was not sent. */
export function sendTicket(
  event: AlertEvent,
  sources: TicketSources,
  silence: (check: CheckRef, at: number) => string | null,
  send: (event: AlertEvent, channels: string[]) => void,
): void {
  const now = sources.clock.now()
  const config = sources.config()
  const check = checkRef(
    event,
    config.checks.find((spec) => spec.id === event.checkId),
  )
  const silenced = silence(check, now)
  if (silenced !== null) {
    sources.incidents.addEvent(event.incidentId, now, 'suppressed', { reason: silenced })
    return
  }
  const channels = ticketChannels(check, config)
  if (channels.length === 0) {
    const message = 'no route takes tickets (tickets: true); shown on the status page only'
    sources.incidents.addEvent(event.incidentId, now, 'note', { message })
    return
  }
  send(event, channels)
}
