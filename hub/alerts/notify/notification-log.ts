/**
 * Every notification attempt, written to the hub's log and to the incident's timeline,
 * so that a post-incident review sees who was told, when, and what each receiver answered.
 */
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'

/**
 * How one attempt ended. 'abandoned' means this hub process stopped working on it; the
 * row stays queued for the next start.
 */
export type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'abandoned'

/** A channel as the log and timeline name it. */
export interface ChannelRef {
  name: string
  type: string
}

export class NotificationLog {
  constructor(
    private readonly incidents: IncidentStore,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  record(
    event: AlertEvent,
    channel: ChannelRef,
    attempt: number,
    outcome: AttemptOutcome,
    extra: Record<string, unknown> = {},
  ): void {
    const detail = {
      channel: channel.name,
      channelType: channel.type,
      alert: event.type,
      attempt,
      outcome,
      ...extra,
    }
    const level = outcome === 'delivered' ? 'info' : outcome === 'retrying' ? 'warn' : 'error'
    this.logger[level](
      { incidentId: event.incidentId, checkId: event.checkId, ...detail },
      'notification',
    )
    try {
      this.incidents.addEvent(event.incidentId, this.clock.now(), 'notification', detail)
    } catch (err) {
      // The timeline is a record, not the delivery: losing one entry must not stop the rest.
      this.logger.error({ err, incidentId: event.incidentId }, 'could not record notification')
    }
  }

  /** Records one attempt for every alert a message carried; a group's entries name its size. */
  recordAll(
    events: AlertEvent[],
    channel: ChannelRef,
    attempt: number,
    outcome: AttemptOutcome,
    extra: Record<string, unknown> = {},
  ): void {
    const group = events.length > 1 ? { groupSize: events.length } : {}
    for (const event of events)
      this.record(event, channel, attempt, outcome, { ...extra, ...group })
  }
}
