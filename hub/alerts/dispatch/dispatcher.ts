/**
 * The policy between the alert engine and the notifier: which channels hear about an
 * alert (routing.ts), whether they hear it now (silences, maintenance, dependencies,
 * flapping: dispatch-holds.ts), and what follows while nobody reacts (reminders,
 * escalation: dispatch-followup.ts) or once somebody does (acknowledgements).
 *
 * A fired alert that is held back is not forgotten: tick() re-judges it every second,
 * and once nothing holds it and the incident is still open and unacknowledged, it goes
 * out. So a dependent check that is really down still pages after its dependency
 * recovers, and an outage that outlasts its silence pages when the silence ends. An
 * incident that resolves while held sends nothing: nobody needs to hear "back up"
 * about an alert they never got.
 *
 * Everything the dispatcher decides is written to dispatch-state before it returns,
 * so a restarted hub never sends a fired alert twice and keeps counting reminders and
 * escalations from the times they really happened.
 */
import type { MonitoringConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import type { Database } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckAlertState } from '../alert-state.ts'
import { sendDueFollowUps, type FollowUpSinks } from './dispatch-followup.ts'
import { checkRef, heldAlertOf, holdReason, outageEndedBetween } from './dispatch-holds.ts'
import type { CheckRef, HoldSources } from './dispatch-holds.ts'
import { regionVerdictMs } from './region-verdict.ts'
import {
  describeRecord,
  failingChannelOf,
  isCheckFired,
  newRecord,
  uniqueChannels,
} from './dispatch-record.ts'
import { DispatchState, type DispatchRecord } from './dispatch-state.ts'
import { sendTicket } from './dispatch-tickets.ts'
import type { Incident, IncidentStore } from '../../incidents/incident-store.ts'
import { channelsOf, groupKeyFor, monitoringChannels, routesFor } from './routing.ts'

export interface DispatchSend {
  /** Queue `event` for these channel names; groupKey null = never grouped. Never throws. */
  (event: AlertEvent, channels: string[], options: { groupKey: string | null }): void
}

/** Why a check's notifications are held back right now. */
export interface Suppression {
  reason: string
}

export interface DispatcherOptions {
  /** The hub database (hub/store/database.ts); dispatch bookkeeping lives in it. */
  db: Database
  clock: Clock
  logger: Logger
  incidents: IncidentStore
  /** The running config, read on every use so that deploys take effect. */
  config: () => MonitoringConfig
  /** The engine's state(): for flapping and for the status of dependencies. */
  checkState: (checkId: string) => CheckAlertState
  send: DispatchSend
  /** An active silence or maintenance window for this check at `at`, if any. */
  suppression?: (check: { id: string; tags: string[] }, at: number) => Suppression | null
  /** Asks a check's regions to run it now: a dependency that was not measured since its dependent fired. */
  confirm?: (checkId: string) => void
}

/**
 * What an ack came to: the incident, or why not with the HTTP status that
 * `POST /api/v1/incidents/:id/ack` answers (404 unknown, 409 already acked or resolved).
 */
export type AcknowledgeOutcome =
  { ok: true; incident: Incident } | { ok: false; status: 404 | 409; error: string }

/** The route key that bookkeeping gives channels of region, probe and channel alerts. */
const MONITORING_ROUTE = 'monitoring'

/**
 * Routes alert events to channels and follows each incident until it resolves.
 *
 * @example
 * const dispatcher = new AlertDispatcher({
 *   db, clock, logger, incidents, config: () => live.config(),
 *   checkState: (id) => engine.state(id), send: notifier.send,
 *   suppression: (check, at) => silences.suppression(check, at),
 * })
 * const engine = new AlertEngine({ clock, incidents, onEvent: (e) => dispatcher.handle(e) })
 * setInterval(() => dispatcher.tick(), 1_000)
 */
