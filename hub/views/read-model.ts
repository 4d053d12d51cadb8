/**
 * The hub's read model: what the check list, the internal view and the status pages show
 * of every check, kept in memory and current as results and state changes arrive, so
 * that a page over 10,000 checks is built without a query per check. Longer than 400
 * lines because the counts and the days share one index of checks and series over flat
 * typed arrays (a few bytes a cell instead of an object each, at
 * 10,000 checks); split apart, each part would keep its own index.
 *
 * Per check it keeps the newest result of each series, the first result's time, its
 * confirmed outages of the last 92 days, its status, and:
 *
 * - run counts per series and status, per hour for the last 26 hours and per minute for
 *   the current and the previous hour: the 1 h and 24 h availability and the last hour's
 *   minute bars, exact to the minute as the rollups give them. The minutes of the hour
 *   24 hours back, where the 24-hour window starts, are read from the minute rollups of
 *   every check at once, once an hour (one range of their key);
 * - its time per quorum verdict per UTC day for 91 days and per hour for 26 hours
 *   (state-time-ring.ts): the status pages' bars, from the day rollups. Finished days are persisted in
 *   `read_model_days` (a row per day, every check in it), so a restart reads 90 rows
 *   instead of every check's 90 days; today is read again from the open day rows of all
 *   checks every 30 s.
 *
 * Counts are added when ingest has stored a result (`accept`, from Ingest's
 * onAccepted), times read from the rollups the state roller writes, outages read again
 * when the check's status changes (`stateChanged`, from the engine's onStateChange).
 * Everything that changes what a page shows bumps `version()` and tells `onChange`
 * listeners (read-model-versions.ts): the pages' caches key on it, so the next request after a state change
 * builds anew. A result only bumps its check's `checkVersion`.
 */
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { regionsOf, seriesOf } from '../../checks/spec.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type {
  CheckAlertState,
  CheckAlertStatus,
  Outage,
  StateChange,
} from '../alerts/alert-state.ts'
import type { Cell } from '../history/rollup-cell.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import { StoredDays, verdictTimes, verdictTimesInto, type VerdictTimes } from './read-model-days.ts'
import { ReadModelVersions } from './read-model-versions.ts'
import { growArray } from './grow-array.ts'
import { StateTimeRing, TIMES } from './state-time-ring.ts'
import { WindowRuns, type WindowRunsTotal } from './read-model-window.ts'
import type { Database } from '../store/database.ts'
import type { ResultStore } from '../store/result-store.ts'
import { emptyCounts, type StatusCounts } from '../store/status-counts.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Hours of counts and of state time kept: the 24-hour window and its two edges. */
const HOUR_RING = 26
/** Days of state time kept: 90 bars and today, and one to spare. */
const DAY_RING = 92
/** Run counts per cell: up, degraded, down, inconclusive, maintenance. */
const FIELDS = 5
const F_MAINTENANCE = 4
const FIELD_OF: Record<CheckStatus, number> = { up: 0, degraded: 1, down: 2, inconclusive: 3 }
/** State time per cell: up, degraded (with partial and insufficient), down, maintenance (ms). */
/** How often today's state time is read again, and the 24 h window's edge looked after. */
export const REFRESH_MS = 30_000
/** A finished day is persisted once it has been over this long (the roller writes late). */
const SETTLE_MS = 10 * MIN

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit
const ringOf = (start: number, unit: number, size: number) => (start / unit) % size

/**
 * The newest result of a series, as much of it as the pages read: the fields of the
 * check view's ResultSummary, and what plainReason and the probe list read.
 */
export interface LatestRun {
  status: CheckStatus
  at: number
  durationMs: number
  latencyMs: number
  error: { code: string; message: string } | null
  probeId: string
  id: string
  scheduledAt: number
  region: string
  /** What plainReason reads: the failed assertions and the certificate's days left. */
  assertions: CheckResult['assertions']
  metrics?: { certDaysLeft?: number }
}

export interface ReadModelOptions {
  db: Database
  config: () => MonitoringConfig
  results: ResultStore
  incidents: { outages: (checkId: string, from: number, to: number) => Outage[] }
  alertState: (checkId: string) => CheckAlertState
  clock: Clock
  logger: Logger
  /** Whether a result was measured in a maintenance window (as ingest judged it). Default: never. */
  inMaintenance?: (result: CheckResult) => boolean
}

