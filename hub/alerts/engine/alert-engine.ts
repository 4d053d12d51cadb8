/**
 * The alert engine: turns check results into alert transitions that people can trust,
 * fast when something is really down, silent when it is not. Longer than 400 lines
 * because this header is the state model's one description and the class is the one
 * place that orders its steps; every step already has its own file.
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
 *   other regions pass is inhibited at once (left out of every check's counts) and gets
 *   one region alert if the loss holds for a second round.
 * - Results measured inside a maintenance window are ignored entirely.
 * - Latency (latency-judge.ts): a region the hub's latency watch finds slow shows
 *   degraded and counts toward a DEGRADED status, but never toward DOWN or a page.
 *
 * Heartbeats are one series (`hub`) with a quorum of 1. Host checks are judged per host:
 * each probe that reports is its own series, the quorum is 1, and an event's `regions`
 * lists the failing probe ids.
 *
 * This file decides when; its parts do the writing: check-track.ts, check-incidents.ts,
 * flapping-episodes.ts, region-alerts.ts, confirmation-memory.ts, engine-restore.ts.
 */
import { DEFAULT_ALERTING, type AlertingConfig } from '../../../checks/alerting.ts'
import type { CheckResult } from '../../../checks/result.ts'
import { effectiveQuorum, regionsOf, seriesOf, type CheckSpec } from '../../../checks/spec.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { CheckAlertState, RegionAlertState, StateChange } from '../alert-state.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import { CheckIncidents } from './check-incidents.ts'
import {
  alertStateOf,
  newCheckTrack,
  newHostSeries,
  orderedSeries,
  summarize,
  type Cause,
  type CheckTrack,
} from './check-track.ts'
import { closeQuietly } from './close-quietly.ts'
import { ConfirmationMemory } from './confirmation-memory.ts'
import {
  restoreTrack,
  sortOpenIncidents,
  unclaimedIncidents,
  type RestoredIncidents,
} from './engine-restore.ts'
import { FLAP_HISTORY, flapThresholdsOf } from './flap-detector.ts'
import { FlappingEpisodes } from './flapping-episodes.ts'
import type { LatencyJudge } from './latency-judge.ts'
import { recoveryPending, seriesStillFailing, seriesToRerun } from './follow-up-runs.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import { RegionAlerts, type RegionState } from './region-alerts.ts'
import type { RegionLossChange } from './region-loss.ts'
import {
  advanceSeries,
  newSeries,
  resetVerdict,
  seriesState,
  statusOf,
  tally,
} from './series-track.ts'

export type { RegionState } from './region-alerts.ts'

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
   * Called when a failing series of a DOWN check passes for the first time since it
   * failed, with the other failing series that have not passed yet (and can run): a
   * re-run there now lets the quorum see the recovery within seconds. Must not throw.
   */
  onFirstRecovery?: (checkId: string, series: string, stillFailing: string[]) => void
  /**
   * Called when a failing series passes (up or degraded) but is still short of
   * `recoverAfter`, whether or not the check is DOWN: a re-run there now ends the
   * failure within a few run durations instead of recoverAfter schedules. Must not throw.
   */
  onPendingRecovery?: (checkId: string, series: string) => void
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
  /**
   * Called on every change of a check's status or of one of its series' states, with the
   * time, so that history can keep time per state (hub/history/state-roller.ts). Must not throw.
   */
  onStateChange?: (change: StateChange) => void
  /** The hub's latency watch: sees each accepted result and says which regions are slow. */
  latency?: LatencyJudge
}

