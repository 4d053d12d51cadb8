/**
 * The read model's run counts for the check list's 30-day availability, so that every
 * check's figure is summed from memory instead of from each check's 30 day rows. Longer
 * than 400 lines because the days, the first day's hours and the first hour's minutes
 * share one index of series over flat typed arrays, as the read model's parts do. Per
 * check and series it keeps:
 *
 * - the runs that passed (up or degraded) and failed (down) per UTC day for 32 days, and
 *   whether the series has a rollup row that day. Finished days are persisted in
 *   `read_model_day_runs` (read-model-runs.ts), so a restart reads 30 rows; only a hub's
 *   first start reads every check's days, in the background;
 * - for the UTC day the window starts in, its hours, and the minutes of the hour it starts
 *   in: read from the rollups for every check at once when the window's start moves into
 *   another day or hour (once a day, once an hour).
 *
 * A window is summed as RollupHistory.total sums the rollups (hub/history/history-reader.ts):
 * from and to rounded up to the minute, whole days, the first day's whole hours, and the
 * minutes of the hour it starts in, or that whole hour (`edgeGrain: 'hour'`) where minute
 * rollups no longer hold it. Counts follow ingest (`add`, from ReadModel.accept) as the
 * rollups do, late results included, so the list and `GET /api/v1/checks/:id/availability`
 * agree; one difference is left: a run scheduled after the current minute (a probe whose
 * clock runs ahead) counts in the list at once and in the per-check answer once its
 * minute comes. Counts are capped per cell as the read model's are (65,535 runs an hour,
 * 255 a minute, per series).
 */
import type { Logger } from '../../lib/logger.ts'
import type { Grain } from '../history/history-types.ts'
import type { RollupStore } from '../history/rollup-store.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import type { Database } from '../store/database.ts'
import { growArray } from './grow-array.ts'
import { StoredRuns } from './read-model-runs.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** The window the list sums. */
export const LIST_WINDOW_MS = 30 * DAY
/** Days of counts kept: today and the 29 days before it are the window's whole days; two to spare. */
const DAYS = 32
/** A finished day is persisted once it has been over this long (the writer folds late). */
const SETTLE_MS = 10 * MIN
/** Checks read per tick on a first start, so requests are served in between. */
const BUILD_CHUNK = 100

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit
const ringOf = (day: number) => (day / DAY) % DAYS

/** A series' runs over a window: passed (up or degraded) and failed (down). */
export interface SeriesRuns {
  passed: number
  down: number
}

/** A check's runs over a window, per series with a rollup row in it, by series name. */
export interface WindowRunsTotal {
  /** The window as summed: rounded up to the minute, or out to the hour (edgeGrain). */
  from: number
  to: number
  edgeGrain: Grain
  series: Array<[string, SeriesRuns]>
}

export interface WindowRunsOptions {
  db: Database
  rollups: RollupStore
  /** The oldest day hour rollups still cover (HistoryReader.coverage), null: for ever. */
  hourCoverage: (now: number) => number | null
  logger: Logger
}

export class WindowRuns {
  readonly #o: WindowRunsOptions
  readonly #stored: StoredRuns
  // Series slots: one per check and series (the overall series holds no runs).
  readonly #slot = new Map<string, number>()
  readonly #keys: string[] = []
  readonly #seriesOf = new Map<string, Array<[string, number]>>()
  // Days: passed and down per slot and day, and whether the slot has a row that day.
  #dayRuns = new Uint32Array(1024 * DAYS * 2)
  #dayRows = new Uint8Array(1024 * DAYS)
  readonly #dayTags = new Float64Array(DAYS).fill(Number.NaN)
  readonly #persisted = new Set<number>()
  readonly #dirty = new Set<number>()
  /** Results of days before this are left to the first start's build, which reads them. */
  #addFrom = -Infinity
  // The day the window starts in: passed and down per hour, the hours each row holds.
  #edgeDay = Number.NaN
  #edgeRuns = new Uint16Array(1024 * 24 * 2)
  #edgeBits = new Uint32Array(1024)
  #edgeRow = new Uint8Array(1024)
  readonly #overallBits = new Map<string, number>()
  // The hour the window starts in: passed and down per minute, and which rows there are.
  #edgeHour = Number.NaN
  #edgeMinutes = new Uint8Array(1024 * 60 * 2)
  #minuteRow = new Uint8Array(1024)
  readonly #overallMinuteRow = new Set<string>()
  #ready = false
  #building: Promise<void> = Promise.resolve()
  #closed = false