/** A check's minutes by verdict over one day or hour (hub/statuspages/history.ts's CheckMinutes). */
export interface VerdictMinutes {
  start: number
  up: number
  degraded: number
  down: number
  maintenance: number
}

function latestRun(result: CheckResult): LatestRun {
  const cert = result.metrics?.certDaysLeft
  return {
    id: result.id,
    scheduledAt: result.scheduledAt,
    region: result.region,
    status: result.status,
    at: result.startedAt,
    durationMs: result.durationMs,
    latencyMs: result.metrics?.rttAvgMs ?? result.durationMs,
    error: result.error ?? null,
    probeId: result.probeId,
    assertions: (result.assertions ?? []).filter((a) => !a.ok),
    ...(cert !== undefined ? { metrics: { certDaysLeft: cert } } : {}),
  }
}

/** Adds a rollup cell's runs to `counts` at `at` (FIELDS of them, in order), each at most `max`. */
function addRuns(counts: Uint8Array | Uint16Array, at: number, cell: Cell, max: number): void {
  counts[at] = Math.min(max, counts[at]! + cell.up)
  counts[at + 1] = Math.min(max, counts[at + 1]! + cell.degraded)
  counts[at + 2] = Math.min(max, counts[at + 2]! + cell.down)
  counts[at + 3] = Math.min(max, counts[at + 3]! + cell.inconclusive)
  counts[at + 4] = Math.min(max, counts[at + 4]! + cell.maintenance)
}

const newer = (a: LatestRun, b: LatestRun) =>
  a.scheduledAt > b.scheduledAt || (a.scheduledAt === b.scheduledAt && a.id > b.id)

export class ReadModel {
  readonly #o: ReadModelOptions
  // Checks.
  readonly #index = new Map<string, number>()
  readonly #ids: string[] = []
  #latest: Array<Map<string, LatestRun>> = []
  #firstAt = new Float64Array(1024).fill(Number.NaN)
  #outages: Outage[][] = []
  #status: CheckAlertStatus[] = []
  #checkVersion = new Float64Array(1024)
  // Series: a slot per (check, series).
  readonly #slot = new Map<string, number>()
  #seriesOf: Array<Map<string, number>> = []
  #slotCount = 0
  // Run counts.
  #hourCounts = new Uint16Array(1024 * HOUR_RING * FIELDS)
  readonly #hourTags = new Float64Array(HOUR_RING).fill(Number.NaN)
  #minuteCounts = new Uint8Array(1024 * 2 * 60 * FIELDS)
  readonly #minuteTags = new Float64Array(2).fill(Number.NaN)
  #edgeCounts = new Uint8Array(1024 * 2 * 60 * FIELDS)
  readonly #edgeTags = new Float64Array(2).fill(Number.NaN)
  /**
   * Per check and minute, the runs' summed and longest duration in whole ms (what
   * results and rollup cells hold): 32 bits hold 49 days, a Float32 only 2^24 ms exact.
   */
  #minuteDur = new Uint32Array(1024 * 2 * 60 * 2)
  // State time.
  readonly #days = new StateTimeRing(DAY, DAY_RING)
  readonly #hours = new StateTimeRing(HOUR, HOUR_RING)
  #daysReady = false
  #daysGeneration = 0
  readonly #persisted = new Set<number>()
  #todayReadAt = -Infinity
  /** The day whose hours (for the 24-hour figures) were last read in full. */
  #hoursReadOf = Number.NaN
  // Versions.
  readonly #versions: ReadModelVersions
  #dayReads = 0
  #summary: { version: number; counts: Record<CheckAlertStatus, number> } | null = null
  #timer: NodeJS.Timeout | undefined
  #building: Promise<void> = Promise.resolve()
  #closed = false
  readonly #storedDays
  readonly #windows: WindowRuns

