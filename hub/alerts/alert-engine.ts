/**
 * The alert engine: turns check results into alert transitions that people can trust
 * (issue 6). Fast when something is really down, silent when it is not.
 *
 * - Each series of a check (a region; a probe for host checks) has a verdict from its
 *   streaks (series-track.ts): passing, degraded or failing.
 * - The check is DOWN when at least `effectiveQuorum(spec)` conclusive series fail: that
 *   opens a `down` incident and emits `fired` once. It resolves once fewer than the
 *   quorum fail AND at least the quorum are conclusive, counting a failing series that
 *   went offline or inconclusive as still failing: an outage is not over because the
 *   region that saw it went quiet.
 * - DEGRADED (a quorum degraded or failing, fewer than the quorum failing) pages only
 *   with `alert.pageOnDegraded`, as a `degraded` incident; otherwise it is shown only.
 * - Below the quorum the check is PARTIAL; with fewer conclusive series than the quorum
 *   it is INSUFFICIENT. Neither pages: the probe network is alerted by another part.
 * - Flapping (flap-detector.ts): the check flaps while a quorum of its series flap; one
 *   `flapping-started` and one `flapping-stopped` per episode. DOWN incidents still open
 *   and close meanwhile (they are real outages); the dispatcher holds their notifications
 *   back while state().flapping is true.
 * - Region connectivity (region-loss.ts): a region whose checks fail together while
 *   other regions pass gets one region alert, and its series are inhibited (left out of
 *   every check's counts) until it recovers.
 * - Results measured inside a maintenance window are ignored entirely.
 *
 * Heartbeats are one series (`hub`) with a quorum of 1. Host checks are judged per host:
 * each probe that reports is its own series, the quorum is 1, and an event's `regions`
 * lists the failing probe ids.
 */
import { DEFAULT_ALERTING, type AlertingConfig } from '../../checks/alerting.ts'
import type { CheckResult } from '../../checks/result.ts'
import {
  effectiveQuorum,
  regionsOf,
  seriesOf,
  type CheckSpec,
  type FlappingThresholds,
} from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type {
  AlertEvent,
  CheckAlertState,
  CheckAlertStatus,
  ProbeInfo,
  RegionAlertState,
} from '../types.ts'
import { FLAP_HISTORY } from './flap-detector.ts'
import type { Incident, IncidentError, IncidentStore } from './incident-store.ts'
import { RegionLoss, type RegionCount, type RegionLossChange } from './region-loss.ts'
import {
  advanceSeries,
  newSeries,
  resetVerdict,
  seriesState,
  statusOf,
  tally,
  type SeriesTrack,
  type Tally,
} from './series-track.ts'

export interface AlertEngineOptions {
  clock: Clock
  incidents: IncidentStore
  /** Called once per transition, after state and incident are saved. Must not throw. */
  onEvent: (event: AlertEvent) => void
  /**
   * Called when a series sees its first down result while the check is not DOWN: the
   * moment a confirmation run (confirmations.ts) pays off most. Must not throw.
   */
  onFirstFailure?: (checkId: string, series: string) => void
  /**
   * Called, per series, when a down result is corroborated by another region (or the
   * check has one region) while the check is not DOWN, for each series whose down streak
   * is still short of `failAfter`: a re-run there now turns a streak that would take
   * `failAfter` schedules into one that takes seconds. Must not throw.
   */
  onPendingFailure?: (checkId: string, series: string) => void
  /**
   * Results measured longer ago than this are ignored. After a hub restart the
   * engine has no memory of what it last saw, so this is what keeps an outbox
   * replayed by a probe from paging about an outage that is already over.
   * Default 10 minutes: well above normal batching delays, well below "news".
   */
  maxResultAgeMs?: number
  /** The project's alerting options, read on each use so a deploy takes effect. Default DEFAULT_ALERTING. */
  alerting?: () => AlertingConfig
  /** True when a result of the check measured at `at` falls in a maintenance window. */
  inMaintenance?: (checkId: string, tags: string[], at: number) => boolean
}

