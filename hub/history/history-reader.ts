/**
 * HistoryReader over the packed rollups: turns stored cells into buckets and totals,
 * reading each part of a window from the coarsest grain that answers it exactly.
 */
import {
  GRAIN_MS,
  STATE_TIME_KEYS,
  type Grain,
  type HistoryQuery,
  type HistoryReader,
  type HistoryTotal,
  type LatencySummary,
  type RollupBucket,
  type StateTime,
} from './history-types.ts'
import { quantiles } from './latency-histogram.ts'
import { sliceOf } from './minute-slice.ts'
import { DEFAULT_RETENTION, type Retention } from './retention.ts'
import { conclusive, emptyCell, mergeCell, type Cell } from './rollup-cell.ts'
import { DAY_TOTAL_SLOT } from './rollup-pack.ts'
import { OVERALL_SERIES } from './rollup-schema.ts'
import type { PackRow, RollupStore } from './rollup-store.ts'

const MIN = GRAIN_MS.minute
const HOUR = GRAIN_MS.hour
const DAY = GRAIN_MS.day

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit

/** Per series, slot start → cell. */
type SeriesCells = Map<string, Map<number, Cell>>

function put(cells: SeriesCells, series: string, start: number, cell: Cell): void {
  let slots = cells.get(series)
  if (!slots) cells.set(series, (slots = new Map()))
  const existing = slots.get(start)
  if (existing) mergeCell(existing, cell)
  else slots.set(start, cell)
}

/** A minute of the check as a whole as the SLI judges it (minute-slice.ts). */
function withMinuteSlices(cell: Cell): Cell {
  const slice = sliceOf(cell.time)
  cell.valid = slice.valid ? 1 : 0
  cell.bad = slice.bad ? 1 : 0
  return cell
}

/** Adds a region's runs and latency into the check's overall cell, not its state time. */
function addRuns(into: Cell, from: Cell): void {
  into.up += from.up
  into.degraded += from.degraded
  into.down += from.down
  into.inconclusive += from.inconclusive
  into.maintenance += from.maintenance
  into.durSum += from.durSum
  into.durMax = Math.max(into.durMax, from.durMax)
  for (const [bucket, count] of from.hist)
    into.hist.set(bucket, (into.hist.get(bucket) ?? 0) + count)
}

/** Adds the overall series' state time and slices. */
function addTime(into: Cell, from: Cell): void {
  for (let i = 0; i < into.time.length; i++) into.time[i]! += from.time[i]!
  into.valid += from.valid
  into.bad += from.bad
}

/** A cell as a bucket of `[start, end)`. */
export function toBucket(cell: Cell, start: number, end: number): RollupBucket {
  const count = conclusive(cell)
  const time = {} as StateTime
  STATE_TIME_KEYS.forEach((key, i) => (time[key] = cell.time[i]!))
  return {
    start,
    end,
    runs: {
      up: cell.up,
      degraded: cell.degraded,
      down: cell.down,
      inconclusive: cell.inconclusive,
      maintenance: cell.maintenance,
      durationSum: cell.durSum,
      durationMax: cell.durMax,
    },
    time,
    slices: { valid: cell.valid, bad: cell.bad },
    latency: count === 0 || cell.hist.size === 0 ? null : latencyOf(cell, count),
  }
}

function latencyOf(cell: Cell, count: number): LatencySummary {
  const [p50, p95, p99] = quantiles(cell.hist, [0.5, 0.95, 0.99], cell.durMax)
  return {
    count,
    meanMs: cell.durSum / count,
    maxMs: cell.durMax,
    p50Ms: p50!,
    p95Ms: p95!,
    p99Ms: p99!,
  }
}

export interface RollupHistoryOptions {
  /** The retention in force, for `coverage`. Default DEFAULT_RETENTION. */
  retention?: () => Retention
}

/**
 * @example
 * const history = new RollupHistory(rollups, { retention: () => retention })
 * history.total('api', now - 7 * DAY, now).overall.latency?.p99Ms
 */
export class RollupHistory implements HistoryReader {
  constructor(
    readonly rollups: RollupStore,
    readonly options: RollupHistoryOptions = {},
  ) {}

