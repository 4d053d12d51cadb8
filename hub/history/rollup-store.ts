/**
 * Writes and reads the packed rollup rows (rollup-schema.ts, rollup-pack.ts).
 *
 * Two writers: ingest adds runs inside its own transaction (`addRuns`, appending a small
 * cell to the row without reading it), and the state roller adds each closed minute's
 * state time (`addTime`), which rewrites the row with one cell per slot. Readers get
 * decoded packs; composing them into buckets is history-reader.ts's job.
 */
import type { CheckStatus } from '../../checks/result.ts'
import type { Database } from '../store/database.ts'
import { record } from './latency-histogram.ts'
import { emptyCell, type Cell } from './rollup-cell.ts'
import {
  decodePack,
  encodeCells,
  mergePacks,
  PackReader,
  type Pack,
  type PackKind,
} from './rollup-pack.ts'
import { migrateDayRows, ROLLUP_SCHEMA } from './rollup-schema.ts'

/** Bytes past which an appended row is rewritten dense: a few times its dense size. */
const REWRITE_MINUTES_AT = 1_024
const REWRITE_HOURS_AT = 4_096

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** One stored run, as a rollup counts it. */
export interface RunSample {
  checkId: string
  /** The region, or the probe id for host checks. */
  series: string
  /** When the run was scheduled (epoch ms): the slot it counts in. */
  at: number
  status: CheckStatus
  durationMs: number
  /** Measured inside a maintenance window: counted as maintenance, whatever its status. */
  maintenance: boolean
}

/** The state time of one series over one closed minute (from the state roller). */
export interface TimeSample {
  checkId: string
  series: string
  minute: number
  /** Milliseconds per state, in STATE_TIME_KEYS order. */
  time: number[]
  /** For the check as a whole: whether the minute was a valid SLI slice, and a bad one. */
  valid: boolean
  bad: boolean
}

/** A stored row, decoded. */
export interface PackRow {
  series: string
  /** The hour (minute rows) or day (hour rows) the row covers. */
  start: number
  pack: Pack
}

interface Delta {
  checkId: string
  series: string
  start: number
  pack: Pack
}

interface RawRow {
  series: string
  start: number
  cells: Buffer
}

/** Adds one run to a cell. */
export function addRun(cell: Cell, status: CheckStatus, durationMs: number, maintenance: boolean) {
  if (maintenance) cell.maintenance += 1
  else if (status === 'inconclusive') cell.inconclusive += 1
  else {
    cell[status] += 1
    const ms = Math.max(0, Math.round(durationMs))
    cell.durSum += ms
    cell.durMax = Math.max(cell.durMax, ms)
    record(cell.hist, ms)
  }
}

function cellIn(
  deltas: Map<string, Delta>,
  sample: { checkId: string; series: string },
  start: number,
  slot: number,
): Cell {
  const key = `${sample.checkId}\u0000${sample.series}\u0000${start}`
  let delta = deltas.get(key)
  if (!delta) {
    delta = { checkId: sample.checkId, series: sample.series, start, pack: new Map() }
    deltas.set(key, delta)
  }
  let cell = delta.pack.get(slot)
  if (!cell) {
    cell = emptyCell()
    delta.pack.set(slot, cell)
  }
  return cell
}

/**
 * @example
 * const rollups = new RollupStore(db)
 * rollups.addRuns([{ checkId: 'api', series: 'eu-west', at, status: 'up', durationMs: 120, maintenance: false }])
 * rollups.minuteRows('api', hourStart, hourStart + HOUR)
 */
export class RollupStore {
  readonly #db: Database
  readonly #appendMinutes
  readonly #appendHours
  readonly #mergeMinutes
  readonly #mergeHours
  readonly #minuteRows
  readonly #hourRows
  readonly #firstAt
  readonly #setFirstAt
  readonly #hourOfAll
  readonly #openDaysOfAll
  readonly #sealedDaysOfAll
  /** First result per check as far as this writer knows, so ingest rarely touches rollup_checks. */
  readonly #firstAtSeen = new Map<string, number>()
  readonly #addTime: (samples: TimeSample[]) => void

