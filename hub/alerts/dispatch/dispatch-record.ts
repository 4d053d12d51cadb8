/**
 * Small pure facts about one incident's dispatch record: a new record, which alerts are
 * check alerts, which channels got it, and how the API describes it.
 */
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { Incident } from '../../incidents/incident-store.ts'
import { emptyHoldMemo, type DispatchRecord, type NotifiedChannel } from './dispatch-state.ts'

/** A check's fired alert, not a region, probe or channel alert. */
export function isCheckFired(event: AlertEvent): boolean {
  return event.type === 'fired' && (event.subject ?? 'check') === 'check'
}

/** The failing channel's name from a channel alert's checkId (`channel:<name>`). */
export function failingChannelOf(event: AlertEvent): string | undefined {
  return event.subject === 'channel' ? event.checkId.replace(/^channel:/, '') : undefined
}

/** The bookkeeping of an incident the dispatcher has just heard of: nothing sent yet. */
export function newRecord(event: AlertEvent): DispatchRecord {
  return {
    incidentId: event.incidentId,
    checkId: event.checkId,
    event,
    notified: [],
    firedSentAt: null,
    heldReason: null,
    lastReminderAt: {},
    escalationLevel: {},
    closedAt: null,
    holdMemo: emptyHoldMemo(),
  }
}

/** Each channel that got the fired alert, once. */
export function uniqueChannels(notified: NotifiedChannel[]): string[] {
  return [...new Set(notified.map((n) => n.channel))]
}

/** What the dispatcher did for an incident, as `GET /api/v1/incidents/:id` shows it. */
export function describeRecord(
  record: DispatchRecord,
  incident: Pick<Incident, 'ackedAt' | 'ackedBy'> | null,
): Record<string, unknown> {
  const levels = Object.values(record.escalationLevel)
  return {
    channels: uniqueChannels(record.notified),
    notified: record.notified,
    firedSentAt: record.firedSentAt,
    held: record.firedSentAt === null,
    heldReason: record.heldReason,
    acknowledged: incident ? incident.ackedAt !== null : null,
    ackedBy: incident?.ackedBy ?? null,
    escalationLevel: levels.length > 0 ? Math.max(...levels) : 0,
    escalationLevels: record.escalationLevel,
    lastReminderAt: record.lastReminderAt,
    closedAt: record.closedAt,
  }
}