/** A region's connectivity as the API shows it. */
export interface RegionState extends RegionCount {
  /** The open region incident while lost. */
  incidentId: string | null
}

const DEFAULT_MAX_RESULT_AGE_MS = 10 * 60_000

/**
 * A confirmation round is sent on a check's first failure, before it fires; it lands on
 * the incident's timeline if the check fires within this time. Five minutes covers
 * failAfter runs of any usual interval.
 */
const CONFIRMATION_MEMORY_MS = 5 * 60_000

/** Rounds kept per check while waiting; confirmations.ts sends at most one per interval. */
const MAX_PENDING_CONFIRMATIONS = 10

interface OpenIncident {
  id: string
  startedAt: number
  firstError: IncidentError | null
  /** Every series that failed (or was degraded, for DEGRADED) while it was open. */
  regions: Set<string>
}

interface FlappingEpisode {
  id: string
  startedAt: number
  regions: string[]
  /** Restored after a restart: the series' histories are gone and are being rebuilt. */
  restored: boolean
}

interface CheckTrack {
  spec: CheckSpec
  /** Keyed by series: the region, or the probe id for host checks. */
  series: Map<string, SeriesTrack>
  status: CheckAlertStatus
  since: number | null
  down: OpenIncident | null
  degraded: OpenIncident | null
  flapping: FlappingEpisode | null
}

/** Why the engine re-evaluated a check, as the incident timeline records it. */
type Cause = { result: Record<string, unknown> } | { config: string } | { reason: string }

interface PendingConfirmation {
  at: number
  detail: Record<string, unknown>
}

/** Incidents left open by the previous hub process, by kind and check, until setChecks claims them. */
interface Restored {
  down: Map<string, Incident>
  degraded: Map<string, Incident>
  flapping: Map<string, Incident>
}

/** What the timeline keeps of a result: enough to find it again, with its own times. */
function summarize(result: CheckResult): Record<string, unknown> {
  return {
    id: result.id,
    probeId: result.probeId,
    region: result.region,
    status: result.status,
    trigger: result.trigger,
    scheduledAt: result.scheduledAt,
    startedAt: result.startedAt,
    ...(result.error ? { error: result.error } : {}),
  }
}

/**
 * Turns check results into alert transitions.
 *
 * @example
 * const engine = new AlertEngine({ clock: systemClock, incidents, onEvent: dispatcher.handle })
 * engine.setChecks(config.checks)
 * setInterval(() => engine.setProbes(registry.list()), 1_000)
 * for (const result of batch.results) engine.observe(result)
 * engine.state('api-health') // { status: 'partial', failingRegions: ['eu-west'], ... }
 */
export class AlertEngine {
  readonly #clock: Clock
  readonly #incidents: IncidentStore
  readonly #onEvent: (event: AlertEvent) => void
  readonly #onFirstFailure: ((checkId: string, series: string) => void) | undefined
  readonly #onPendingFailure: ((checkId: string, series: string) => void) | undefined
  readonly #maxResultAgeMs: number
  readonly #alerting: () => AlertingConfig
  readonly #inMaintenance: ((checkId: string, tags: string[], at: number) => boolean) | undefined
  readonly #regionLoss = new RegionLoss()
  readonly #regionIncidents = new Map<string, OpenIncident>()
  readonly #pendingConfirmations = new Map<string, PendingConfirmation[]>()
  #checks = new Map<string, CheckTrack>()
  #restored: Restored | null
  /** Regions and probe ids with an online probe; null until setProbes is first called. */
  #online: { regions: Set<string>; probes: Set<string>; signature: string } | null = null