  coverage(now: number): Record<Grain, number | null> {
    const r = this.options.retention?.() ?? DEFAULT_RETENTION
    return {
      minute: floorTo(now - r.minuteMs, HOUR),
      hour: floorTo(now - r.hourMs, DAY),
      day: r.dayMs === null ? null : floorTo(now - r.dayMs, DAY),
    }
  }

  firstResultAt(checkId: string): number | null {
    return this.rollups.firstResultAt(checkId)
  }

  overall(checkId: string, query: HistoryQuery): RollupBucket[] {
    const { start, end, step, cells } = this.#query(checkId, query)
    const buckets = Array.from({ length: (end - start) / step }, () => emptyCell())
    for (const [series, slots] of cells) {
      const add = series === OVERALL_SERIES ? addTime : addRuns
      for (const [at, cell] of slots) {
        const bucket = buckets[Math.floor((at - start) / step)]
        if (bucket) add(bucket, cell)
      }
    }
    return buckets.map((cell, i) => toBucket(cell, start + i * step, start + (i + 1) * step))
  }

  regions(checkId: string, query: HistoryQuery): Record<string, RollupBucket[]> {
    const { start, end, step, cells } = this.#query(checkId, query)
    const out: Record<string, RollupBucket[]> = {}
    for (const [series, slots] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
      if (series === OVERALL_SERIES) continue
      const buckets = Array.from({ length: (end - start) / step }, () => emptyCell())
      for (const [at, cell] of slots) {
        const bucket = buckets[Math.floor((at - start) / step)]
        if (bucket) mergeCell(bucket, cell)
      }
      out[series] = buckets.map((cell, i) =>
        toBucket(cell, start + i * step, start + (i + 1) * step),
      )
    }
    return out
  }

  total(checkId: string, from: number, to: number): HistoryTotal {
    return this.totals(checkId, [{ from, to }])[0]!
  }