  constructor(options: ReadModelOptions) {
    this.#o = options
    this.#versions = new ReadModelVersions(options.logger)
    this.#storedDays = new StoredDays(options.db)
    this.#windows = new WindowRuns({
      db: options.db,
      rollups: options.results.rollups,
      hourCoverage: (now) => options.results.history.coverage(now).hour,
      logger: options.logger,
    })
  }

  // ---- Versions (read-model-versions.ts) ----

  /** Changes whenever what a page shows may have changed beyond one check's results. */
  version(): number {
    return this.#versions.version()
  }

  /** Changes with every result of the check accepted. */
  checkVersion(checkId: string): number {
    const i = this.#index.get(checkId)
    return i === undefined ? -1 : this.#checkVersion[i]!
  }

  /** Hears every change of `version()`, with its reason. */
  onChange(listener: (reason: string) => void): () => void {
    return this.#versions.onChange(listener)
  }

  /** Something a page shows changed (a post, an override, a maintenance window, a deploy). */
  changed(reason: string): void {
    this.#versions.changed(reason)
  }

  /** Grows with every state change of the check (or of one of its series). */
  stateVersion(checkId: string): number {
    return this.#versions.stateVersion(checkId)
  }

  /** A post or an override changed: what a page shows, but nothing it computes from history. */
  pageChanged(reason: string): void {
    this.#versions.pageChanged(reason)
  }

  /** See ReadModelVersions.versionBesidesStates. */
  versionBesidesStates(): number {
    return this.#versions.versionBesidesStates()
  }

  /** Changes whenever a day's state time is read again (today's every REFRESH_MS, when due). */
  todayGeneration(): number {
    this.#readToday(this.#o.clock.now(), false)
    return this.#dayReads
  }

  // ---- Inputs ----

  /** Follows the deployed checks; call after every deploy (and once at the start). */
  setChecks(): void {
    const specs = this.#o.config().checks
    this.#reserveFor(specs)
    for (const spec of specs) this.#check(spec.id)
    for (const [id, i] of this.#index) this.#status[i] = this.#o.alertState(id).status
    this.changed('deploy')
  }

  /** A check's status or a series' state changed (the alert engine's onStateChange). */
  stateChanged(change: StateChange): void {
    const i = this.#check(change.checkId)
    if (change.series === null) {
      this.#status[i] = change.state as CheckAlertStatus
      this.#readOutages(i)
    }
    this.#versions.stateChanged(change.checkId)
  }

  /** Results ingest has stored (Ingest's onAccepted): counts, newest results, first times. */
  accept(results: readonly CheckResult[]): void {
    for (const result of results) {
      const i = this.#check(result.checkId)
      const series = seriesOf(result)
      const slot = this.#slotOf(i, series)
      const maintenance = this.#o.inMaintenance?.(result) ?? false
      const field = maintenance ? F_MAINTENANCE : FIELD_OF[result.status]
      this.#count(slot, i, result.scheduledAt, field, maintenance ? null : result.durationMs, 1)
      this.#windows.add(result.checkId, series, result.scheduledAt, field)
      const run = latestRun(result)
      const latest = this.#latest[i]!
      const current = latest.get(series)
      if (!current || newer(run, current)) latest.set(series, run)
      const first = this.#firstAt[i]!
      if (Number.isNaN(first) || result.scheduledAt < first) this.#firstAt[i] = result.scheduledAt
      this.#checkVersion[i]! += 1
    }
  }

  // ---- Reads ----

  /** The status of a deployed check as the engine last said it; `unknown` for others. */
  statusOf(checkId: string): CheckAlertStatus {
    const i = this.#index.get(checkId)
    return i === undefined ? 'unknown' : (this.#status[i] ?? 'unknown')
  }

  /** Every deployed check by status, counted once per version. */
  summary(): Record<CheckAlertStatus, number> {
    if (this.#summary?.version === this.version()) return this.#summary.counts
    const counts = { up: 0, degraded: 0, partial: 0, insufficient: 0, down: 0, unknown: 0 }
    for (const spec of this.#o.config().checks) counts[this.statusOf(spec.id)] += 1
    this.#summary = { version: this.version(), counts }
    return counts
  }

  /** The newest result of each series, keyed as ResultStore.latestPerRegion keys it. */
  latest(checkId: string): ReadonlyMap<string, LatestRun> {
    const i = this.#index.get(checkId)
    return i === undefined ? new Map() : this.#latest[i]!
  }

  firstResultAt(checkId: string): number | null {
    const i = this.#index.get(checkId)
    const at = i === undefined ? Number.NaN : this.#firstAt[i]!
    return Number.isNaN(at) ? null : at
  }

  /** Confirmed outages overlapping [from, to), oldest first; kept for 92 days. */
  outages(checkId: string, from: number, to: number): Outage[] {
    const i = this.#index.get(checkId)
    if (i === undefined) return []
    return this.#outages[i]!.filter(
      (o) => o.startedAt < to && (o.endedAt === null || o.endedAt > from),
    )
  }

  /**
   * Counts per series over the minutes that start in each window (from and to rounded
   * up to the minute, as the rollups' totals are), for windows that start within the
   * last 24 hours; null for one that reaches further back (read it from the rollups).
   */
  regionCounts(
    checkId: string,
    windows: readonly { from: number; to: number }[],
  ): Array<Record<string, StatusCounts>> | null {
    const i = this.#index.get(checkId)
    if (i === undefined) return windows.map(() => ({}))
    const now = this.#o.clock.now()
    this.#ensureEdges(now)
    const out: Array<Record<string, StatusCounts>> = []
    for (const window of windows) {
      const start = ceilTo(window.from, MIN)
      const end = Math.max(start, ceilTo(window.to, MIN))
      const counts: Record<string, StatusCounts> = {}
      for (const [series, slot] of this.#seriesOf[i]!) {
        const sum = [0, 0, 0, 0, 0]
        for (let hour = floorTo(start, HOUR); hour < end; hour += HOUR) {
          const whole = hour >= start && hour + HOUR <= end
          if (whole && !this.#addHour(sum, slot, hour)) return null
          if (
            !whole &&
            !this.#addMinutes(sum, slot, hour, Math.max(start, hour), Math.min(end, hour + HOUR))
          )
            return null
        }
        if (sum.some((n) => n > 0)) {
          counts[series] = {
            ...emptyCounts(),
            up: sum[0]!,
            degraded: sum[1]!,
            down: sum[2]!,
            inconclusive: sum[3]!,
            maintenance: sum[4]!,
          }
        }
      }
      out.push(counts)
    }
    return out
  }

  /**
   * The check's runs per minute over all series for the minutes in [from, to) (within the
   * current and the previous hour), as ResultStore.buckets gives them; null otherwise.
   */
  minuteBuckets(
    checkId: string,
    from: number,
    to: number,
  ): Array<{ start: number } & StatusCounts> | null {
    const i = this.#index.get(checkId)
    const out: Array<{ start: number } & StatusCounts> = []
    for (let start = from; start < to; start += MIN) {
      const bucket = { start, ...emptyCounts() }
      out.push(bucket)
      if (i === undefined) continue
      const hour = floorTo(start, HOUR)
      const ring = ringOf(hour, HOUR, 2)
      if (this.#minuteTags[ring] !== hour) {
        if (this.#minuteTags[ring]! < hour || Number.isNaN(this.#minuteTags[ring]!)) continue
        return null
      }
      const minute = (start - hour) / MIN
      for (const slot of this.#seriesOf[i]!.values()) {
        const at = ((slot * 2 + ring) * 60 + minute) * FIELDS
        bucket.up += this.#minuteCounts[at]!
        bucket.degraded += this.#minuteCounts[at + 1]!
        bucket.down += this.#minuteCounts[at + 2]!
        bucket.inconclusive += this.#minuteCounts[at + 3]!
        bucket.maintenance += this.#minuteCounts[at + 4]!
      }
      const dur = ((i * 2 + ring) * 60 + minute) * 2
      bucket.durationSum = this.#minuteDur[dur]!
      bucket.durationMax = this.#minuteDur[dur + 1]!
    }
    return out
  }

  /**
   * Each check's runs per series over the last 30 days ([from, to), from = to - 30 days),
   * summed as the rollups' totals sum them (read-model-window.ts); null for a check where
   * the rollups must answer.
   */
  windowRuns(checkIds: readonly string[], from: number, to: number): Array<WindowRunsTotal | null> {
    return this.#windows.totals(checkIds, from, to)
  }

  /** Whether the day history is complete (built or loaded); until then pages read rollups. */
  daysReady(): boolean {
    return this.#daysReady
  }

  /** Changes whenever finished days may have changed. */
  daysGeneration(): number {
    return this.#daysGeneration
  }

  /** A check's minutes by verdict per UTC day (grain DAY) or hour (HOUR) in [from, to); null past what is kept. */
  verdictMinutes(
    checkId: string,
    from: number,
    to: number,
    grain: number,
  ): VerdictMinutes[] | null {
    const i = this.#index.get(checkId)
    const now = this.#o.clock.now()
    if (grain === DAY) this.#readToday(now, false)
    const ring = grain === DAY ? this.#days : this.#hours
    // A page's first build asks this of every check for 90 days: nothing but the rows.
    const out: VerdictMinutes[] = []
    for (let start = floorTo(from, grain); start < to; start += grain) {
      if (start > now) break
      if (!ring.holds(start)) return null
      out.push(
        i === undefined
          ? { start, up: 0, degraded: 0, down: 0, maintenance: 0 }
          : {
              start,
              up: Math.round(ring.get(i, start, 0) / MIN),
              degraded: Math.round(ring.get(i, start, 1) / MIN),
              down: Math.round(ring.get(i, start, 2) / MIN),
              maintenance: Math.round(ring.get(i, start, 3) / MIN),
            },
      )
    }
    return out
  }

  // ---- Life cycle ----

  /**
   * Reads what the model keeps from the store: per check its newest results, first time,
   * outages and status; the counts of the last 26 hours; the persisted days (or, on a
   * hub that never persisted them, every check's 90 days, in the background).
   */
  load(): void {
    const now = this.#o.clock.now()
    const { results } = this.#o
    const specs = this.#o.config().checks
    const slots = this.#reserveFor(specs)
    for (const spec of specs) this.#check(spec.id)
    for (const [id, i] of this.#index) {
      for (const result of Object.values(results.latestPerRegion(id))) {
        this.#latest[i]!.set(seriesOf(result), latestRun(result))
        this.#slotOf(i, seriesOf(result))
      }
      this.#firstAt[i] = results.firstResultAt(id) ?? Number.NaN
      this.#readOutages(i)
      this.#status[i] = this.#o.alertState(id).status
    }
    // Counts: hours from the day rows, the current and previous hour's minutes.
    const hourNow = floorTo(now, HOUR)
    for (let h = hourNow - (HOUR_RING - 1) * HOUR; h <= hourNow; h += HOUR) {
      const ring = ringOf(h, HOUR, HOUR_RING)
      this.#hourTags[ring] = h
      this.#clearHour(ring)
    }
    for (let day = floorTo(hourNow - (HOUR_RING - 1) * HOUR, DAY); day <= hourNow; day += DAY) {
      results.rollups.eachHourRowOfDay(day, null, (row) => {
        if (row.series === OVERALL_SERIES) return
        const slot = this.#slotOf(this.#check(row.checkId), row.series)
        row.pack.forEach((cell, s) => {
          const hour = day + s * HOUR
          const ring = ringOf(hour, HOUR, HOUR_RING)
          if (s >= 24 || this.#hourTags[ring] !== hour) return
          addRuns(this.#hourCounts, (slot * HOUR_RING + ring) * FIELDS, cell, 65_535)
        })
      })
    }
    for (const hour of [hourNow - HOUR, hourNow]) this.#loadMinutes(hour, false)
    this.#ensureEdges(now)
    // State time: persisted days, the days since, and today.
    this.#loadDays(now)
    this.#windows.load(now, [...this.#index.keys()], slots)
  }

  /** Starts the timer that reads today's state time and the 24 h window's edges. */
  start(): void {
    this.#timer = setInterval(() => {
      try {
        const now = this.#o.clock.now()
        this.#ensureEdges(now)
        this.#readToday(now, true)
        this.#windows.refresh(now)
      } catch (err) {
        this.#o.logger.error({ err }, 'refreshing the read model failed')
      }
    }, REFRESH_MS)
    this.#timer.unref()
  }

  /** Resolves once the day history and the 30 days of run counts are complete. */
  ready(): Promise<void> {
    return Promise.all([this.#building, this.#windows.ready()]).then(() => {})
  }

  /** Stops the timer and persists the finished days not yet kept. */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    await this.#building.catch(() => {})
    if (this.#daysReady) this.#persist(this.#o.clock.now())
    await this.#windows.close(this.#o.clock.now())
  }

  // ---- Internals ----

  #check(checkId: string): number {
    let i = this.#index.get(checkId)
    if (i !== undefined) return i
    i = this.#ids.length
    this.#index.set(checkId, i)
    this.#ids.push(checkId)
    this.#latest.push(new Map())
    this.#outages.push([])
    this.#seriesOf.push(new Map())
    this.#status.push('unknown')
    this.#reserve(i + 1, 0)
    this.#firstAt[i] = Number.NaN
    return i
  }

  /**
   * Room for the deployed checks and their series (a region each; a host check's probes
   * are not known, one is counted) at once: made a check at a time, the arrays would be
   * copied a dozen times over and end up to a quarter larger than needed. The slots.
   */
  #reserveFor(specs: MonitoringConfig['checks']): number {
    const slots = specs.reduce((n, spec) => n + (regionsOf(spec)?.length ?? 1), 0)
    this.#reserve(specs.length, slots)
    return slots
  }

  /** Room for `checks` checks and `slots` series slots (the arrays only grow). */
  #reserve(checks: number, slots: number): void {
    this.#firstAt = growArray(this.#firstAt, checks)
    this.#checkVersion = growArray(this.#checkVersion, checks)
    this.#minuteDur = growArray(this.#minuteDur, checks * 2 * 60 * 2)
    this.#days.grow(checks)
    this.#hours.grow(checks)
    this.#hourCounts = growArray(this.#hourCounts, slots * HOUR_RING * FIELDS)
    this.#minuteCounts = growArray(this.#minuteCounts, slots * 2 * 60 * FIELDS)
    this.#edgeCounts = growArray(this.#edgeCounts, slots * 2 * 60 * FIELDS)
  }

  #slotOf(i: number, series: string): number {
    const key = `${i}\u0000${series}`
    let slot = this.#slot.get(key)
    if (slot !== undefined) return slot
    slot = this.#slotCount++
    this.#slot.set(key, slot)
    this.#seriesOf[i]!.set(series, slot)
    this.#reserve(0, slot + 1)
    return slot
  }

  #readOutages(i: number): void {
    const now = this.#o.clock.now()
    this.#outages[i] = this.#o.incidents.outages(this.#ids[i]!, now - DAY_RING * DAY, Infinity)
  }

  /** Adds `n` runs of one field at `at` to the hour, the minute and (when loaded) the edge. */
  #count(
    slot: number,
    i: number,
    at: number,
    field: number,
    durationMs: number | null,
    n: number,
  ): void {
    const hour = floorTo(at, HOUR)
    const minute = Math.floor((at - hour) / MIN)
    const hourRing = ringOf(hour, HOUR, HOUR_RING)
    if (this.#roll(this.#hourTags, hourRing, hour, () => this.#clearHour(hourRing))) {
      const h = (slot * HOUR_RING + hourRing) * FIELDS + field
      this.#hourCounts[h] = Math.min(65_535, this.#hourCounts[h]! + n)
    }
    const ring = ringOf(hour, HOUR, 2)
    if (this.#roll(this.#minuteTags, ring, hour, () => this.#clearMinutes(ring))) {
      const m = ((slot * 2 + ring) * 60 + minute) * FIELDS + field
      this.#minuteCounts[m] = Math.min(255, this.#minuteCounts[m]! + n)
      if (durationMs !== null && field !== 3) {
        const d = ((i * 2 + ring) * 60 + minute) * 2
        const ms = Math.max(0, Math.round(durationMs))
        this.#minuteDur[d]! += ms
        this.#minuteDur[d + 1] = Math.max(this.#minuteDur[d + 1]!, ms)
      }
    }
    if (this.#edgeTags[ring] === hour) {
      const e = ((slot * 2 + ring) * 60 + minute) * FIELDS + field
      this.#edgeCounts[e] = Math.min(255, this.#edgeCounts[e]! + n)
    }
  }

  /** True when the ring's entry holds `start` (moving it on to a newer start first). */
  #roll(tags: Float64Array, ring: number, start: number, clear: () => void): boolean {
    const tag = tags[ring]!
    if (tag === start) return true
    if (!Number.isNaN(tag) && tag > start) return false
    clear()
    tags[ring] = start
    return true
  }

  #clearHour(ring: number): void {
    for (let slot = 0; slot < this.#slotCount; slot++) {
      this.#hourCounts.fill(
        0,
        (slot * HOUR_RING + ring) * FIELDS,
        (slot * HOUR_RING + ring + 1) * FIELDS,
      )
    }
  }

  #clearMinutes(ring: number): void {
    for (let slot = 0; slot < this.#slotCount; slot++) {
      this.#minuteCounts.fill(
        0,
        (slot * 2 + ring) * 60 * FIELDS,
        (slot * 2 + ring + 1) * 60 * FIELDS,
      )
    }
    for (let i = 0; i < this.#ids.length; i++) {
      this.#minuteDur.fill(0, (i * 2 + ring) * 60 * 2, (i * 2 + ring + 1) * 60 * 2)
    }
  }

  #addHour(sum: number[], slot: number, hour: number): boolean {
    const ring = ringOf(hour, HOUR, HOUR_RING)
    const tag = this.#hourTags[ring]!
    if (tag !== hour) return !Number.isNaN(tag) && tag < hour
    const at = (slot * HOUR_RING + ring) * FIELDS
    for (let f = 0; f < FIELDS; f++) sum[f]! += this.#hourCounts[at + f]!
    return true
  }

  /** Adds the minutes of `hour` in [from, to) from the current two hours or the edge. */
  #addMinutes(sum: number[], slot: number, hour: number, from: number, to: number): boolean {
    const ring = ringOf(hour, HOUR, 2)
    let counts: Uint8Array
    if (this.#minuteTags[ring] === hour) counts = this.#minuteCounts
    else if (this.#edgeTags[ring] === hour) counts = this.#edgeCounts
    else {
      // An hour ahead of what the ring holds has had no result yet.
      const tag = this.#minuteTags[ring]!
      return !Number.isNaN(tag) && tag < hour && hour > this.#o.clock.now() - 2 * HOUR
    }
    for (let m = (from - hour) / MIN; m < (to - hour) / MIN; m++) {
      const at = ((slot * 2 + ring) * 60 + m) * FIELDS
      for (let f = 0; f < FIELDS; f++) sum[f]! += counts[at + f]!
    }
    return true
  }

  /** Reads one hour of every check's minute rows into the minutes ring or the edge. */
  #loadMinutes(hour: number, edge: boolean): void {
    const ring = ringOf(hour, HOUR, 2)
    const tags = edge ? this.#edgeTags : this.#minuteTags
    tags[ring] = Number.NaN
    const counts = edge ? this.#edgeCounts : this.#minuteCounts
    for (let slot = 0; slot < this.#slotCount; slot++) {
      counts.fill(0, (slot * 2 + ring) * 60 * FIELDS, (slot * 2 + ring + 1) * 60 * FIELDS)
    }
    if (!edge) {
      for (let i = 0; i < this.#ids.length; i++) {
        this.#minuteDur.fill(0, (i * 2 + ring) * 60 * 2, (i * 2 + ring + 1) * 60 * 2)
      }
    }
    this.#o.results.rollups.eachMinuteRowOfHour(hour, (row) => {
      if (row.series === OVERALL_SERIES) return
      const i = this.#check(row.checkId)
      const slot = this.#slotOf(i, row.series)
      // A new slot's arrays were grown: read them after #slotOf.
      const target = edge ? this.#edgeCounts : this.#minuteCounts
      row.pack.forEach((cell, m) => {
        addRuns(target, ((slot * 2 + ring) * 60 + m) * FIELDS, cell, 255)
        if (!edge) {
          const d = ((i * 2 + ring) * 60 + m) * 2
          this.#minuteDur[d]! += cell.durSum
          this.#minuteDur[d + 1] = Math.max(this.#minuteDur[d + 1]!, cell.durMax)
        }
      })
    })
    tags[ring] = hour
  }

  /** Keeps the minutes of the hour where the 24 h window starts, and of the next one. */
  #ensureEdges(now: number): void {
    const hourNow = floorTo(now, HOUR)
    for (const hour of [hourNow - 24 * HOUR, hourNow - 23 * HOUR]) {
      if (this.#edgeTags[ringOf(hour, HOUR, 2)] === hour) continue
      const started = performance.now()
      this.#loadMinutes(hour, true)
      this.#o.logger.debug?.(
        { hour, ms: Math.round(performance.now() - started) },
        'read model: minutes of the 24 h window edge read',
      )
    }
  }

  // -- State time --

  #claimDay(day: number): void {
    this.#days.claim(day, this.#ids.length)
  }

  /** Reads the overall series' hour rows of one day, for every check at once. */
  #readDay(day: number): void {
    this.#claimDay(day)
    this.#dayReads += 1
    // Today is read every REFRESH_MS, 10,000 rows of up to 24 cells: two arrays for all.
    const total: VerdictTimes = [0, 0, 0, 0]
    const times: VerdictTimes = [0, 0, 0, 0]
    this.#o.results.rollups.eachHourRowOfDay(day, OVERALL_SERIES, (row) => {
      const i = this.#check(row.checkId)
      total.fill(0)
      row.pack.forEach((cell, slot) => {
        verdictTimesInto(cell.time, times)
        for (let k = 0; k < TIMES; k++) total[k]! += times[k]!
        const hour = day + slot * HOUR
        if (slot < 24 && this.#hours.holds(hour)) this.#hours.set(i, hour, times)
      })
      this.#days.set(i, day, total)
    })
  }

  /** Reads today (and, until it is settled, yesterday) again, at most every REFRESH_MS. */
  #readToday(now: number, force: boolean): void {
    if (!this.#daysReady) return
    if (!force && now - this.#todayReadAt < REFRESH_MS) return
    this.#todayReadAt = now
    const today = floorTo(now, DAY)
    const hourNow = floorTo(now, HOUR)
    for (let h = hourNow - (HOUR_RING - 1) * HOUR; h <= hourNow; h += HOUR) {
      this.#hours.claim(h, this.#ids.length)
    }
    const days = [today]
    const yesterday = today - DAY
    if (!this.#persisted.has(yesterday) || this.#hoursReadOf !== yesterday) days.unshift(yesterday)
    for (const day of days) this.#readDay(day)
    if (days.includes(yesterday)) {
      this.#hoursReadOf = yesterday
      if (!this.#persisted.has(yesterday)) {
        this.#daysGeneration += 1
        this.#persist(now)
      }
    }
  }

  /** Persists every finished, settled day not yet kept. */
  #persist(now: number): void {
    const today = floorTo(now, DAY)
    for (let day = today - (DAY_RING - 1) * DAY; day < today; day += DAY) {
      if (this.#persisted.has(day) || day + DAY + SETTLE_MS > now) continue
      if (!this.#days.holds(day)) continue
      this.#storedDays.save(day, this.#ids, this.#days.row(day, this.#ids.length))
      this.#persisted.add(day)
    }
  }

  #loadDays(now: number): void {
    const today = floorTo(now, DAY)
    const first = today - (DAY_RING - 1) * DAY
    const stored = this.#storedDays.between(first, today)
    for (const row of stored) {
      this.#claimDay(row.day)
      const { times } = row
      row.ids.forEach((id, k) => {
        const i = this.#check(id)
        this.#days.set(i, row.day, [
          times[k * 4]!,
          times[k * 4 + 1]!,
          times[k * 4 + 2]!,
          times[k * 4 + 3]!,
        ])
      })
      this.#persisted.add(row.day)
    }
    if (stored.length > 0) {
      // A hub that kept its days before: read only the days since, in bulk.
      for (let day = first; day < today; day += DAY) {
        if (!this.#persisted.has(day) && day >= Math.max(...this.#persisted)) this.#readDay(day)
        else if (!this.#persisted.has(day)) this.#claimDay(day)
      }
      this.#finishDays(now)
      return
    }
    // The first start with a read model: every check's 90 days, a few checks a tick.
    this.#building = new Promise<void>((resolve) => {
      const ids = [...this.#index.keys()]
      for (let day = first; day < today; day += DAY) this.#claimDay(day)
      const started = performance.now()
      let next = 0
      const step = () => {
        if (this.#closed) return resolve()
        const until = Math.min(ids.length, next + 100)
        for (; next < until; next++) {
          const id = ids[next]!
          const i = this.#index.get(id)!
          const days: number[] = []
          for (let day = first; day < today; day += DAY) days.push(day)
          for (const row of this.#o.results.rollups.hourRows(id, days, OVERALL_SERIES, false)) {
            const total: VerdictTimes = [0, 0, 0, 0]
            for (const cell of row.pack.values()) {
              const times = verdictTimes(cell.time)
              for (let k = 0; k < TIMES; k++) total[k]! += times[k]!
            }
            this.#days.set(i, row.start, total)
          }
        }
        if (next < ids.length) return void setImmediate(step)
        this.#o.logger.info(
          { checks: ids.length, ms: Math.round(performance.now() - started) },
          'read model: 90 days of every check read once; kept from now on',
        )
        this.#finishDays(this.#o.clock.now())
        resolve()
      }
      step()
    })
  }

  #finishDays(now: number): void {
    this.#daysReady = true
    this.#daysGeneration += 1
    this.#readToday(now, true)
    this.#persist(now)
    this.changed('days')
  }
}

/**
 * A read model loaded from the store and kept current: see ReadModel. Loading reads every
 * check's newest results, outages and the last 26 hours of counts in bulk, and the
 * persisted days; `ready()` resolves once the day history is complete.
 */
export function startReadModel(options: ReadModelOptions): ReadModel {
  const model = new ReadModel(options)
  const started = performance.now()
  model.load()
  model.start()
  options.logger.info(
    { checks: options.config().checks.length, ms: Math.round(performance.now() - started) },
    'read model loaded',
  )
  return model
}