  constructor(db: Database) {
    this.#db = db
    db.exec(ROLLUP_SCHEMA)
    migrateDayRows(db)
    db.function('rollup_merge_minutes', { deterministic: true }, (a, b) =>
      mergePacks(a as Buffer, b as Buffer, 'minutes'),
    )
    db.function('rollup_merge_hours', { deterministic: true }, (a, b) =>
      mergePacks(a as Buffer, b as Buffer, 'hours'),
    )
    // Appending needs no decoding: readers merge repeated slots, and addTime normalizes.
    // A row that grew long without being rewritten (a series the state roller does not
    // follow) is rewritten here instead, so no row grows without bound.
    this.#appendMinutes = db.prepare<[number, string, string, Buffer]>(
      `INSERT INTO rollup_minutes (hour_start, check_id, series, cells) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET cells = CASE WHEN length(cells) > ${REWRITE_MINUTES_AT}
         THEN rollup_merge_minutes(cells, excluded.cells)
         ELSE CAST(cells || excluded.cells AS BLOB) END`,
    )
    this.#appendHours = db.prepare<[number, string, string, Buffer]>(
      `INSERT INTO rollup_days (day_start, check_id, series, cells) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET cells = CASE WHEN length(cells) > ${REWRITE_HOURS_AT}
         THEN rollup_merge_hours(cells, excluded.cells)
         ELSE CAST(cells || excluded.cells AS BLOB) END`,
    )
    this.#mergeMinutes = db.prepare<[number, string, string, Buffer]>(
      `INSERT INTO rollup_minutes (hour_start, check_id, series, cells) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET cells = rollup_merge_minutes(cells, excluded.cells)`,
    )
    this.#mergeHours = db.prepare<[number, string, string, Buffer]>(
      `INSERT INTO rollup_days (day_start, check_id, series, cells) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET cells = rollup_merge_hours(cells, excluded.cells)`,
    )
    // One seek per hour or day: the key starts with the time, then the check.
    this.#minuteRows = db.prepare<[string, string, string | null, string | null], RawRow>(
      `SELECT series, hour_start AS start, cells FROM rollup_minutes
       WHERE hour_start IN (SELECT value FROM json_each(?)) AND check_id = ?
         AND (? IS NULL OR series = ?)`,
    )
    // One range scan: a check's days are contiguous.
    this.#hourRows = db.prepare<[string, number, number, string | null, string | null], RawRow>(
      `SELECT series, day_start AS start, cells FROM rollup_days
       WHERE check_id = ? AND day_start >= ? AND day_start <= ? AND (? IS NULL OR series = ?)`,
    )
    // Every check's rows of one hour: a contiguous range of the time-first key.
    this.#hourOfAll = db.prepare<[number], RawRow & { checkId: string }>(
      `SELECT check_id AS checkId, series, hour_start AS start, cells FROM rollup_minutes
       WHERE hour_start = ?`,
    )
    // Every check's rows of one day through the partial indexes: open days are today's and
    // yesterday's, sealed ones the days before.
    this.#openDaysOfAll = db.prepare<
      [number, string | null, string | null],
      RawRow & { checkId: string }
    >(
      `SELECT check_id AS checkId, series, day_start AS start, cells FROM rollup_days
       WHERE day_start = ? AND hours = 1 AND (? IS NULL OR series = ?)`,
    )
    this.#sealedDaysOfAll = db.prepare<
      [number, string | null, string | null],
      RawRow & { checkId: string }
    >(
      `SELECT check_id AS checkId, series, day_start AS start, cells FROM rollup_days
       WHERE day_start = ? AND hours = 2 AND (? IS NULL OR series = ?)`,
    )
    this.#firstAt = db.prepare<[string], { first: number }>(
      'SELECT first_at AS first FROM rollup_checks WHERE check_id = ?',
    )
    this.#setFirstAt = db.prepare<[string, number]>(
      `INSERT INTO rollup_checks (check_id, first_at) VALUES (?, ?)
       ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at)`,
    )
    this.#addTime = db.transaction((samples: TimeSample[]) => this.#writeTime(samples))
  }

  /**
   * Counts runs into their minute and hour. Call it inside the transaction that stores
   * the runs, so a run is counted exactly when it is stored.
   */
  addRuns(samples: Iterable<RunSample>): void {
    const minutes = new Map<string, Delta>()
    const hours = new Map<string, Delta>()
    const firsts = new Map<string, number>()
    for (const sample of samples) {
      const hour = Math.floor(sample.at / HOUR_MS) * HOUR_MS
      const day = Math.floor(sample.at / DAY_MS) * DAY_MS
      const { status, durationMs, maintenance } = sample
      addRun(
        cellIn(minutes, sample, hour, Math.floor((sample.at - hour) / MINUTE_MS)),
        status,
        durationMs,
        maintenance,
      )
      addRun(cellIn(hours, sample, day, (hour - day) / HOUR_MS), status, durationMs, maintenance)
      const first = firsts.get(sample.checkId)
      if (first === undefined || sample.at < first) firsts.set(sample.checkId, sample.at)
    }
    for (const d of minutes.values()) {
      this.#appendMinutes.run(d.start, d.checkId, d.series, encodeCells(d.pack, 'minutes'))
    }
    for (const d of hours.values()) {
      this.#appendHours.run(d.start, d.checkId, d.series, encodeCells(d.pack, 'hours'))
    }
    for (const [checkId, at] of firsts) {
      const known = this.#firstAtSeen.get(checkId) ?? this.firstResultAt(checkId) ?? Infinity
      if (at < known) {
        this.#setFirstAt.run(checkId, at)
        this.#firstAtSeen.set(checkId, at)
      } else this.#firstAtSeen.set(checkId, known)
    }
  }

  /** Adds closed minutes' state time, in one transaction; rewrites each row it touches. */
  addTime(samples: TimeSample[]): void {
    if (samples.length > 0) this.#addTime(samples)
  }

  #writeTime(samples: TimeSample[]): void {
    const minutes = new Map<string, Delta>()
    const hours = new Map<string, Delta>()
    for (const sample of samples) {
      const hour = Math.floor(sample.minute / HOUR_MS) * HOUR_MS
      const day = Math.floor(sample.minute / DAY_MS) * DAY_MS
      const minuteCell = cellIn(
        minutes,
        sample,
        hour,
        Math.floor((sample.minute - hour) / MINUTE_MS),
      )
      const hourCell = cellIn(hours, sample, day, (hour - day) / HOUR_MS)
      for (let i = 0; i < sample.time.length; i++) {
        minuteCell.time[i]! += sample.time[i]!
        hourCell.time[i]! += sample.time[i]!
      }
      // A minute's slices follow from its time; an hour's are counted.
      if (sample.valid) hourCell.valid += 1
      if (sample.bad) hourCell.bad += 1
    }
    for (const d of minutes.values()) {
      this.#mergeMinutes.run(d.start, d.checkId, d.series, encodeCells(d.pack, 'minutes'))
    }
    for (const d of hours.values()) {
      this.#mergeHours.run(d.start, d.checkId, d.series, encodeCells(d.pack, 'hours'))
    }
  }

  /**
   * Minute rows of a check (of one series, when given) whose hour is in `hours` (hour
   * starts); `histograms: false` leaves latency histograms out, for reads that count.
   */
  minuteRows(
    checkId: string,
    hours: number[],
    series: string | null = null,
    histograms = true,
  ): PackRow[] {
    const rows = this.#minuteRows.all(JSON.stringify(hours), checkId, series, series)
    return this.#read(rows, 'minutes', histograms)
  }

  /** Hour rows of a check (of one series, when given) whose day is in `days` (day starts). */
  hourRows(
    checkId: string,
    days: number[],
    series: string | null = null,
    histograms = true,
  ): PackRow[] {
    if (days.length === 0) return []
    const wanted = new Set(days)
    const rows = this.#hourRows
      .all(checkId, Math.min(...days), Math.max(...days), series, series)
      .filter((row) => wanted.has(row.start))
    return this.#read(rows, 'hours', histograms)
  }

  /**
   * Every check's minute rows of one hour, counts only (no latency histograms), one at a
   * time: one range of the key, decoded as it is read so that 10,000 checks' rows never
   * sit in memory together. For read models that keep a window of every check
   * (hub/views/read-model.ts); `each` must not use the database, nor keep a row's pack or
   * cells past its call: they are decoded into the same ones row after row (PackReader).
   */
  eachMinuteRowOfHour(hour: number, each: (row: PackRow & { checkId: string }) => void): void {
    const reader = new PackReader('minutes', false)
    for (const row of this.#hourOfAll.iterate(hour)) {
      each({
        checkId: row.checkId,
        series: row.series,
        start: row.start,
        pack: reader.decode(row.cells),
      })
    }
  }

  /**
   * Every check's hour rows of one day (of one series, when given), counts only, one at a
   * time, read through the open and sealed days' indexes; a day reduced to its total has
   * none. `each` must not use the database, nor keep a row's pack or cells past its call
   * (as eachMinuteRowOfHour).
   */
  eachHourRowOfDay(
    day: number,
    series: string | null,
    each: (row: PackRow & { checkId: string }) => void,
  ): void {
    const reader = new PackReader('hours', false)
    for (const statement of [this.#openDaysOfAll, this.#sealedDaysOfAll]) {
      for (const row of statement.iterate(day, series, series)) {
        each({
          checkId: row.checkId,
          series: row.series,
          start: row.start,
          pack: reader.decode(row.cells),
        })
      }
    }
  }

  /** When the check's first stored result was scheduled, or null. */
  firstResultAt(checkId: string): number | null {
    return this.#firstAt.get(checkId)?.first ?? null
  }

  /**
   * Runs counted in minute rollups (every status and maintenance), for one check or all.
   * Decodes every row it reads: for tests and checks, not for pages.
   */
  countRuns(checkId?: string): number {
    const rows =
      checkId === undefined
        ? this.#db.prepare<[], { cells: Buffer }>('SELECT cells FROM rollup_minutes').all()
        : this.#db
            .prepare<[string], { cells: Buffer }>(
              'SELECT cells FROM rollup_minutes WHERE check_id = ?',
            )
            .all(checkId)
    let n = 0
    for (const { cells } of rows) {
      for (const c of decodePack(cells, 'minutes').values()) {
        n += c.up + c.degraded + c.down + c.inconclusive + c.maintenance
      }
    }
    return n
  }

  /** Rows per rollup table, for benchmarks and the operator. */
  tableRows(): Record<string, number> {
    const count = (table: string) =>
      this.#db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n
    return {
      rollup_minutes: count('rollup_minutes'),
      rollup_days: count('rollup_days'),
      rollup_checks: count('rollup_checks'),
    }
  }

  #read(rows: RawRow[], kind: PackKind, histograms: boolean): PackRow[] {
    return rows.map((row) => ({
      series: row.series,
      start: row.start,
      pack: decodePack(row.cells, kind, histograms),
    }))
  }
}
