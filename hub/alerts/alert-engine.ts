/**
 * The hub's first alert rule. Each region of a check turns failing after
 * `alert.failAfter` consecutive down results and passing again after
 * `alert.recoverAfter` consecutive up/degraded ones. The check is DOWN while at least
 * `effectiveQuorum(spec)` regions fail: that opens an incident and emits `fired` once;
 * dropping below the quorum resolves it and emits `resolved` once. Fewer failing
 * regions than the quorum is `partial`: shown by state(), never paged.
 *
 * Host checks (`host.*`) are judged per host instead: each probe that reports is its own
 * series (keyed by probe id, added as its first result arrives), and the quorum is 1, so
 * any failing host makes the check DOWN and the event's `regions` lists the failing probes.
 *
 * A later issue replaces this with a richer engine (confirmation runs, flap detection,
 * inhibition, durable delivery); this one stays deliberately small.
 */
import type { CheckResult } from '../../checks/result.ts'
import {
  effectiveQuorum,
  regionsOf,
  seriesOf,
  type AlertPolicy,
  type CheckSpec,
} from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { AlertEvent, CheckAlertState, CheckAlertStatus, RegionAlertState } from '../types.ts'
import type { Incident, IncidentError, IncidentStore } from './incident-store.ts'

export interface AlertEngineOptions {
  clock: Clock
  incidents: IncidentStore
  /** Called once per fired/resolved transition, after state and incident are saved. Must not throw. */
  onEvent: (event: AlertEvent) => void
  /**
   * Called when a series sees its first down result while the check is not DOWN: the
   * moment a confirmation run (confirmations.ts) pays off most. Must not throw.
   */
  onFirstFailure?: (checkId: string, series: string) => void
  /**
   * Results measured longer ago than this are ignored. After a hub restart the
   * engine has no memory of what it last saw, so this is what keeps an outbox
   * replayed by a probe from paging about an outage that is already over.
   * Default 10 minutes: well above normal batching delays, well below "news".
   */
  maxResultAgeMs?: number
}

const DEFAULT_MAX_RESULT_AGE_MS = 10 * 60_000

interface RegionTrack {
  state: RegionAlertState
  downStreak: number
  upStreak: number
  /** scheduledAt of the newest result seen; a result not newer than this is late. */
  lastScheduledAt: number
  /** The first error of the current failure streak, and when it was measured. */
  firstError: { error: IncidentError; scheduledAt: number } | null
}

interface OpenIncident {
  id: string
  startedAt: number
  firstError: IncidentError | null
  /** Every region that failed while the incident was open. */
  regions: Set<string>
}

interface CheckTrack {
  spec: CheckSpec
  /** Keyed by series: the region, or the probe id for host checks. */
  regions: Map<string, RegionTrack>
  status: CheckAlertStatus
  since: number | null
  incident: OpenIncident | null
}

/** Why the engine re-evaluated a check, as the incident timeline records it. */
type Cause = { result: Record<string, unknown> } | { config: string }

function newRegion(): RegionTrack {
  return {
    state: 'unknown',
    downStreak: 0,
    upStreak: 0,
    lastScheduledAt: -Infinity,
    firstError: null,
  }
}

/**
 * Applies one conclusive result to a region's streaks; returns whether its state changed.
 * A single down result is not a verdict yet, so an unknown region stays unknown until
 * it passes or reaches failAfter.
 */
function advanceRegion(region: RegionTrack, result: CheckResult, policy: AlertPolicy): boolean {
  const before = region.state
  if (result.status === 'down') {
    region.upStreak = 0
    region.downStreak += 1
    if (result.error && !region.firstError) {
      region.firstError = { error: result.error, scheduledAt: result.scheduledAt }
    }
    if (region.downStreak >= policy.failAfter) region.state = 'failing'
  } else {
    region.downStreak = 0
    region.upStreak += 1
    if (region.state !== 'failing' || region.upStreak >= policy.recoverAfter) {
      region.state = 'passing'
      region.firstError = null
    }
  }
  return region.state !== before
}

/** What the timeline keeps of a result: enough to find it again, with its own times. */
function summarize(result: CheckResult): Record<string, unknown> {
  return {
    id: result.id,
    probeId: result.probeId,
    region: result.region,
    status: result.status,
    scheduledAt: result.scheduledAt,
    startedAt: result.startedAt,
    ...(result.error ? { error: result.error } : {}),
  }
}