  constructor(options: WindowRunsOptions) {
    this.#o = options
    this.#stored = new StoredRuns(options.db)
  }

  /** Resolves once every day is held (at once, unless a first start reads them). */
  ready(): Promise<void> {
    return this.#building
  }

  /** A run ingest stored: `field` 0 up, 1 degraded, 2 down, 3 inconclusive, 4 maintenance. */
  add(checkId: string, series: string, at: number, field: number): void {
    const slot = this.#slotOf(checkId, series)
    const passed = field <= 1 ? 1 : 0
    const down = field === 2 ? 1 : 0
    const day = floorTo(at, DAY)
    if (day >= this.#addFrom) {
      const ring = ringOf(day)
      const tag = this.#dayTags[ring]!
      if (tag !== day && (Number.isNaN(tag) || tag < day)) this.#claimDay(day)
      if (this.#dayTags[ring] === day) {
        const at2 = slot * DAYS + ring
        this.#dayRows[at2] = 1
        this.#dayRuns[at2 * 2]! += passed
        this.#dayRuns[at2 * 2 + 1]! += down
        if (this.#persisted.has(day)) this.#dirty.add(day)
      }
    }
    if (day === this.#edgeDay) {
      const h = Math.floor((at - day) / HOUR)
      this.#edgeRow[slot] = 1
      this.#edgeBits[slot]! |= 1 << h
      const e = (slot * 24 + h) * 2
      this.#edgeRuns[e] = Math.min(65_535, this.#edgeRuns[e]! + passed)
      this.#edgeRuns[e + 1] = Math.min(65_535, this.#edgeRuns[e + 1]! + down)
    }
    if (floorTo(at, HOUR) === this.#edgeHour) {
      this.#minuteRow[slot] = 1
      const m = (slot * 60 + Math.floor((at - this.#edgeHour) / MIN)) * 2
      this.#edgeMinutes[m] = Math.min(255, this.#edgeMinutes[m]! + passed)
      this.#edgeMinutes[m + 1] = Math.min(255, this.#edgeMinutes[m + 1]! + down)
    }
  }

  /**
   * Each check's runs per series over [from, to) (a window of LIST_WINDOW_MS ending now),
   * or null for every check while the days are being read, or where hour rollups no
   * longer reach the window's start: read those from the rollups.
   */
  totals(checkIds: readonly string[], from: number, to: number): Array<WindowRunsTotal | null> {
    const start = ceilTo(from, MIN)
    const end = Math.max(start, ceilTo(to, MIN))
    if (!this.#prepare(start, end, to)) return checkIds.map(() => null)
    return checkIds.map((id) => this.#total(id, start, end))
  }

  /**
   * Reads what the model keeps: the persisted days, today and the days since from the
   * rollups in bulk, or (on a first start, nothing persisted) every check's days in the
   * background; then the window's first day and hour. `slots`: the series expected,
   * room for which is made at once.
   */
  load(now: number, checkIds: readonly string[], slots = 0): void {
    this.#reserve(slots)
    const today = floorTo(now, DAY)
    const first = today - (DAYS - 2) * DAY
    const stored = this.#stored.between(first, today)
    for (const row of stored) {
      this.#claimDay(row.day)
      const ring = ringOf(row.day)
      row.keys.forEach((key, k) => {
        const at = this.#slotOfKey(key) * DAYS + ring
        this.#dayRows[at] = 1
        this.#dayRuns[at * 2] = row.runs[k * 2]!
        this.#dayRuns[at * 2 + 1] = row.runs[k * 2 + 1]!
      })
      this.#persisted.add(row.day)
    }
    this.#readDay(today)
    const missing: number[] = []
    for (let day = first; day < today; day += DAY) if (!this.#persisted.has(day)) missing.push(day)
    if (stored.length > 0 || missing.length === 0) {
      for (const day of missing) this.#readDay(day)
      this.#finish(now)
      return
    }
    // A first start: every check's days, a few checks a tick, while results of today count.
    this.#addFrom = today
    for (const day of missing) this.#claimDay(day)
    this.#building = new Promise<void>((resolve) => {
      const started = performance.now()
      let next = 0
      const step = () => {
        if (this.#closed) return resolve()
        const until = Math.min(checkIds.length, next + BUILD_CHUNK)
        for (; next < until; next++) {
          const id = checkIds[next]!
          for (const row of this.#o.rollups.hourRows(id, missing, null, false)) {
            if (row.series === OVERALL_SERIES || this.#dayTags[ringOf(row.start)] !== row.start)
              continue
            const at = this.#slotOf(id, row.series) * DAYS + ringOf(row.start)
            this.#dayRows[at] = 1
            for (const cell of row.pack.values()) {
              this.#dayRuns[at * 2]! += cell.up + cell.degraded
              this.#dayRuns[at * 2 + 1]! += cell.down
            }
          }
        }
        if (next < checkIds.length) return void setImmediate(step)
        this.#o.logger.info(
          { checks: checkIds.length, ms: Math.round(performance.now() - started) },
          'read model: 30 days of run counts of every check read once; kept from now on',
        )
        this.#addFrom = -Infinity
        this.#finish(now)
        resolve()
      }
      step()
    })
  }

  /** Persists settled days and reads the window's new first day or hour (the model's timer). */
  refresh(now: number): void {
    if (!this.#ready) return
    this.#persist(now)
    const start = ceilTo(now - LIST_WINDOW_MS, MIN)
    this.#prepare(start, ceilTo(now, MIN), now)
  }

  /** Persists the finished days not yet kept. */
  async close(now: number): Promise<void> {
    this.#closed = true
    await this.#building.catch(() => {})
    if (this.#ready) this.#persist(now)
  }

  // ---- Internals ----

  #finish(now: number): void {
    this.#ready = true
    this.#persist(now)
    this.refresh(now)
  }

  #slotOf(checkId: string, series: string): number {
    return this.#slotOfKey(`${checkId}\u0000${series}`, checkId, series)
  }

  #slotOfKey(key: string, checkId?: string, series?: string): number {
    let slot = this.#slot.get(key)
    if (slot !== undefined) return slot
    slot = this.#keys.length
    this.#slot.set(key, slot)
    this.#keys.push(key)
    const split = key.indexOf('\u0000')
    const id = checkId ?? key.slice(0, split)
    const name = series ?? key.slice(split + 1)
    const list = this.#seriesOf.get(id)
    if (list) list.push([name, slot])
    else this.#seriesOf.set(id, [[name, slot]])
    this.#reserve(slot + 1)
    return slot
  }

  /** Room for `n` series slots. */
  #reserve(n: number): void {
    this.#dayRuns = growArray(this.#dayRuns, n * DAYS * 2)
    this.#dayRows = growArray(this.#dayRows, n * DAYS)
    this.#edgeRuns = growArray(this.#edgeRuns, n * 24 * 2)
    this.#edgeBits = growArray(this.#edgeBits, n)
    this.#edgeRow = growArray(this.#edgeRow, n)
    this.#edgeMinutes = growArray(this.#edgeMinutes, n * 60 * 2)
    this.#minuteRow = growArray(this.#minuteRow, n)
  }

  /** Makes sure what a window of [start, end) needs is held; false when it cannot be. */
  #prepare(start: number, end: number, now: number): boolean {
    if (!this.#ready) return false
    const firstDay = floorTo(start, DAY)
    const covered = this.#o.hourCoverage(now)
    if (covered !== null && covered > firstDay) return false
    if (this.#edgeDay !== firstDay) this.#readEdgeDay(firstDay)
    if (start % HOUR !== 0 && this.#edgeHour !== floorTo(start, HOUR)) {
      this.#readEdgeHour(floorTo(start, HOUR))
    }
    for (let day = firstDay + DAY; day < end; day += DAY) {
      const tag = this.#dayTags[ringOf(day)]!
      if (tag === day) continue
      // A day newer than any held has had no result yet.
      if (Number.isNaN(tag) || tag < day) this.#claimDay(day)
      else return false
    }
    return true
  }

  #total(checkId: string, start: number, end: number): WindowRunsTotal {
    let edgeGrain: Grain = 'minute'
    let from = start
    let to = end
    const firstDay = floorTo(start, DAY)
    const edgeHour = start % HOUR === 0 ? Number.NaN : floorTo(start, HOUR)
    const edgeBit = 1 << ((edgeHour - firstDay) / HOUR)
    // A row holding the hour the window starts in, without its minutes, rounds it out.
    const roundOut = (bits: number, minutes: boolean) => {
      if (Number.isNaN(edgeHour) || !(bits & edgeBit) || minutes) return
      edgeGrain = 'hour'
      from = Math.min(from, edgeHour)
      to = Math.max(to, edgeHour + HOUR)
    }
    const overall = this.#overallBits.get(checkId)
    if (overall !== undefined) roundOut(overall, this.#overallMinuteRow.has(checkId))
    const out: Array<[string, SeriesRuns]> = []
    for (const [series, slot] of this.#seriesOf.get(checkId) ?? []) {
      let present = false
      let passed = 0
      let down = 0
      if (this.#edgeRow[slot]) {
        present = true
        const bits = this.#edgeBits[slot]!
        for (let h = 0; h < 24; h++) {
          const hour = firstDay + h * HOUR
          if (!(bits & (1 << h)) || hour + HOUR <= start) continue
          if (hour >= start || !this.#minuteRow[slot]) {
            passed += this.#edgeRuns[(slot * 24 + h) * 2]!
            down += this.#edgeRuns[(slot * 24 + h) * 2 + 1]!
            continue
          }
          for (let m = (start - hour) / MIN; m < 60; m++) {
            passed += this.#edgeMinutes[(slot * 60 + m) * 2]!
            down += this.#edgeMinutes[(slot * 60 + m) * 2 + 1]!
          }
        }
        roundOut(bits, this.#minuteRow[slot] === 1)
      }
      for (let day = firstDay + DAY; day < end; day += DAY) {
        const at = slot * DAYS + ringOf(day)
        if (!this.#dayRows[at]) continue
        present = true
        passed += this.#dayRuns[at * 2]!
        down += this.#dayRuns[at * 2 + 1]!
      }
      if (present) out.push([series, { passed, down }])
    }
    out.sort(([a], [b]) => a.localeCompare(b))
    return { from, to, edgeGrain, series: out }
  }

  #claimDay(day: number): void {
    const ring = ringOf(day)
    if (this.#dayTags[ring] === day) return
    this.#dayTags[ring] = day
    for (let slot = 0; slot < this.#keys.length; slot++) {
      const at = slot * DAYS + ring
      this.#dayRows[at] = 0
      this.#dayRuns[at * 2] = 0
      this.#dayRuns[at * 2 + 1] = 0
    }
  }

  /** Reads one day of every check's rows. */
  #readDay(day: number): void {
    this.#claimDay(day)
    const ring = ringOf(day)
    this.#o.rollups.eachHourRowOfDay(day, null, (row) => {
      if (row.series === OVERALL_SERIES) return
      const at = this.#slotOf(row.checkId, row.series) * DAYS + ring
      this.#dayRows[at] = 1
      for (const cell of row.pack.values()) {
        this.#dayRuns[at * 2]! += cell.up + cell.degraded
        this.#dayRuns[at * 2 + 1]! += cell.down
      }
    })
  }

  /** Reads the hours of every check's rows of the day the window starts in. */
  #readEdgeDay(day: number): void {
    const started = performance.now()
    this.#edgeDay = Number.NaN
    this.#edgeRuns.fill(0)
    this.#edgeBits.fill(0)
    this.#edgeRow.fill(0)
    this.#overallBits.clear()
    this.#o.rollups.eachHourRowOfDay(day, null, (row) => {
      let bits = 0
      for (const h of row.pack.keys()) if (h < 24) bits |= 1 << h
      if (row.series === OVERALL_SERIES) {
        this.#overallBits.set(row.checkId, bits)
        return
      }
      const slot = this.#slotOf(row.checkId, row.series)
      this.#edgeRow[slot] = 1
      this.#edgeBits[slot] = bits
      for (const [h, cell] of row.pack) {
        if (h >= 24) continue
        const e = (slot * 24 + h) * 2
        this.#edgeRuns[e] = Math.min(65_535, this.#edgeRuns[e]! + cell.up + cell.degraded)
        this.#edgeRuns[e + 1] = Math.min(65_535, this.#edgeRuns[e + 1]! + cell.down)
      }
    })
    this.#edgeDay = day
    this.#o.logger.debug?.(
      { day, ms: Math.round(performance.now() - started) },
      'read model: hours of the 30-day window start read',
    )
  }