const DEFAULT_MAX_RESULT_AGE_MS = 10 * 60_000

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
  readonly #onFirstRecovery: AlertEngineOptions['onFirstRecovery']
  readonly #onPendingRecovery: ((checkId: string, series: string) => void) | undefined
  readonly #maxResultAgeMs: number
  readonly #alerting: () => AlertingConfig
  readonly #inMaintenance: ((checkId: string, tags: string[], at: number) => boolean) | undefined
  readonly #onStateChange: ((change: StateChange) => void) | undefined
  readonly #latency: LatencyJudge | undefined
  readonly #regions: RegionAlerts
  readonly #confirmations = new ConfirmationMemory()
  readonly #checkIncidents: CheckIncidents
  readonly #flappingEpisodes: FlappingEpisodes
  #checks = new Map<string, CheckTrack>()
  #restored: RestoredIncidents | null
  /** Regions and probe ids with an online probe; null until setProbes is first called. */
  #online: { regions: Set<string>; probes: Set<string>; signature: string } | null = null

  constructor(options: AlertEngineOptions) {
    this.#clock = options.clock
    this.#incidents = options.incidents
    this.#onEvent = options.onEvent
    this.#onFirstFailure = options.onFirstFailure
    this.#onPendingFailure = options.onPendingFailure
    this.#onFirstRecovery = options.onFirstRecovery
    this.#onPendingRecovery = options.onPendingRecovery
    this.#maxResultAgeMs = options.maxResultAgeMs ?? DEFAULT_MAX_RESULT_AGE_MS
    this.#alerting = options.alerting ?? (() => DEFAULT_ALERTING)
    this.#inMaintenance = options.inMaintenance
    this.#onStateChange = options.onStateChange
    this.#latency = options.latency
    this.#regions = new RegionAlerts(options.clock, options.incidents)
    this.#checkIncidents = new CheckIncidents(options.clock, options.incidents, this.#confirmations)
    this.#flappingEpisodes = new FlappingEpisodes(options.clock, options.incidents)
    const { regions, checks } = sortOpenIncidents(options.incidents.openIncidents())
    for (const incident of regions) this.#regions.restore(incident)
    this.#restored = checks
  }

  /**
   * Applies the deployed checks: new ones start unknown, changed ones keep the state of
   * the series they still have, and removed or disabled ones stop. An open DOWN or
   * DEGRADED incident of a check that stops is closed with a `resolved` event that says
   * why (closedReason): receivers that keep incidents (PagerDuty, Opsgenie) would
   * otherwise keep theirs open forever. A flapping episode closes quietly.
   */
  setChecks(specs: CheckSpec[]): void {
    const now = this.#clock.now()
    this.#latency?.setChecks(specs)
    const next = new Map<string, CheckTrack>()
    for (const spec of specs) {
      if (!spec.enabled) continue
      next.set(spec.id, this.#reconcile(spec))
    }
    const closed: AlertEvent[] = []
    for (const [checkId, track] of this.#checks) {
      if (next.has(checkId)) continue
      const disabled = specs.some((s) => s.id === checkId)
      closed.push(
        ...this.#checkIncidents.retire(track, disabled ? 'check disabled' : 'check removed'),
      )
    }
    const isDeployed = (checkId: string) => next.has(checkId)
    for (const incident of this.#restored ? unclaimedIncidents(this.#restored, isDeployed) : []) {
      if (incident.kind === 'down' || incident.kind === 'degraded') {
        closed.push(this.#checkIncidents.closeUnclaimed(incident, 'check removed'))
      } else {
        const message = 'check no longer deployed; closed without notification'
        closeQuietly(this.#incidents, incident.incidentId, now, message)
      }
    }
    this.#confirmations.keepOnly(isDeployed)
    this.#restored = null
    this.#checks = next
    for (const track of next.values()) {
      this.#applyOnline(track, null)
      const thresholds = flapThresholdsOf(track.spec, this.#alerting())
      for (const [name, series] of track.series) {
        series.flaps.judge(thresholds)
        series.slow = this.#latency?.reasons(track.spec.id, name) ?? null
      }
    }
    const changes = this.#regions.setChecks(
      [...next.values()].map((track) => track.spec),
      this.#alerting().regionLoss,
    )
    this.#applyRegionChanges(changes)
    // Receivers that got a removed check's alert must hear that it is closed.
    for (const event of closed) this.#onEvent(event)
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
    const series = track.series.get(name) ?? newHostSeries(track, name)
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
      const wasFailing = series.verdict === 'failing'
      advanceSeries(series, result.status, result.error, result.scheduledAt, track.spec.alert)
      if (this.#latency) series.slow = this.#latency.observe(track.spec, result)
      const problem = result.status === 'down'
      flapChanged = series.flaps.record(problem, flapThresholdsOf(track.spec, this.#alerting()))
      // Before the state change is judged: with failAfter > 1 a first down changes nothing yet.
      if (firstDown && !inhibited) this.#onFirstFailure?.(result.checkId, name)
      if (problem && !inhibited && track.status !== 'down') this.#followUp(track, result.checkId)
      if (!problem && wasFailing && !inhibited) this.#confirmRecovery(track, name)
      const changes = this.#regions.record(
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
    this.#confirmations.remember(checkId, at, detail, this.#clock.now())
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
    const state = alertStateOf(track, (name) => this.#inhibited(track, name))
    const latency = this.#latency?.describe(checkId)
    return latency ? { ...state, latency } : state
  }

  /** The state of every deployed check, in deploy order. */
  states(): CheckAlertState[] {
    return [...this.#checks.keys()].map((checkId) => this.state(checkId))
  }

  /** Every region that region checks run in (or that is still lost), by name. */
  regionStates(): RegionState[] {
    return this.#regions.states()
  }

  /** The track for a deployed spec: kept, restored from open incidents, or new. */
  #reconcile(spec: CheckSpec): CheckTrack {
    const existing = this.#checks.get(spec.id)
    if (existing) {
      // Host checks have no configured series: theirs appear as hosts report.
      const configured = regionsOf(spec)
      const series = configured
        ? new Map(configured.map((r) => [r, existing.series.get(r) ?? newSeries()]))
        : existing.series
      return { ...existing, spec, series }
    }
    const track = newCheckTrack(spec)
    if (this.#restored) restoreTrack(track, this.#restored, this.#incidents, this.#clock)
    return track
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
    const flapTransition = this.#flappingEpisodes.judge(track, t, quorum)
    const events: AlertEvent[] = []

    if (!track.down && t.failing.length >= quorum) {
      events.push(
        this.#checkIncidents.fire(track, 'down', orderedSeries(track, t.failing), quorum, cause),
      )
    } else if (track.down && t.failing.length + t.quietFailing < quorum && t.conclusive >= quorum) {
      events.push(this.#checkIncidents.resolve(track, 'down', quorum, cause))
    }

    const troubled = t.failing.length + t.degraded.length
    const now = this.#clock.now()
    if (track.degraded && (track.down || !spec.alert.pageOnDegraded)) {
      const why = track.down
        ? 'the check went DOWN; its DOWN incident carries on'
        : 'pageOnDegraded turned off; closed without notification'
      closeQuietly(this.#incidents, track.degraded.id, now, why)
      track.degraded = null
    } else if (!track.degraded && !track.down && spec.alert.pageOnDegraded && troubled >= quorum) {
      const regions = orderedSeries(track, [...t.failing, ...t.degraded])
      events.push(this.#checkIncidents.fire(track, 'degraded', regions, quorum, cause))
    } else if (track.degraded && troubled < quorum && t.conclusive >= quorum) {
      events.push(this.#checkIncidents.resolve(track, 'degraded', quorum, cause))
    }

    const status = statusOf(t, quorum, track.down !== null)
    if (status !== track.status) {
      track.status = status
      track.since = now
      this.#onStateChange?.({ checkId: spec.id, series: null, state: status, at: now })
    }
    if (flapTransition)
      events.unshift(this.#flappingEpisodes.event(track, flapTransition, t, quorum))
    for (const event of events) this.#onEvent(event)
  }

  /**
   * Announces regions lost or recovered and re-judges every check that runs there. A
   * recovered region's failing series start over (resetVerdict): what they counted
   * while the region was lost must not page the moment the region counts again.
   */
  #applyRegionChanges(changes: RegionLossChange[]): void {
    for (const change of changes) {
      const event = this.#regions.announce(change)
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
      else this.#seriesChanged(track, name, seriesState(series))
      changed = true
    }
    return changed
  }

  /** Puts a series' new state on the open incident's timeline. */
  #noteSeries(track: CheckTrack, name: string, state: RegionAlertState, cause: Cause): void {
    this.#seriesChanged(track, name, state)
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

  #seriesChanged(track: CheckTrack, name: string, state: RegionAlertState): void {
    const at = this.#clock.now()
    this.#onStateChange?.({ checkId: track.spec.id, series: name, state, at })
  }

  /** Asks for the re-runs that seriesToRerun picks (follow-up-runs.ts). */
  #followUp(track: CheckTrack, checkId: string): void {
    if (!this.#onPendingFailure) return
    for (const name of seriesToRerun(track, (series) => this.#inhibited(track, series))) {
      this.#onPendingFailure(checkId, name)
    }
  }

  /**
   * Asks for the runs that confirm a recovery under way (follow-up-runs.ts): the regions
   * still failing when the first one of a DOWN check passes, and this region again while
   * it is short of recoverAfter. Called before the check is judged, so `track.status` is
   * still what it was when the result arrived.
   */
  #confirmRecovery(track: CheckTrack, name: string): void {
    const series = track.series.get(name)!
    const checkId = track.spec.id
    if (this.#onFirstRecovery && track.status === 'down' && series.servedStreak === 1) {
      const ask = seriesStillFailing(track, name, (other) => this.#inhibited(track, other))
      if (ask.length > 0) this.#onFirstRecovery(checkId, name, ask)
    }
    if (recoveryPending(series, track.spec.alert.recoverAfter)) {
      this.#onPendingRecovery?.(checkId, name)
    }
  }

  /** Series of region checks in a lost region are left out of the check's counts. */
  #inhibited(track: CheckTrack, name: string): boolean {
    return regionsOf(track.spec) !== null && this.#regions.isLost(name)
  }
}
