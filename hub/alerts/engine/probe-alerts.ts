/**
 * One alert per probe that stays offline, or online but unhealthy (its self-health
 * turns its down results inconclusive): the checks it ran are judged by the regions
 * left (the engine counts offline and inconclusive series out), and the people who run
 * the probe network hear about the probe itself, once, instead of one alert per check.
 * A probe that said why it is offline (stopped cleanly, or draining) or that the hub
 * drained was taken down on purpose: it never alerts, and an open alert of it resolves.
 * A probe that leaves the registry (retired) resolves its alert too.
 *
 * The open incidents (kind 'probe', checkId `probe:<id>`) are the memory: a restarted
 * hub picks them up, so it neither alerts twice about a probe still offline nor
 * forgets to say that one came back.
 */
import { DEFAULT_ALERTING } from '../../../checks/alerting.ts'
import { parseDuration } from '../../../checks/duration.ts'
import type { MonitoringConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import type { Incident, IncidentStore } from '../../incidents/incident-store.ts'

/** What is kept of an open incident to resolve it later. */
type OpenIncident = Pick<
  Incident,
  'incidentId' | 'checkId' | 'startedAt' | 'regions' | 'firstError'
>

export interface ProbeAlertsOptions {
  clock: Clock
  incidents: IncidentStore
  /** Read on every tick, so a deployed `alerting.probeOfflineAfter` takes effect. */
  config: () => MonitoringConfig
  /** Receives fired and resolved events (wire the dispatcher's handle). Must not throw. */
  onEvent: (event: AlertEvent) => void
  /** Where a failed tick is reported; tick() never throws, since the hub calls it on a timer. */
  logger?: Logger
}

const PREFIX = 'probe:'

/**
 * Watches the probe registry and raises probe alerts.
 *
 * @example
 * const probeAlerts = new ProbeAlerts({ clock, incidents, config, onEvent: (e) => dispatcher.handle(e) })
 * setInterval(() => probeAlerts.tick(registry.list()), 1_000)
 */
export class ProbeAlerts {
  readonly #options: ProbeAlertsOptions
  /** Open probe incidents by probe id. */
  readonly #open = new Map<string, OpenIncident>()
  /** When this hub first listed each probe, so an old lastSeen read at start does not alert at once. */
  readonly #firstListedAt = new Map<string, number>()
  /** Probes this hub has seen online; their offline time is measured from lastSeen alone. */
  readonly #seenOnline = new Set<string>()
  /** When each online probe was first seen unhealthy, while it stays so. */
  readonly #unhealthySince = new Map<string, number>()
  #firstTick = true

  constructor(options: ProbeAlertsOptions) {
    this.#options = options
    for (const incident of options.incidents.openIncidents()) {
      if (incident.kind === 'probe' && incident.checkId.startsWith(PREFIX)) {
        this.#open.set(incident.checkId.slice(PREFIX.length), incident)
      }
    }
  }

  /** Takes the registry's list; the hub calls it every second. Never throws. */
  tick(probes: ProbeInfo[]): void {
    try {
      this.#tick(probes)
    } catch (err) {
      this.#options.logger?.error({ err }, 'probe alerts tick failed')
    }
  }

  #tick(probes: ProbeInfo[]): void {
    const now = this.#options.clock.now()
    const offlineAfterMs = this.#offlineAfterMs()
    const listed = new Set<string>()
    for (const probe of probes) {
      listed.add(probe.probeId)
      if (!this.#firstListedAt.has(probe.probeId)) this.#firstListedAt.set(probe.probeId, now)
      const onPurpose = probe.drained ? 'drained' : probe.state === 'offline' && probe.reason
      if (onPurpose) {
        this.#unhealthySince.delete(probe.probeId)
        this.#resolve(probe.probeId, now, `probe ${probe.probeId} is ${onPurpose}`)
        continue
      }
      if (probe.state === 'online') {
        this.#seenOnline.add(probe.probeId)
        if (probe.health && !probe.health.ok) {
          this.#unhealthy(probe, now, offlineAfterMs)
          continue
        }
        this.#unhealthySince.delete(probe.probeId)
        this.#resolve(probe.probeId, now, `probe ${probe.probeId} is online and healthy`)
        continue
      }
      this.#unhealthySince.delete(probe.probeId)
      if (this.#open.has(probe.probeId)) continue
      if (now - this.#offlineSince(probe) >= offlineAfterMs) {
        this.#fire(probe, now, `offline since ${new Date(probe.lastSeen).toISOString()}`)
      }
    }
    // A restored incident whose probe left the registry cannot be watched any more.
    if (this.#firstTick || this.#open.size > 0) {
      for (const probeId of [...this.#open.keys()]) {
        if (!listed.has(probeId)) {
          this.#resolve(probeId, now, `probe ${probeId} is no longer registered`)
        }
      }
    }
    this.#firstTick = false
  }

  /**
   * From when a probe counts as offline: its lastSeen, except that a probe this hub never
   * saw online counts from when the hub first listed it. Otherwise every probe offline
   * at a restart (with a lastSeen hours old) would alert in the same second.
   */
  #offlineSince(probe: ProbeInfo): number {
    if (this.#seenOnline.has(probe.probeId)) return probe.lastSeen
    return Math.max(probe.lastSeen, this.#firstListedAt.get(probe.probeId) ?? probe.lastSeen)
  }

  /** An online probe that reports itself unhealthy for as long as an offline one may be silent. */
  #unhealthy(probe: ProbeInfo, now: number, afterMs: number): void {
    const since = this.#unhealthySince.get(probe.probeId) ?? now
    this.#unhealthySince.set(probe.probeId, since)
    if (this.#open.has(probe.probeId) || now - since < afterMs) return
    const reasons = probe.health?.reasons.join('; ') || 'no reason given'
    this.#fire(probe, now, `unhealthy since ${new Date(since).toISOString()}: ${reasons}`)
  }

  #offlineAfterMs(): number {
    const text = this.#options.config().alerting?.probeOfflineAfter
    return parseDuration(text ?? DEFAULT_ALERTING.probeOfflineAfter)
  }

  #fire(probe: ProbeInfo, now: number, summary: string): void {
    const { incidents } = this.#options
    const checkId = `${PREFIX}${probe.probeId}`
    const incidentId = incidents.open({
      kind: 'probe',
      checkId,
      at: now,
      regions: [probe.region],
      firstError: null,
    })
    incidents.addEvent(incidentId, now, 'fired', { probeId: probe.probeId, summary })
    this.#open.set(probe.probeId, {
      incidentId,
      checkId,
      startedAt: now,
      regions: [probe.region],
      firstError: null,
    })
    this.#options.onEvent({
      type: 'fired',
      subject: 'probe',
      incidentId,
      checkId,
      checkName: `Probe ${probe.probeId} (${probe.region})`,
      at: now,
      regions: [probe.region],
      quorum: 0,
      firstError: null,
      summary,
    })
  }

  #resolve(probeId: string, now: number, summary: string): void {
    const incident = this.#open.get(probeId)
    if (!incident) return
    this.#open.delete(probeId)
    const durationMs = now - incident.startedAt
    this.#options.incidents.resolve(incident.incidentId, now)
    this.#options.incidents.addEvent(incident.incidentId, now, 'resolved', { durationMs, summary })
    const region = incident.regions[0] ?? 'unknown region'
    this.#options.onEvent({
      type: 'resolved',
      subject: 'probe',
      incidentId: incident.incidentId,
      checkId: incident.checkId,
      checkName: `Probe ${probeId} (${region})`,
      at: now,
      regions: incident.regions,
      quorum: 0,
      firstError: null,
      durationMs,
      summary,
    })
  }
}