/**
 * Turns check results into alert transitions.
 *
 * @example
 * const engine = new AlertEngine({ clock: systemClock, incidents, onEvent: notifier.notify })
 * engine.setChecks(config.checks)
 * for (const result of batch.results) engine.observe(result)
 * engine.state('api-health') // { status: 'partial', failingRegions: ['eu-west'], ... }
 */
export class AlertEngine {
  readonly #clock: Clock
  readonly #incidents: IncidentStore
  readonly #onEvent: (event: AlertEvent) => void
  readonly #onFirstFailure: ((checkId: string, series: string) => void) | undefined
  readonly #maxResultAgeMs: number
  #checks = new Map<string, CheckTrack>()
  /** Incidents left open by the previous hub process, until setChecks claims them. */
  #restored: Map<string, Incident> | null

  constructor(options: AlertEngineOptions) {
    this.#clock = options.clock
    this.#incidents = options.incidents
    this.#onEvent = options.onEvent
    this.#onFirstFailure = options.onFirstFailure
    this.#maxResultAgeMs = options.maxResultAgeMs ?? DEFAULT_MAX_RESULT_AGE_MS
    this.#restored = new Map(options.incidents.openIncidents().map((i) => [i.checkId, i]))
  }

  /**
   * Applies the deployed checks: new ones start unknown, changed ones keep the state of
   * the regions they still run in, and removed or disabled ones stop. An open incident
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
      if (next.has(checkId) || !track.incident) continue
      const reason = specs.some((s) => s.id === checkId) ? 'disabled' : 'removed from the config'
      this.#closeQuietly(track.incident.id, now, `check ${reason}; closed without notification`)
    }
    for (const incident of this.#restored?.values() ?? []) {
      if (next.has(incident.checkId)) continue
      this.#closeQuietly(
        incident.incidentId,
        now,
        'check no longer deployed; closed without notification',
      )
    }
    this.#restored = null
    this.#checks = next
    // A changed quorum or region list can cross the threshold without any new result.
    for (const track of next.values()) this.#evaluate(track, { config: 'checks deployed' })
  }

  /**
   * Feeds one result to the rule. Ignored: unknown checks, regions the check does not
   * run in (a host check takes every probe that reports), late results (not newer than
   * the last one seen for the check and series), results older than maxResultAgeMs,
   * and inconclusive results (the probe could not tell, so they neither count as down
   * nor break a streak).
   */
  observe(result: CheckResult): void {
    const track = this.#checks.get(result.checkId)
    if (!track) return
    // Checked before a host series is added, so an old replay cannot add a host.
    if (this.#clock.now() - result.scheduledAt > this.#maxResultAgeMs) return
    const series = seriesOf(result)
    const region = track.regions.get(series) ?? this.#newHostSeries(track, series)
    if (!region) return
    if (result.scheduledAt <= region.lastScheduledAt) return
    region.lastScheduledAt = result.scheduledAt
    if (result.status === 'inconclusive') return
    const firstDown = result.status === 'down' && region.downStreak === 0 && track.status !== 'down'
    const changed = advanceRegion(region, result, track.spec.alert)
    // Before the state change is judged: with failAfter > 1 a first down changes nothing yet.
    if (firstDown) this.#onFirstFailure?.(result.checkId, series)
    if (!changed) return

    const cause = { result: summarize(result) }
    if (track.incident) {
      if (region.state === 'failing') track.incident.regions.add(series)
      this.#incidents.addEvent(track.incident.id, this.#clock.now(), 'region', {
        region: series,
        state: region.state,
        ...cause,
      })
    }
    this.#evaluate(track, cause)
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
    for (const [name, region] of track.regions) regions[name] = region.state
    return {
      checkId,
      status: track.status,
      regions,
      failingRegions: failingRegions(track),
      since: track.since,
      incidentId: track.incident?.id ?? null,
    }
  }

  /** The state of every deployed check, in deploy order. */
  states(): CheckAlertState[] {
    return [...this.#checks.keys()].map((checkId) => this.state(checkId))
  }

  /** The track for a deployed spec: kept, restored from an open incident, or new. */
  #reconcile(spec: CheckSpec): CheckTrack {
    const existing = this.#checks.get(spec.id)
    // Host checks have no configured series: theirs appear as hosts report.
    const configured = regionsOf(spec)
    if (existing) {
      const regions = configured
        ? new Map(configured.map((r) => [r, existing.regions.get(r) ?? newRegion()]))
        : existing.regions
      return { ...existing, spec, regions }
    }
    const track: CheckTrack = {
      spec,
      regions: new Map((configured ?? []).map((r) => [r, newRegion()])),
      status: 'unknown',
      since: null,
      incident: null,
    }
    const restored = this.#restored?.get(spec.id)
    if (restored) {
      // The incident's regions fail again as if failAfter downs had just been seen,
      // so recovery still takes recoverAfter ups in each of them.
      for (const name of restored.regions) {
        const region = track.regions.get(name) ?? this.#newHostSeries(track, name)
        if (!region) continue
        region.state = 'failing'
        region.downStreak = spec.alert.failAfter
      }
      track.incident = {
        id: restored.incidentId,
        startedAt: restored.startedAt,
        firstError: restored.firstError,
        regions: new Set(restored.regions),
      }
      track.status = 'down'
      track.since = restored.startedAt
    }
    return track
  }

  /** Fires or resolves when the failing regions cross the quorum, then updates the status. */
  #evaluate(track: CheckTrack, cause: Cause): void {
    const failing = failingRegions(track)
    const quorum = effectiveQuorum(track.spec)
    let event: AlertEvent | null = null
    if (!track.incident && failing.length >= quorum) {
      event = this.#fire(track, failing, quorum, cause)
    } else if (track.incident && failing.length < quorum) {
      event = this.#resolve(track, track.incident, quorum, cause)
    }
    const status = statusOf(track, failing)
    if (status !== track.status) {
      track.status = status
      track.since = this.#clock.now()
    }
    // Emitted last, so a listener that reads state() sees the transition already made.
    if (event) this.#onEvent(event)
  }

  #fire(track: CheckTrack, failing: string[], quorum: number, cause: Cause): AlertEvent {
    const at = this.#clock.now()
    const { spec } = track
    const firstError = earliestError(track, failing)
    const id = this.#incidents.open({ checkId: spec.id, at, regions: failing, firstError })
    this.#incidents.addEvent(id, at, 'fired', { regions: failing, quorum, firstError, ...cause })
    track.incident = { id, startedAt: at, firstError, regions: new Set(failing) }
    return {
      type: 'fired',
      incidentId: id,
      checkId: spec.id,
      checkName: spec.name ?? spec.id,
      at,
      regions: failing,
      quorum,
      firstError,
    }
  }

  #resolve(track: CheckTrack, incident: OpenIncident, quorum: number, cause: Cause): AlertEvent {
    const at = this.#clock.now()
    const durationMs = at - incident.startedAt
    this.#incidents.resolve(incident.id, at)
    this.#incidents.addEvent(incident.id, at, 'resolved', { durationMs, ...cause })
    track.incident = null
    return {
      type: 'resolved',
      incidentId: incident.id,
      checkId: track.spec.id,
      checkName: track.spec.name ?? track.spec.id,
      at,
      regions: [...incident.regions],
      quorum,
      firstError: incident.firstError,
      durationMs,
    }
  }

  /** A host check's series for a probe seen for the first time; none for region checks. */
  #newHostSeries(track: CheckTrack, probeId: string): RegionTrack | undefined {
    if (regionsOf(track.spec) !== null) return undefined
    const series = newRegion()
    track.regions.set(probeId, series)
    return series
  }

  #closeQuietly(incidentId: string, at: number, message: string): void {
    this.#incidents.resolve(incidentId, at)
    this.#incidents.addEvent(incidentId, at, 'note', { message })
  }
}

function statusOf(track: CheckTrack, failing: string[]): CheckAlertStatus {
  if (track.incident) return 'down'
  if (failing.length > 0) return 'partial'
  for (const region of track.regions.values()) if (region.state === 'passing') return 'up'
  return 'unknown'
}

/** Failing regions in the order the check lists them; failing hosts sorted by probe id. */
function failingRegions(track: CheckTrack): string[] {
  const failing = [...track.regions].filter(([, r]) => r.state === 'failing').map(([name]) => name)
  return regionsOf(track.spec) ? failing : failing.sort()
}

/** The earliest-measured error among the given regions' current failure streaks. */
function earliestError(track: CheckTrack, regions: string[]): IncidentError | null {
  let earliest: RegionTrack['firstError'] = null
  for (const name of regions) {
    const candidate = track.regions.get(name)?.firstError ?? null
    if (candidate && (!earliest || candidate.scheduledAt < earliest.scheduledAt))
      earliest = candidate
  }
  return earliest?.error ?? null
}
