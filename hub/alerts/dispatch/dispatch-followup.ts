/**
 * The follow-up of an open, unacknowledged incident whose fired alert went out:
 * reminders every `remindEvery` of a route, and its escalation levels once their
 * `after` passed since the alert was sent. Both count from the times recorded in the
 * incident's DispatchRecord, so a restarted hub neither repeats nor skips one.
 */
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { DispatchRecord } from './dispatch-state.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import type { ResolvedRoute } from './routing.ts'

/** Where follow-ups go: the incident's timeline, and the channels (never grouped). */
export interface FollowUpSinks {
  incidents: Pick<IncidentStore, 'addEvent'>
  send: (event: AlertEvent, channels: string[]) => void
}

/**
 * Sends the reminders and escalation levels of `routes` that are due at `now`, and
 * notes them in `record`. True when the record changed and must be saved.
 */
export function sendDueFollowUps(
  record: DispatchRecord,
  routes: ResolvedRoute[],
  now: number,
  sinks: FollowUpSinks,
): boolean {
  let changed = false
  for (const route of routes) {
    changed = remind(record, route, now, sinks) || changed
    changed = escalate(record, route, now, sinks) || changed
  }
  return changed
}

/** A reminder of `route` once `remindEvery` passed since the alert or its last reminder. */
function remind(
  record: DispatchRecord,
  route: ResolvedRoute,
  now: number,
  sinks: FollowUpSinks,
): boolean {
  if (route.remindEveryMs === null || record.firedSentAt === null) return false
  const last = record.lastReminderAt[route.key] ?? record.firedSentAt
  if (now - last < route.remindEveryMs) return false
  record.lastReminderAt[route.key] = now
  sinks.incidents.addEvent(record.incidentId, now, 'reminder', {
    route: route.key,
    channels: route.channels,
  })
  sinks.send({ ...record.event, type: 'reminder', at: now }, route.channels)
  return true
}

/**
 * Every escalation level of `route` whose `after` passed since the alert went out and
 * that was not sent yet: after a long pause (a restart) several go at once, none skipped.
 */
function escalate(
  record: DispatchRecord,
  route: ResolvedRoute,
  now: number,
  sinks: FollowUpSinks,
): boolean {
  if (record.firedSentAt === null) return false
  let level = record.escalationLevel[route.key] ?? 0
  const before = level
  for (; level < route.escalate.length; level += 1) {
    const next = route.escalate[level]!
    if (now - record.firedSentAt < next.afterMs) break
    record.escalationLevel[route.key] = level + 1
    const newcomers = next.channels.filter(
      (channel) => !record.notified.some((n) => n.channel === channel),
    )
    // Escalation channels were paged, so they always hear the resolve (PagerDuty closes its incident).
    record.notified.push(
      ...newcomers.map((channel) => ({
        channel,
        route: `${route.key}.escalate[${level}]`,
        resolve: true,
      })),
    )
    sinks.incidents.addEvent(record.incidentId, now, 'escalation', {
      level: level + 1,
      route: route.key,
      channels: next.channels,
    })
    sinks.send({ ...record.event, type: 'escalated', at: now, level: level + 1 }, next.channels)
  }
  return level !== before
}
