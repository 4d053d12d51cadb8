/**
 * A notification channel that keeps failing raises its own alert, on the other
 * channels: a webhook that answers 401 since a key rotation would otherwise fail in
 * silence until the outage it should have announced. The notifier reports each
 * channel's health; this turns the changes into one incident (kind 'channel',
 * checkId `channel:<name>`) per failing spell, and the dispatcher keeps the failing
 * channel itself out of the recipients.
 */
import type { Clock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { Incident, IncidentStore } from '../../incidents/incident-store.ts'

/** What is kept of an open incident to resolve it later. */
type OpenIncident = Pick<
  Incident,
  'incidentId' | 'checkId' | 'startedAt' | 'regions' | 'firstError'
>

export interface ChannelAlertsOptions {
  clock: Clock
  incidents: IncidentStore
  /** Receives fired and resolved events (wire the dispatcher's handle). Must not throw. */
  onEvent: (event: AlertEvent) => void
}

/** A channel's health as the notifier tracks it. */
export interface ChannelHealth {
  /** True after `alerting.channelFailingAfter` failed attempts in a row; false after a success. */
  failing: boolean
  consecutiveFailures: number
  lastError: string | null
}

const PREFIX = 'channel:'

/**
 * Opens and resolves channel incidents from the notifier's health reports.
 *
 * @example
 * const channelAlerts = new ChannelAlerts({ clock, incidents, onEvent: (e) => dispatcher.handle(e) })
 * channelAlerts.update('ops-webhook', { failing: true, consecutiveFailures: 3, lastError: 'HTTP 401' })
 */
export class ChannelAlerts {
  readonly #options: ChannelAlertsOptions
  /** Open channel incidents by channel name, restored at start so a restart does not alert twice. */
  readonly #open = new Map<string, OpenIncident>()

  constructor(options: ChannelAlertsOptions) {
    this.#options = options
    for (const incident of options.incidents.openIncidents()) {
      if (incident.kind === 'channel' && incident.checkId.startsWith(PREFIX)) {
        this.#open.set(incident.checkId.slice(PREFIX.length), incident)
      }
    }
  }

  /**
   * The notifier reports a channel's health changes: failing after N consecutive failed
   * attempts, ok after a success. Repeating the same state changes nothing.
   */
  update(channel: string, health: ChannelHealth): void {
    if (health.failing) this.#fire(channel, health)
    else this.#resolve(channel)
  }

  /** Channels with an open incident, for the API. */
  failing(): string[] {
    return [...this.#open.keys()]
  }

  #fire(channel: string, health: ChannelHealth): void {
    if (this.#open.has(channel)) return
    const { incidents, clock } = this.#options
    const now = clock.now()
    const checkId = `${PREFIX}${channel}`
    const summary = `${health.consecutiveFailures} deliveries in a row failed; last error: ${health.lastError ?? 'unknown'}`
    const firstError =
      health.lastError === null ? null : { code: 'DELIVERY_FAILED', message: health.lastError }
    const incidentId = incidents.open({
      kind: 'channel',
      checkId,
      at: now,
      regions: [],
      firstError,
    })
    incidents.addEvent(incidentId, now, 'fired', { channel, summary })
    this.#open.set(channel, { incidentId, checkId, startedAt: now, regions: [], firstError })
    this.#options.onEvent({
      type: 'fired',
      subject: 'channel',
      incidentId,
      checkId,
      checkName: `Channel ${channel}`,
      at: now,
      regions: [],
      quorum: 0,
      firstError,
      summary,
    })
  }

  #resolve(channel: string): void {
    const incident = this.#open.get(channel)
    if (!incident) return
    this.#open.delete(channel)
    const now = this.#options.clock.now()
    const durationMs = now - incident.startedAt
    const summary = `channel ${channel} delivers again`
    this.#options.incidents.resolve(incident.incidentId, now)
    this.#options.incidents.addEvent(incident.incidentId, now, 'resolved', { durationMs, summary })
    this.#options.onEvent({
      type: 'resolved',
      subject: 'channel',
      incidentId: incident.incidentId,
      checkId: incident.checkId,
      checkName: `Channel ${channel}`,
      at: now,
      regions: [],
      quorum: 0,
      firstError: incident.firstError,
      durationMs,
      summary,
    })
  }
}