  /** Reads the minutes of every check's rows of the hour the window starts in. */
  #readEdgeHour(hour: number): void {
    const started = performance.now()
    this.#edgeHour = Number.NaN
    this.#edgeMinutes.fill(0)
    this.#minuteRow.fill(0)
    this.#overallMinuteRow.clear()
    this.#o.rollups.eachMinuteRowOfHour(hour, (row) => {
      if (row.series === OVERALL_SERIES) {
        this.#overallMinuteRow.add(row.checkId)
        return
      }
      const slot = this.#slotOf(row.checkId, row.series)
      this.#minuteRow[slot] = 1
      for (const [m, cell] of row.pack) {
        const e = (slot * 60 + m) * 2
        this.#edgeMinutes[e] = Math.min(255, this.#edgeMinutes[e]! + cell.up + cell.degraded)
        this.#edgeMinutes[e + 1] = Math.min(255, this.#edgeMinutes[e + 1]! + cell.down)
      }
    })
    this.#edgeHour = hour
    this.#o.logger.debug?.(
      { hour, ms: Math.round(performance.now() - started) },
      'read model: minutes of the 30-day window start read',
    )
  }

  /** Persists every finished, settled day not yet kept, and those late results changed. */
  #persist(now: number): void {
    const today = floorTo(now, DAY)
    for (let ring = 0; ring < DAYS; ring++) {
      const day = this.#dayTags[ring]!
      if (Number.isNaN(day) || day >= today || day + DAY + SETTLE_MS > now) continue
      if (this.#persisted.has(day) && !this.#dirty.has(day)) continue
      const keys: string[] = []
      const runs: number[] = []
      for (let slot = 0; slot < this.#keys.length; slot++) {
        const at = slot * DAYS + ring
        if (!this.#dayRows[at]) continue
        keys.push(this.#keys[slot]!)
        runs.push(this.#dayRuns[at * 2]!, this.#dayRuns[at * 2 + 1]!)
      }
      this.#stored.save(day, keys, Uint32Array.from(runs))
      this.#persisted.add(day)
      this.#dirty.delete(day)
    }
  }
}
