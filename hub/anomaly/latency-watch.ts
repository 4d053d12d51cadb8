/**
 * The hub's latency watch: for each check that measures a latency (http, tcp, dns,
 * ping) and each of its regions, one streaming anomaly detector (detector/) and one
 * window of recent runs for the `expect.latency` limits. The alert engine hands it every
 * result it accepts (engine/latency-judge.ts); a region past a limit or in an anomaly
 * (region-episode.ts) shows degraded with the reason, and anomalies that regions agree
 * on become tickets (anomaly-tickets.ts). It never touches a result's status, so
 * availability is what the probes measured.
 *
 * State lives in memory and is written to SQLite (latency-store.ts) at most every
 * FLUSH_MS and when the hub stops; a restarted hub carries on from the last write.
 */
import type { AlertEvent } from '../../checks/alert-event.ts'
import type { CheckResult } from '../../checks/result.ts'
import { regionsOf, type CheckSpec } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { RegionLatency } from '../alerts/alert-state.ts'
import type { LatencyJudge } from '../alerts/engine/latency-judge.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import type { Database } from '../store/database.ts'
import { AnomalyTickets } from './anomaly-tickets.ts'
import { decodeDetectorState, encodeDetectorState } from './detector/detector-state.ts'
import { SeriesDetector } from './detector/series-detector.ts'
import { latencyLimitsOf, latencyOf, measuresLatency, watchesAnomalies } from './latency-of.ts'
import { judgeLimits, longestBaselineMs, type LimitsOutcome } from './latency-limits.ts'
import { LatencyStore, type LatencyRow } from './latency-store.ts'
import { formatMs } from './latency-text.ts'
import { addToWindow, newLatencyWindow, type LatencyWindowState } from './latency-window.ts'
import {
  advanceEpisode,
  newEpisode,
  type EpisodeState,
  type OpenAnomaly,
} from './region-episode.ts'

/** State is written at most this often: a crash loses at most this much learning. */
export const FLUSH_MS = 10_000

interface SeriesWatch {
  detector: SeriesDetector | null
  window: LatencyWindowState
  episode: EpisodeState
  last: { at: number; ms: number; baselineMs: number | null; score: number | null } | null
  limits: LimitsOutcome
  dirty: boolean
}

export interface LatencyWatchOptions {
  db: Database
  clock: Clock
  incidents: IncidentStore
  /** Hears anomaly tickets (the dispatcher). Must not throw. */
  onEvent: (event: AlertEvent) => void
  logger?: Logger
}

function anomalyReason(open: OpenAnomaly, score: number | null): string {
  const scored = score === null ? '' : `, anomaly score ${open.peakScore.toFixed(2)}`
  return `latency ${formatMs(open.latestMs)}, expected ${formatMs(open.expectedMs)}${scored}`
}

/** Watches latencies per check and region. @example new LatencyWatch({ db, clock, incidents, onEvent }) */
export class LatencyWatch implements LatencyJudge {
  readonly #clock: Clock
  readonly #logger: Logger | undefined
  readonly #store: LatencyStore
  readonly #tickets: AnomalyTickets
  readonly #series = new Map<string, Map<string, SeriesWatch>>()
  #specs = new Map<string, CheckSpec>()
  #flushedAt: number