export class AlertDispatcher {
  readonly #options: DispatcherOptions
  readonly #state: DispatchState
  /** Records of incidents still open, so that tick() costs nothing when none is. */
  readonly #open = new Map<string, DispatchRecord>()
  readonly #holds: HoldSources
  readonly #followUp: FollowUpSinks

  constructor(options: DispatcherOptions) {
    this.#options = options
    this.#state = new DispatchState(options.db)
    this.#holds = {
      silence: (check, at) => this.#silence(check, at),
      checkState: (checkId) => options.checkState(checkId),
      spec: (checkId) => options.config().checks.find((spec) => spec.id === checkId),
      confirm: (checkId) => options.confirm?.(checkId),
      regionVerdictMs: (region) => regionVerdictMs(options.config(), region),
      outageEndedBetween: (...args) => outageEndedBetween(options.incidents, ...args),
    }
    this.#followUp = {
      incidents: options.incidents,
      send: (event, channels) => this.#send(event, channels, null),
    }
    const open = new Set(options.incidents.openIncidents().map((i) => i.incidentId))
    const now = options.clock.now()
    for (const record of this.#state.openRecords()) {
      if (open.has(record.incidentId)) this.#open.set(record.incidentId, record)
      else this.#close(record, now)
    }
  }

  /** Takes one event from the engine, probe alerts or channel alerts. Never throws. */
  handle(event: AlertEvent): void {
    try {
      switch (event.type) {
        case 'fired':
          return this.#fired(event)
        case 'resolved':
          return this.#resolved(event)
        case 'flapping-started':
          return this.#flappingStarted(event)
        case 'flapping-stopped':
          return this.#flappingStopped(event)
        case 'anomaly':
          return sendTicket(
            event,
            this.#options,
            (check, at) => this.#silence(check, at),
            (ticket, channels) => this.#send(ticket, channels, null),
          )
        default:
          this.#options.logger.warn(
            { incidentId: event.incidentId, type: event.type },
            'the dispatcher makes this event type itself; ignored',
          )
      }
    } catch (err) {
      // It runs inside ingest: one broken alert must not stop results being stored.
      this.#options.logger.error(
        { err, incidentId: event.incidentId, type: event.type },
        'could not dispatch alert',
      )
    }
  }

  /**
   * Acknowledges an open incident: reminders and escalation stop, a held alert is never
   * sent, and every channel that got the fired alert hears who took it (PagerDuty and
   * Opsgenie acknowledge their own incident).
   */
  acknowledge(incidentId: string, by: string, comment?: string): AcknowledgeOutcome {
    const { incidents, clock } = this.#options
    const found = incidents.get(incidentId)
    if (!found) return { ok: false, status: 404, error: `no incident with id "${incidentId}"` }
    const { timeline: _timeline, ...incident } = found
    if (incident.endedAt !== null) {
      return { ok: false, status: 409, error: `incident ${incidentId} is already resolved` }
    }
    const at = clock.now()
    if (incident.ackedAt !== null || !incidents.acknowledge(incidentId, at, by)) {
      const who = incident.ackedBy ?? 'somebody else'
      return {
        ok: false,
        status: 409,
        error: `incident ${incidentId} was already acknowledged by ${who}`,
      }
    }
    incidents.addEvent(incidentId, at, 'ack', { by, ...(comment ? { comment } : {}) })
    const record = this.#record(incidentId)
    if (record && record.firedSentAt !== null) {
      const event: AlertEvent = {
        ...record.event,
        type: 'acknowledged',
        at,
        ackedBy: by,
        ...(comment ? { comment } : {}),
      }
      this.#send(event, uniqueChannels(record.notified), null)
    }
    return { ok: true, incident: { ...incident, ackedAt: at, ackedBy: by } }
  }

  /**
   * Releases held alerts whose reason passed, sends due reminders and escalation levels,
   * and stops following incidents that ended without a resolve (a removed check). The
   * hub calls it every second. Never throws.
   */
  tick(): void {
    if (this.#open.size === 0) return
    const now = this.#options.clock.now()
    try {
      const config = this.#options.config()
      const open = new Map(this.#options.incidents.openIncidents().map((i) => [i.incidentId, i]))
      const specs = new Map(config.checks.map((spec) => [spec.id, spec]))
      for (const record of [...this.#open.values()]) {
        try {
          const incident = open.get(record.incidentId)
          if (!incident) this.#close(record, now)
          else if (incident.ackedAt === null && isCheckFired(record.event)) {
            this.#follow(record, checkRef(record.event, specs.get(record.checkId)), config, now)
          }
        } catch (err) {
          this.#options.logger.error(
            { err, incidentId: record.incidentId },
            'could not follow up on incident',
          )
        }
      }
    } catch (err) {
      this.#options.logger.error({ err }, 'dispatcher tick failed')
    }
  }

  /** What the dispatcher did for an incident, for the API; null when it never saw it. */
  describe(incidentId: string): Record<string, unknown> | null {
    const record = this.#record(incidentId)
    if (!record) return null
    const incident = this.#options.incidents.get(incidentId)
    return describeRecord(record, incident)
  }

  #fired(event: AlertEvent): void {
    if (this.#record(event.incidentId)) {
      this.#options.logger.warn({ incidentId: event.incidentId }, 'fired twice; sent once')
      return
    }
    const now = this.#options.clock.now()
    const record = newRecord(event)
    const config = this.#options.config()
    if (!isCheckFired(event)) return this.#fireMonitoringAlert(record, config, now)
    const check = this.#checkRef(event, config)
    const reason = holdReason(check, now, heldAlertOf(record, this.#options.incidents), this.#holds)
    if (reason !== null) return this.#hold(record, now, reason)
    this.#sendFired(record, check, config, now)
  }

  /** Region, probe and channel alerts: no routes, dependencies or flapping; a failing channel is left out. */
  #fireMonitoringAlert(record: DispatchRecord, config: MonitoringConfig, now: number): void {
    const failing = failingChannelOf(record.event)
    const channels = monitoringChannels(config, failing)
    if (channels.length === 0) {
      const reason = `no channel left to tell (only "${failing ?? ''}", the failing one)`
      this.#options.logger.error({ incidentId: record.incidentId, failing }, reason)
      return this.#hold(record, now, reason)
    }
    record.notified = channels.map((channel) => ({
      channel,
      route: MONITORING_ROUTE,
      resolve: true,
    }))
    record.firedSentAt = now
    this.#keep(record)
    this.#send(record.event, channels, null)
  }

  #sendFired(record: DispatchRecord, check: CheckRef, config: MonitoringConfig, now: number): void {
    const routes = routesFor(check, config)
    const channels = channelsOf(routes)
    record.notified = channels.map((channel) => ({
      channel,
      route: routes.find((route) => route.channels.includes(channel))?.key ?? 'default',
      resolve: routes.some((route) => route.notifyOnResolve && route.channels.includes(channel)),
    }))
    record.firedSentAt = now
    record.heldReason = null
    this.#keep(record)
    this.#send(record.event, channels, groupKeyFor('fired', check.tags, config))
  }

  #resolved(event: AlertEvent): void {
    const record = this.#record(event.incidentId)
    if (!record) return
    this.#close(record, this.#options.clock.now())
    // A held alert nobody heard needs no "back up".
    if (record.firedSentAt === null) return
    // A closed (removed) check tells every channel that got the alert, whatever the routes
    // say about resolves: a receiver that keeps incidents must not keep this one open.
    const told = event.closedReason ? record.notified : record.notified.filter((n) => n.resolve)
    const channels = uniqueChannels(told)
    if (!isCheckFired(record.event)) return this.#send(event, channels, null)
    const config = this.#options.config()
    const check = this.#checkRef(event, config)
    this.#send(event, channels, groupKeyFor('resolved', check.tags, config))
  }

  #flappingStarted(event: AlertEvent): void {
    const now = this.#options.clock.now()
    const config = this.#options.config()
    const check = this.#checkRef(event, config)
    const record = newRecord(event)
    const silenced = this.#silence(check, now)
    if (silenced) return this.#hold(record, now, silenced)
    const routes = routesFor(check, config)
    const channels = channelsOf(routes)
    record.notified = channels.map((channel) => ({ channel, route: 'flapping', resolve: true }))
    record.firedSentAt = now
    this.#keep(record)
    this.#send(event, channels, null)
  }

  #flappingStopped(event: AlertEvent): void {
    const now = this.#options.clock.now()
    const record = this.#record(event.incidentId)
    if (record) this.#close(record, now)
    const config = this.#options.config()
    const check = this.#checkRef(event, config)
    const silenced = this.#silence(check, now)
    if (silenced) return this.#suppressed(event.incidentId, now, silenced)
    this.#send(event, channelsOf(routesFor(check, config)), null)
  }

  /** One open, unacknowledged check alert: release it if held, else remind and escalate. */
  #follow(record: DispatchRecord, check: CheckRef, config: MonitoringConfig, now: number): void {
    if (record.firedSentAt === null) {
      const memo = JSON.stringify(record.holdMemo)
      const reason = holdReason(
        check,
        now,
        heldAlertOf(record, this.#options.incidents),
        this.#holds,
      )
      if (reason === null) {
        this.#options.incidents.addEvent(record.incidentId, now, 'note', {
          message: `released: ${record.heldReason ?? 'held'} no longer applies`,
        })
        // The alert says when it was sent; the incident keeps when the outage was confirmed.
        record.event = { ...record.event, at: now }
        this.#sendFired(record, check, config, now)
      } else if (reason !== record.heldReason) {
        this.#hold(record, now, reason)
      } else if (JSON.stringify(record.holdMemo) !== memo) {
        this.#keep(record)
      }
      return
    }
    // Reminders wait out a silence; they go when it ends if the incident is still open.
    if (this.#silence(check, now) !== null) return
    if (sendDueFollowUps(record, routesFor(check, config), now, this.#followUp)) this.#keep(record)
  }

  #silence(check: CheckRef, at: number): string | null {
    return this.#options.suppression?.({ id: check.id, tags: check.tags }, at)?.reason ?? null
  }

  #checkRef(event: AlertEvent, config: MonitoringConfig): CheckRef {
    return checkRef(
      event,
      config.checks.find((spec) => spec.id === event.checkId),
    )
  }

  /** Keeps an alert back for `reason`: on the timeline, and in the bookkeeping that tick() follows. */
  #hold(record: DispatchRecord, now: number, reason: string): void {
    record.heldReason = reason
    this.#suppressed(record.incidentId, now, reason)
    this.#keep(record)
  }

  #suppressed(incidentId: string, at: number, reason: string): void {
    this.#options.logger.info({ incidentId, reason }, 'notification held back')
    this.#options.incidents.addEvent(incidentId, at, 'suppressed', { reason })
  }

  #send(event: AlertEvent, channels: string[], groupKey: string | null): void {
    if (channels.length === 0) {
      this.#options.logger.warn(
        { incidentId: event.incidentId, type: event.type },
        'no channel to send to',
      )
      return
    }
    this.#options.send(event, channels, { groupKey })
  }

  /** Saves the record and follows it while it is open. */
  #keep(record: DispatchRecord): void {
    this.#state.save(record)
    this.#open.set(record.incidentId, record)
  }

  #close(record: DispatchRecord, at: number): void {
    record.closedAt = at
    this.#state.save(record)
    this.#open.delete(record.incidentId)
  }

  #record(incidentId: string): DispatchRecord | null {
    return this.#open.get(incidentId) ?? this.#state.get(incidentId)
  }
}
