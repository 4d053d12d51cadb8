/**
 * SLO alerts (subject `slo`, hub/slo/): a page goes to the channels that page for the
 * SLO's checks (their `notify` and the routes that match them, as a check's DOWN alert
 * would), a ticket only to the routes marked `tickets: true` that match one of its
 * checks. A page's resolve goes where the page went; a ticket is not followed up, as
 * other tickets are not. With no channel to tell, the incident's timeline says so. The
 * SLO engine hands its alerts here directly: they need none of the dispatcher's holds.
 */
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckSpec } from '../../../checks/spec.ts'
import type { MonitoringConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import { newRecord, uniqueChannels } from './dispatch-record.ts'
import type { DispatchState } from './dispatch-state.ts'
import { channelsOf, monitoringChannels, routesFor, ticketChannels } from './routing.ts'

export interface SloDispatchOptions {
  state: DispatchState
  clock: Clock
  incidents: IncidentStore
  config: () => MonitoringConfig
  send: (event: AlertEvent, channels: string[]) => void
}

/** The deployed checks an SLO alert is about. */
function checksOf(event: AlertEvent, config: MonitoringConfig): CheckSpec[] {
  const definition = config.slos?.find((slo) => slo.name === event.slo?.name)
  const ids = new Set(definition?.checks ?? [])
  return config.checks.filter((check) => ids.has(check.id))
}

/** Where an SLO alert of this severity goes. */
export function sloChannels(event: AlertEvent, config: MonitoringConfig): string[] {
  const checks = checksOf(event, config)
  if (event.severity === 'ticket') {
    return [...new Set(checks.flatMap((check) => ticketChannels(check, config)))]
  }
  if (checks.length === 0) return monitoringChannels(config)
  return [...new Set(checks.flatMap((check) => channelsOf(routesFor(check, config))))]
}

export class SloDispatch {
  constructor(readonly options: SloDispatchOptions) {}

  handle(event: AlertEvent): void {
    const { state, clock, incidents, config } = this.options
    const now = clock.now()
    if (event.type === 'fired') {
      const channels = sloChannels(event, config())
      const record = newRecord(event)
      const page = event.severity !== 'ticket'
      record.notified = channels.map((channel) => ({
        channel,
        route: page ? 'slo' : 'slo-ticket',
        resolve: page,
      }))
      record.firedSentAt = now
      // Open records are followed for reminders; an SLO alert has none.
      record.closedAt = page ? null : now
      state.save(record)
      if (channels.length === 0) {
        const message = page
          ? 'no channel to page for this SLO'
          : 'no route takes tickets (tickets: true) for these checks; shown, not sent'
        incidents.addEvent(event.incidentId, now, 'note', { message })
        return
      }
      this.options.send(event, channels)
      return
    }
    if (event.type === 'resolved') {
      const record = state.get(event.incidentId)
      if (!record || record.closedAt !== null) return
      record.closedAt = now
      state.save(record)
      const channels = uniqueChannels(record.notified.filter((n) => n.resolve))
      if (channels.length > 0) this.options.send(event, channels)
    }
  }
}