  constructor(options: LatencyWatchOptions) {
    this.#clock = options.clock
    this.#logger = options.logger
    this.#store = new LatencyStore(options.db)
    this.#tickets = new AnomalyTickets(options.clock, options.incidents, options.onEvent)
    this.#flushedAt = options.clock.now()
    for (const row of this.#store.load()) this.#restore(row)
  }

  setChecks(specs: CheckSpec[]): void {
    const next = new Map(
      specs.filter((spec) => spec.enabled && measuresLatency(spec)).map((spec) => [spec.id, spec]),
    )
    for (const checkId of new Set([...this.#series.keys(), ...this.#tickets.openChecks()])) {
      const spec = next.get(checkId)
      if (!spec) {
        this.#tickets.retire(checkId, 'the check was removed or disabled')
        this.#series.delete(checkId)
        this.#store.forget(checkId)
        continue
      }
      const regions = new Set(regionsOf(spec))
      const series = this.#series.get(checkId)
      const dropped = [...(series?.keys() ?? [])].filter((region) => !regions.has(region))
      for (const region of dropped) series!.delete(region)
      // Rows are per check: rewrite the regions that stay, without the ones dropped.
      if (dropped.length > 0) this.#store.forget(checkId)
      for (const watch of series?.values() ?? []) {
        if (dropped.length > 0) watch.dirty = true
        if (!watchesAnomalies(spec)) this.#stopDetector(watch)
        if (!latencyLimitsOf(spec)) watch.limits = { reasons: [] }
      }
      if (!watchesAnomalies(spec)) this.#tickets.retire(checkId, 'anomaly: false was deployed')
    }
    this.#specs = next
  }

  observe(spec: CheckSpec, result: CheckResult): string[] | null {
    if (!this.#specs.has(spec.id) || !measuresLatency(spec)) return null
    const ms = latencyOf(result)
    if (ms === null) return this.reasons(spec.id, result.region)
    const at = result.scheduledAt
    const watch = this.#watch(spec.id, result.region)
    let baselineMs: number | null = null
    let score: number | null = null
    let change: 'opened' | 'closed' | null = null
    if (watchesAnomalies(spec)) {
      watch.detector ??= new SeriesDetector({ direction: 'up' })
      const observation = watch.detector.observe(at, ms)
      baselineMs = observation.expected
      score = observation.score
      change = advanceEpisode(watch.episode, observation, at, ms)
    }
    const limits = latencyLimitsOf(spec)
    if (limits) {
      addToWindow(watch.window, at, ms, limits.runs, longestBaselineMs(limits))
      watch.limits = judgeLimits(limits, watch.window, at)
    }
    watch.last = { at, ms, baselineMs, score }
    watch.dirty = true
    if (change) {
      this.#logger?.info(
        { checkId: spec.id, region: result.region, ms },
        `latency anomaly ${change}`,
      )
      this.#tickets.update(spec, this.#anomalous(spec))
    }
    return this.reasons(spec.id, result.region)
  }

  reasons(checkId: string, series: string): string[] | null {
    const watch = this.#series.get(checkId)?.get(series)
    if (!watch || !this.#specs.has(checkId)) return null
    const reasons = [...watch.limits.reasons]
    if (watch.episode.open)
      reasons.push(anomalyReason(watch.episode.open, watch.last?.score ?? null))
    return reasons.length > 0 ? reasons : null
  }

  describe(checkId: string): Record<string, RegionLatency> | undefined {
    const series = this.#series.get(checkId)
    if (!series || !this.#specs.has(checkId)) return undefined
    const out: Record<string, RegionLatency> = {}
    for (const [region, watch] of series) {
      if (!watch.last) continue
      const { p50Ms, p95Ms, medianMs } = watch.limits
      const open = watch.episode.open
      out[region] = {
        currentMs: watch.last.ms,
        at: watch.last.at,
        baselineMs: watch.last.baselineMs,
        score: watch.last.score,
        ...(p50Ms !== undefined ? { p50Ms } : {}),
        ...(p95Ms !== undefined ? { p95Ms } : {}),
        ...(medianMs !== undefined ? { medianMs } : {}),
        reasons: this.reasons(checkId, region) ?? [],
        anomaly: open
          ? { since: open.since, baselineMs: open.expectedMs, peakScore: open.peakScore }
          : null,
      }
    }
    return Object.keys(out).length > 0 ? out : undefined
  }

  /** Writes what changed since the last write, when FLUSH_MS passed or `force`. */
  flush(force = false): void {
    const now = this.#clock.now()
    if (!force && now - this.#flushedAt < FLUSH_MS) return
    this.#flushedAt = now
    const rows: LatencyRow[] = []
    for (const [checkId, series] of this.#series) {
      for (const [region, watch] of series) {
        if (!watch.dirty) continue
        watch.dirty = false
        rows.push({
          checkId,
          region,
          detector: watch.detector ? encodeDetectorState(watch.detector.state) : null,
          window: JSON.stringify(watch.window),
          episode: JSON.stringify(watch.episode),
          updatedAt: now,
        })
      }
    }
    this.#store.save(rows)
  }

  #anomalous(spec: CheckSpec): [string, OpenAnomaly][] {
    const series = this.#series.get(spec.id)
    return (regionsOf(spec) ?? []).flatMap((region) => {
      const open = series?.get(region)?.episode.open
      return open ? [[region, open] as [string, OpenAnomaly]] : []
    })
  }

  #watch(checkId: string, region: string): SeriesWatch {
    let series = this.#series.get(checkId)
    if (!series) this.#series.set(checkId, (series = new Map()))
    let watch = series.get(region)
    if (!watch) {
      watch = {
        detector: null,
        window: newLatencyWindow(),
        episode: newEpisode(),
        last: null,
        limits: { reasons: [] },
        dirty: true,
      }
      series.set(region, watch)
    }
    return watch
  }

  #stopDetector(watch: SeriesWatch): void {
    if (!watch.detector && !watch.episode.open) return
    watch.detector = null
    watch.episode = newEpisode()
    watch.dirty = true
  }

  /** A stored row back in memory; a row that cannot be read starts over. */
  #restore(row: LatencyRow): void {
    const watch = this.#watch(row.checkId, row.region)
    watch.dirty = false
    try {
      const state = row.detector ? decodeDetectorState(row.detector) : null
      watch.detector = state ? new SeriesDetector({ direction: 'up' }, state) : null
      watch.window = JSON.parse(row.window) as LatencyWindowState
      watch.episode = JSON.parse(row.episode) as EpisodeState
    } catch (err) {
      this.#logger?.warn(
        { err, checkId: row.checkId, region: row.region },
        'latency state unreadable; starting over',
      )
      Object.assign(watch, { detector: null, window: newLatencyWindow(), episode: newEpisode() })
    }
  }
}