  constructor(options: AlertEngineOptions) {
    this.#clock = options.clock
    this.#incidents = options.incidents
    this.#onEvent = options.onEvent
    this.#onFirstFailure = options.onFirstFailure
    this.#onPendingFailure = options.onPendingFailure
    this.#maxResultAgeMs = options.maxResultAgeMs ?? DEFAULT_MAX_RESULT_AGE_MS
    this.#alerting = options.alerting ?? (() => DEFAULT_ALERTING)
    this.#inMaintenance = options.inMaintenance
    this.#restored = { down: new Map(), degraded: new Map(), flapping: new Map() }
    // Probe and channel incidents belong to the dispatcher.
    for (const incident of options.incidents.openIncidents()) {
      if (incident.kind === 'region') this.#restoreRegion(incident)
      else if (incident.kind in this.#restored) {
        this.#restored[incident.kind as keyof Restored].set(incident.checkId, incident)
      }
    }
  }

  /**
   * Applies the deployed checks: new ones start unknown, changed ones keep the state of
   * the series they still have, and removed or disabled ones stop. An open incident
   * of a check that stops is closed with a timeline note and no notification: nobody
   * should be told "back up" about a check that was deleted.
   */
  setChecks(specs: CheckSpec[]): void {
    const now = this.#clock.now()
    const next = new Map<string, CheckTrack>()
    for (const spec of specs) {
      if (!spec.enabled) continue
      next.set(spec.id, this.#reconcile(spec))
    }
    for (const [checkId, track] of this.#checks) {
      if (next.has(checkId)) continue
      const reason = specs.some((s) => s.id === checkId) ? 'disabled' : 'removed from the config'
      for (const incident of [track.down, track.degraded, track.flapping]) {
        if (incident)
          this.#closeQuietly(incident.id, now, `check ${reason}; closed without notification`)
      }
    }
    for (const kind of Object.values(this.#restored ?? {})) {
      for (const incident of kind.values()) {
        if (next.has(incident.checkId)) continue
        const message = 'check no longer deployed; closed without notification'
        this.#closeQuietly(incident.incidentId, now, message)
      }
    }
    for (const checkId of this.#pendingConfirmations.keys()) {
      if (!next.has(checkId)) this.#pendingConfirmations.delete(checkId)
    }
    this.#restored = null
    this.#checks = next
    for (const track of next.values()) {
      this.#applyOnline(track, null)
      const thresholds = this.#flapThresholds(track.spec)
      for (const series of track.series.values()) series.flaps.judge(thresholds)
    }
    const changes = this.#regionLoss.setChecks(
      [...next.values()].filter((t) => takesPartInRegionLoss(t.spec)).map(regionCheckOf),
      this.#alerting().regionLoss,
    )
    this.#applyRegionChanges(changes)
    // A changed quorum or region list can cross the threshold without any new result.
    for (const track of next.values()) this.#evaluate(track, { config: 'checks deployed' })
  }

  /**
   * Feeds one result to the engine. Ignored: unknown checks, regions the check does not
   * run in (a host check takes every probe that reports), late results (not newer than
   * the last one seen for the check and series), results older than maxResultAgeMs,
   * and results measured in a maintenance window. An inconclusive result (the probe
   * could not tell) makes its series inconclusive but neither counts as down nor breaks
   * a streak.
   */
  observe(result: CheckResult): void {
    const track = this.#checks.get(result.checkId)
    if (!track) return
    // Checked before a host series is added, so an old replay cannot add a host.
    if (this.#clock.now() - result.scheduledAt > this.#maxResultAgeMs) return
    if (this.#inMaintenance?.(result.checkId, track.spec.tags, result.scheduledAt)) return
    const name = seriesOf(result)
    const series = track.series.get(name) ?? this.#newHostSeries(track, name)
    if (!series) return
    if (result.scheduledAt <= series.lastScheduledAt) return
    series.lastScheduledAt = result.scheduledAt
    const before = seriesState(series)

    let flapChanged = false
    if (result.status === 'inconclusive') {
      series.interim = 'inconclusive'
    } else {
      const inhibited = this.#inhibited(track, name)
      const firstDown =
        result.status === 'down' && series.downStreak === 0 && track.status !== 'down'
      advanceSeries(series, result.status, result.error, result.scheduledAt, track.spec.alert)
      const problem = result.status === 'down'
      flapChanged = series.flaps.record(problem, this.#flapThresholds(track.spec))
      // Before the state change is judged: with failAfter > 1 a first down changes nothing yet.
      if (firstDown && !inhibited) this.#onFirstFailure?.(result.checkId, name)
      if (problem && !inhibited && track.status !== 'down') this.#followUp(track, result.checkId)
      const changes = this.#regionLoss.record(
        result.checkId,
        name,
        result.status,
        result.error ?? null,
        this.#alerting().regionLoss,
      )
      // Before this check is judged, so a region just lost does not page through it.
      if (changes.length > 0) this.#applyRegionChanges(changes)
    }
    const after = seriesState(series)
    // A restored flapping episode ends on history length alone, so it is judged on every result.
    const rebuilding = track.flapping?.restored === true
    if (after === before && !flapChanged && !rebuilding) return
    const cause = { result: summarize(result) }
    if (after !== before) this.#noteSeries(track, name, after, cause)
    this.#evaluate(track, cause)
  }

  /**
   * Applies the probe registry (the hub calls it every second). A region of a region
   * check with no online probe there, and a host whose probe is not online, become
   * `offline`: not conclusive, never counted toward DOWN. Back online, a series shows
   * `unknown` until its next conclusive result; its streaks are kept.
   */
  setProbes(probes: ProbeInfo[]): void {
    const regions = new Set<string>()
    const ids = new Set<string>()
    for (const probe of probes) {
      if (probe.state !== 'online') continue
      regions.add(probe.region)
      ids.add(probe.probeId)
    }
    // Called every second: most calls change nothing and should cost next to nothing.
    const signature = `${[...regions].sort().join(',')}|${[...ids].sort().join(',')}`
    if (signature === this.#online?.signature) return
    this.#online = { regions, probes: ids, signature }
    for (const track of this.#checks.values()) {
      if (this.#applyOnline(track, { reason: 'probe network changed' })) {
        this.#evaluate(track, { reason: 'probe network changed' })
      }
    }
  }

  /**
   * Records that a confirmation round was sent for the check. With an incident open it
   * goes on that timeline at once; otherwise it is kept, and lands on the timeline of an
   * incident that opens within five minutes, before its `fired` entry.
   */
  recordConfirmation(checkId: string, at: number, detail: Record<string, unknown>): void {
    const track = this.#checks.get(checkId)
    if (!track) return
    const incident = track.down ?? track.degraded
    if (incident) {
      this.#incidents.addEvent(incident.id, at, 'confirmation', detail)
      return
    }
    const now = this.#clock.now()
    const pending = (this.#pendingConfirmations.get(checkId) ?? []).filter(
      (round) => now - round.at <= CONFIRMATION_MEMORY_MS,
    )
    pending.push({ at, detail })
    this.#pendingConfirmations.set(checkId, pending.slice(-MAX_PENDING_CONFIRMATIONS))
  }

  /** The check's alert state; `unknown` with no regions for a check that is not deployed. */
  state(checkId: string): CheckAlertState {
    const track = this.#checks.get(checkId)
    if (!track) {
      return {
        checkId,
        status: 'unknown',
        regions: {},
        failingRegions: [],
        since: null,
        incidentId: null,
      }
    }
    const regions: Record<string, RegionAlertState> = {}
    for (const [name, series] of track.series) regions[name] = seriesState(series)
    return {
      checkId,
      status: track.status,
      regions,
      failingRegions: this.#ordered(
        track,
        [...track.series].filter(([, s]) => seriesState(s) === 'failing').map(([name]) => name),
      ),
      since: track.since,
      incidentId: (track.down ?? track.degraded)?.id ?? null,
      quorum: effectiveQuorum(track.spec),
      flapping: track.flapping !== null,
      inhibitedRegions: [...track.series.keys()].filter((name) => this.#inhibited(track, name)),
    }
  }

  /** The state of every deployed check, in deploy order. */
  states(): CheckAlertState[] {
    return [...this.#checks.keys()].map((checkId) => this.state(checkId))
  }

  /** Every region that region checks run in (or that is still lost), by name. */
  regionStates(): RegionState[] {
    return this.#regionLoss.regions().map((region) => ({
      ...region,
      incidentId: this.#regionIncidents.get(region.region)?.id ?? null,
    }))
  }

  /** The track for a deployed spec: kept, restored from open incidents, or new. */
  #reconcile(spec: CheckSpec): CheckTrack {
    const existing = this.#checks.get(spec.id)
    // Host checks have no configured series: theirs appear as hosts report.
    const configured = regionsOf(spec)
    if (existing) {
      const series = configured
        ? new Map(configured.map((r) => [r, existing.series.get(r) ?? newSeries()]))
        : existing.series
      return { ...existing, spec, series }
    }
    const track: CheckTrack = {
      spec,
      series: new Map((configured ?? []).map((r) => [r, newSeries()])),
      status: 'unknown',
      since: null,
      down: null,
      degraded: null,
      flapping: null,
    }
    const down = this.#restored?.down.get(spec.id)
    const degraded = this.#restored?.degraded.get(spec.id)
    // The incident's series fail (or are degraded) again as if failAfter results had
    // just been seen, so recovery still takes recoverAfter results in each of them.
    if (down) track.down = this.#restoreIncident(track, down, 'failing')
    else if (degraded) track.degraded = this.#restoreIncident(track, degraded, 'degraded')
    if (down && degraded) {
      const message = 'the check was DOWN at restart; its DOWN incident carries on'
      this.#closeQuietly(degraded.incidentId, this.#clock.now(), message)
    }
    const opened = track.down ?? track.degraded
    if (opened) {
      track.status = track.down ? 'down' : 'degraded'
      track.since = opened.startedAt
    }
    const flapping = this.#restored?.flapping.get(spec.id)
    if (flapping) {
      track.flapping = {
        id: flapping.incidentId,
        startedAt: flapping.startedAt,
        regions: flapping.regions,
        restored: true,
      }
    }
    return track
  }

  #restoreIncident(
    track: CheckTrack,
    incident: Incident,
    verdict: 'failing' | 'degraded',
  ): OpenIncident {
    const { failAfter } = track.spec.alert
    for (const name of incident.regions) {
      const series = track.series.get(name) ?? this.#newHostSeries(track, name)
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

  #restoreRegion(incident: Incident): void {
    const region = incident.checkId.slice('region:'.length)
    this.#regionLoss.restoreLost(region)
    this.#regionIncidents.set(region, {
      id: incident.incidentId,
      startedAt: incident.startedAt,
      firstError: incident.firstError,
      regions: new Set(incident.regions),
    })
  }

  /**
   * Judges the check from its series: flapping first (so a listener of `fired` reads
   * state().flapping already set), then DOWN, then DEGRADED, then the status. Events go
   * out last, so a listener that reads state() sees every transition already made.
   */
  #evaluate(track: CheckTrack, cause: Cause): void {
    const { spec } = track
    const quorum = effectiveQuorum(spec)
    const t = tally(track.series, (name) => this.#inhibited(track, name), FLAP_HISTORY)
    const flapTransition = this.#judgeFlapping(track, t, quorum)
    const events: AlertEvent[] = []

    if (!track.down && t.failing.length >= quorum) {
      events.push(this.#fire(track, 'down', this.#ordered(track, t.failing), quorum, cause))
    } else if (track.down && t.failing.length + t.quietFailing < quorum && t.conclusive >= quorum) {
      events.push(this.#resolve(track, 'down', quorum, cause))
    }

    const troubled = t.failing.length + t.degraded.length
    const now = this.#clock.now()
    if (track.degraded && (track.down || !spec.alert.pageOnDegraded)) {
      const why = track.down
        ? 'the check went DOWN; its DOWN incident carries on'
        : 'pageOnDegraded turned off; closed without notification'
      this.#closeQuietly(track.degraded.id, now, why)
      track.degraded = null
    } else if (!track.degraded && !track.down && spec.alert.pageOnDegraded && troubled >= quorum) {
      const regions = this.#ordered(track, [...t.failing, ...t.degraded])
      events.push(this.#fire(track, 'degraded', regions, quorum, cause))
    } else if (track.degraded && troubled < quorum && t.conclusive >= quorum) {
      events.push(this.#resolve(track, 'degraded', quorum, cause))
    }

    const status = statusOf(t, quorum, track.down !== null)
    if (status !== track.status) {
      track.status = status
      track.since = now
    }
    if (flapTransition) events.unshift(this.#flappingEvent(track, flapTransition, t, quorum))
    for (const event of events) this.#onEvent(event)
  }

  /**
   * Starts or ends the check's flapping episode; returns the transition to announce. A
   * restored episode (the histories died with the previous process) goes on until the
   * check flaps again by fresh histories, or is closed quietly once a quorum of series
   * has a full history without flapping.
   */
  #judgeFlapping(
    track: CheckTrack,
    t: Tally,
    quorum: number,
  ): { type: 'flapping-started' | 'flapping-stopped'; episode: FlappingEpisode } | null {
    const flapping = t.flapping.length >= quorum
    const episode = track.flapping
    const at = this.#clock.now()
    const detail = { flapping, percentStateChange: t.percentStateChange, regions: t.flapping }
    if (episode?.restored) {
      if (flapping) episode.restored = false
      else if (t.settled >= quorum) {
        this.#incidents.addEvent(episode.id, at, 'flapping', detail)
        const message = `no longer flapping after ${FLAP_HISTORY} results since the hub restarted; closed without notification`
        this.#closeQuietly(episode.id, at, message)
        track.flapping = null
      }
      return null
    }
    if (flapping && !episode) {
      const id = this.#incidents.open({
        kind: 'flapping',
        checkId: track.spec.id,
        at,
        regions: t.flapping,
        firstError: null,
      })
      this.#incidents.addEvent(id, at, 'flapping', detail)
      track.flapping = { id, startedAt: at, regions: t.flapping, restored: false }
      return { type: 'flapping-started', episode: track.flapping }
    }
    if (!flapping && episode) {
      this.#incidents.resolve(episode.id, at)
      this.#incidents.addEvent(episode.id, at, 'flapping', detail)
      track.flapping = null
      return { type: 'flapping-stopped', episode }
    }
    return null
  }

  #flappingEvent(
    track: CheckTrack,
    { type, episode }: { type: 'flapping-started' | 'flapping-stopped'; episode: FlappingEpisode },
    t: Tally,
    quorum: number,
  ): AlertEvent {
    const at = this.#clock.now()
    const stopped = type === 'flapping-stopped'
    return {
      ...this.#eventBase(track),
      type,
      incidentId: episode.id,
      at,
      regions: stopped ? episode.regions : this.#ordered(track, t.flapping),
      quorum,
      firstError: null,
      ...(stopped ? { durationMs: at - episode.startedAt, summary: `now ${track.status}` } : {}),
    }
  }

  #fire(
    track: CheckTrack,
    kind: 'down' | 'degraded',
    regions: string[],
    quorum: number,
    cause: Cause,
  ): AlertEvent {
    const at = this.#clock.now()
    const { spec } = track
    const firstError = earliestError(track, regions)
    const id = this.#incidents.open({ kind, checkId: spec.id, at, regions, firstError })
    this.#flushConfirmations(spec.id, id, at)
    const severity = { severity: kind }
    this.#incidents.addEvent(id, at, 'fired', {
      regions,
      quorum,
      firstError,
      ...severity,
      ...cause,
    })
    track[kind] = { id, startedAt: at, firstError, regions: new Set(regions) }
    return {
      ...this.#eventBase(track),
      ...severity,
      type: 'fired',
      incidentId: id,
      at,
      regions,
      quorum,
      firstError,
    }
  }

  #resolve(track: CheckTrack, kind: 'down' | 'degraded', quorum: number, cause: Cause): AlertEvent {
    const incident = track[kind]!
    const at = this.#clock.now()
    const durationMs = at - incident.startedAt
    this.#incidents.resolve(incident.id, at)
    this.#incidents.addEvent(incident.id, at, 'resolved', { durationMs, ...cause })
    track[kind] = null
    return {
      ...this.#eventBase(track),
      severity: kind,
      type: 'resolved',
      incidentId: incident.id,
      at,
      regions: [...incident.regions],
      quorum,
      firstError: incident.firstError,
      durationMs,
    }
  }

  #eventBase(track: CheckTrack): Pick<AlertEvent, 'checkId' | 'checkName' | 'tags'> {
    return {
      checkId: track.spec.id,
      checkName: track.spec.name ?? track.spec.id,
      tags: track.spec.tags,
    }
  }

  /** Writes the confirmation rounds sent shortly before an incident opened onto its timeline. */
  #flushConfirmations(checkId: string, incidentId: string, at: number): void {
    const pending = this.#pendingConfirmations.get(checkId)
    if (!pending) return
    this.#pendingConfirmations.delete(checkId)
    for (const round of pending) {
      if (at - round.at > CONFIRMATION_MEMORY_MS) continue
      this.#incidents.addEvent(incidentId, round.at, 'confirmation', round.detail)
    }
  }

  /**
   * Announces regions lost or recovered and re-judges every check that runs there. A
   * recovered region's failing series start over (resetVerdict): what they counted
   * while the region was lost must not page the moment the region counts again.
   */
  #applyRegionChanges(changes: RegionLossChange[]): void {
    for (const change of changes) {
      const event =
        change.alert === 'fired'
          ? this.#regionLost(change)
          : change.alert === 'resolved'
            ? this.#regionRecovered(change)
            : null
      if (change.inhibitionChanged) {
        const reason = `region ${change.region} ${change.lost ? 'set aside' : 'counted again'}`
        for (const track of this.#checks.values()) {
          const series = regionsOf(track.spec) ? track.series.get(change.region) : undefined
          if (!series) continue
          if (!change.lost && series.verdict === 'failing') resetVerdict(series)
          this.#evaluate(track, { reason })
        }
      }
      if (event) this.#onEvent(event)
    }
  }

  #regionLost(change: RegionLossChange): AlertEvent {
    const { region, failing, checks, firstError } = change
    const at = this.#clock.now()
    const checkId = `region:${region}`
    const summary = `${failing} of ${checks} checks fail in ${region} and pass elsewhere`
    const id = this.#incidents.open({ kind: 'region', checkId, at, regions: [region], firstError })
    this.#incidents.addEvent(id, at, 'fired', {
      regions: [region],
      failing,
      checks,
      summary,
      firstError,
    })
    this.#regionIncidents.set(region, { id, startedAt: at, firstError, regions: new Set([region]) })
    return {
      type: 'fired',
      subject: 'region',
      incidentId: id,
      checkId,
      checkName: `Region ${region} connectivity`,
      at,
      regions: [region],
      quorum: 0,
      firstError,
      summary,
    }
  }

  #regionRecovered({ region, failing, checks }: RegionLossChange): AlertEvent | null {
    const incident = this.#regionIncidents.get(region)
    if (!incident) return null
    this.#regionIncidents.delete(region)
    const at = this.#clock.now()
    if (checks === 0) {
      const message = 'no deployed check runs in this region any more; closed without notification'
      this.#closeQuietly(incident.id, at, message)
      return null
    }
    const durationMs = at - incident.startedAt
    const summary = `${failing} of ${checks} checks fail in ${region} and pass elsewhere`
    this.#incidents.resolve(incident.id, at)
    this.#incidents.addEvent(incident.id, at, 'resolved', { durationMs, failing, checks, summary })
    return {
      type: 'resolved',
      subject: 'region',
      incidentId: incident.id,
      checkId: `region:${region}`,
      checkName: `Region ${region} connectivity`,
      at,
      regions: [region],
      quorum: 0,
      firstError: incident.firstError,
      durationMs,
      summary,
    }
  }

  /**
   * Marks the check's series offline or back online from the last probe registry;
   * returns whether any changed. Heartbeats have no probes, and nothing is known before
   * the first setProbes.
   */
  #applyOnline(track: CheckTrack, cause: Cause | null): boolean {
    if (!this.#online || track.spec.kind === 'heartbeat') return false
    const online = regionsOf(track.spec) ? this.#online.regions : this.#online.probes
    let changed = false
    for (const [name, series] of track.series) {
      const offline = !online.has(name)
      if (offline === series.offline) continue
      series.offline = offline
      if (!offline) series.interim = 'unknown'
      if (cause) this.#noteSeries(track, name, seriesState(series), cause)
      changed = true
    }
    return changed
  }

  /** Puts a series' new state on the open incident's timeline. */
  #noteSeries(track: CheckTrack, name: string, state: RegionAlertState, cause: Cause): void {
    const incident = track.down ?? track.degraded
    if (!incident) return
    const counts = track.down ? state === 'failing' : state === 'failing' || state === 'degraded'
    if (counts && !this.#inhibited(track, name)) incident.regions.add(name)
    this.#incidents.addEvent(incident.id, this.#clock.now(), 'region', {
      region: name,
      state,
      ...cause,
    })
  }

  /**
   * Asks for re-runs of the series whose down streak is short of failAfter, but only
   * once the failure is corroborated: another region sees it too (or the check runs in
   * one region only). A failure seen in one region alone goes at its schedule's pace,
   * which leaves the region-loss rule the round it needs to recognise a region-wide
   * loss before a quorum-1 check could page through it.
   */
  #followUp(track: CheckTrack, checkId: string): void {
    if (!this.#onPendingFailure) return
    const { failAfter } = track.spec.alert
    const suspects = [...track.series].filter(
      ([name, s]) => s.downStreak > 0 && !s.offline && !this.#inhibited(track, name),
    )
    const corroborated = suspects.length >= 2 || (regionsOf(track.spec)?.length ?? 2) === 1
    if (!corroborated) return
    for (const [name, s] of suspects) {
      if (s.downStreak < failAfter) this.#onPendingFailure(checkId, name)
    }
  }

  /** Series of region checks in a lost region are left out of the check's counts. */
  #inhibited(track: CheckTrack, name: string): boolean {
    return regionsOf(track.spec) !== null && this.#regionLoss.isLost(name)
  }

  #flapThresholds(spec: CheckSpec): FlappingThresholds | false {
    return spec.alert.flapping ?? this.#alerting().flapping
  }

  /** Series in the order the check lists its regions; hosts sorted by probe id. */
  #ordered(track: CheckTrack, names: string[]): string[] {
    return regionsOf(track.spec) ? names : [...names].sort()
  }

  /** A host check's series for a probe seen for the first time; none for region checks. */
  #newHostSeries(track: CheckTrack, probeId: string): SeriesTrack | undefined {
    if (regionsOf(track.spec) !== null) return undefined
    const series = newSeries()
    track.series.set(probeId, series)
    return series
  }

  #closeQuietly(incidentId: string, at: number, message: string): void {
    this.#incidents.resolve(incidentId, at)
    this.#incidents.addEvent(incidentId, at, 'note', { message })
  }
}

/** Region checks that run from two or more regions: the ones a region loss is judged on. */
function takesPartInRegionLoss(spec: CheckSpec): boolean {
  return spec.kind !== 'heartbeat' && (regionsOf(spec)?.length ?? 0) >= 2
}

function regionCheckOf(track: CheckTrack): { id: string; regions: string[] } {
  return { id: track.spec.id, regions: regionsOf(track.spec) ?? [] }
}

/** The earliest-measured error among the given series' current failure streaks. */
function earliestError(track: CheckTrack, names: string[]): IncidentError | null {
  let earliest: SeriesTrack['firstError'] = null
  for (const name of names) {
    const candidate = track.series.get(name)?.firstError ?? null
    if (candidate && (!earliest || candidate.scheduledAt < earliest.scheduledAt))
      earliest = candidate
  }
  return earliest?.error ?? null
}