  /**
   * Several windows of one check from one read of its rows: the check view asks for the
   * last hour and the last day at once. `latency: false` reads counts only (latency null).
   */
  totals(
    checkId: string,
    windows: readonly { from: number; to: number }[],
    options: { latency?: boolean } = {},
  ): HistoryTotal[] {
    const histograms = options.latency ?? true
    const ranges = windows.map(({ from, to }) => {
      const start = ceilTo(from, MIN)
      return { start, end: Math.max(start, ceilTo(to, MIN)) }
    })
    const days = new Set<number>()
    const edgeHours = new Set<number>()
    for (const { start, end } of ranges) {
      if (end <= start) continue
      for (const day of this.#dayStarts(start, end)) days.add(day)
      if (start % HOUR !== 0) edgeHours.add(floorTo(start, HOUR))
      if (end % HOUR !== 0) edgeHours.add(floorTo(end, HOUR))
    }
    const dayRows = days.size > 0 ? this.rollups.hourRows(checkId, [...days], null, histograms) : []
    const minuteRows = new Map<string, Map<number, Cell>>()
    const edgeRows =
      edgeHours.size > 0 ? this.rollups.minuteRows(checkId, [...edgeHours], null, histograms) : []
    for (const row of edgeRows) {
      minuteRows.set(`${row.series}\u0000${row.start}`, row.pack)
    }
    return ranges.map(({ start, end }) => this.#sum(dayRows, minuteRows, start, end))
  }

  #sum(
    dayRows: PackRow[],
    minuteRows: Map<string, Map<number, Cell>>,
    start: number,
    end: number,
  ): HistoryTotal {
    let edgeGrain: Grain = 'minute'
    let outFrom = start
    let outTo = end
    const roundOut = (grain: Grain, at: number, length: number) => {
      if (grain === 'day' || edgeGrain === 'minute') edgeGrain = grain
      outFrom = Math.min(outFrom, at)
      outTo = Math.max(outTo, at + length)
    }
    const totals = new Map<string, Cell>()
    const cellOf = (series: string) => {
      let cell = totals.get(series)
      if (!cell) totals.set(series, (cell = emptyCell()))
      return cell
    }
    for (const row of end > start ? dayRows : []) {
      const dayEnd = row.start + DAY
      const lo = Math.max(start, row.start)
      const hi = Math.min(end, dayEnd)
      if (lo >= hi) continue
      const total = cellOf(row.series)
      const whole = lo === row.start && hi === dayEnd
      if (whole || row.pack.has(DAY_TOTAL_SLOT)) {
        for (const cell of row.pack.values()) mergeCell(total, cell)
        if (!whole) roundOut('day', row.start, DAY)
        continue
      }
      for (const [slot, cell] of row.pack) {
        const hour = row.start + slot * HOUR
        if (hour + HOUR <= lo || hour >= hi) continue
        if (hour >= lo && hour + HOUR <= hi) {
          mergeCell(total, cell)
          continue
        }
        const minutes = minuteRows.get(`${row.series}\u0000${hour}`)
        if (!minutes) {
          mergeCell(total, cell)
          roundOut('hour', hour, HOUR)
          continue
        }
        for (const [m, minute] of minutes) {
          const at = hour + m * MIN
          if (at < lo || at >= hi) continue
          mergeCell(
            total,
            row.series === OVERALL_SERIES
              ? withMinuteSlices({ ...minute, time: minute.time })
              : minute,
          )
        }
      }
    }
    const regions: Record<string, RollupBucket> = {}
    const overall = emptyCell()
    for (const [series, cell] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
      if (series === OVERALL_SERIES) {
        addTime(overall, cell)
        continue
      }
      addRuns(overall, cell)
      regions[series] = toBucket(cell, outFrom, outTo)
    }
    return {
      from: outFrom,
      to: outTo,
      overall: toBucket(overall, outFrom, outTo),
      regions,
      edgeGrain,
    }
  }

  #query(checkId: string, query: HistoryQuery) {
    const grainMs = GRAIN_MS[query.grain]
    const step = query.step ?? grainMs
    if (!(step >= grainMs) || step % grainMs !== 0) {
      throw new RangeError(
        `step must be a multiple of a ${query.grain} (${grainMs} ms), got ${step}`,
      )
    }
    const start = floorTo(query.from, step)
    const end = Math.max(start + step, ceilTo(query.to, step))
    const cells: SeriesCells = new Map()
    if (query.grain === 'minute') this.#minutes(checkId, start, end, cells)
    else if (query.grain === 'hour') this.#hours(checkId, start, end, cells)
    else this.#days(checkId, start, end, cells)
    return { start, end, step, cells }
  }

  /** Minute cells starting in `[from, to)`. */
  #minutes(checkId: string, from: number, to: number, cells: SeriesCells): void {
    if (to <= from) return
    const hours: number[] = []
    for (let h = floorTo(from, HOUR); h < to; h += HOUR) hours.push(h)
    for (const row of this.rollups.minuteRows(checkId, hours)) {
      for (const [slot, cell] of row.pack) {
        const at = row.start + slot * MIN
        if (at < from || at >= to) continue
        put(cells, row.series, at, row.series === OVERALL_SERIES ? withMinuteSlices(cell) : cell)
      }
    }
  }

  /** Hour cells starting in `[from, to)`; days already reduced to their total have none. */
  #hours(checkId: string, from: number, to: number, cells: SeriesCells): void {
    if (to <= from) return
    for (const row of this.rollups.hourRows(checkId, this.#dayStarts(from, to))) {
      for (const [slot, cell] of row.pack) {
        const at = row.start + slot * HOUR
        if (slot === DAY_TOTAL_SLOT || at < from || at >= to) continue
        put(cells, row.series, at, cell)
      }
    }
  }

  /** Whole days starting in `[from, to)`, each as one cell at its start. */
  #days(checkId: string, from: number, to: number, cells: SeriesCells): void {
    if (to <= from) return
    for (const row of this.rollups.hourRows(checkId, this.#dayStarts(from, to))) {
      if (row.start < from || row.start >= to) continue
      for (const cell of row.pack.values()) put(cells, row.series, row.start, cell)
    }
  }

  #dayStarts(from: number, to: number): number[] {
    const days: number[] = []
    for (let d = floorTo(from, DAY); d < to; d += DAY) days.push(d)
    return days
  }
}
