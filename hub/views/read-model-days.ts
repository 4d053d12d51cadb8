/**
 * The read model's finished days on disk: one row per UTC day with every check's time
 * per quorum verdict in it, so that a restarted hub reads 90 rows instead of every
 * check's 90 days of rollups.
 */
import type { Database } from '../store/database.ts'

/** Time per verdict, in ms: up, degraded (degraded, partial, insufficient), down, maintenance. */
export type VerdictTimes = [number, number, number, number]

/** A rollup cell's time per engine state (STATE_TIME_KEYS order) as verdict times. */
export function verdictTimes(time: ArrayLike<number>): VerdictTimes {
  return verdictTimesInto(time, [0, 0, 0, 0])
}

/** verdictTimes into `out`, for reads of many cells that keep none of them. */
export function verdictTimesInto(time: ArrayLike<number>, out: VerdictTimes): VerdictTimes {
  out[0] = time[0]!
  out[1] = time[1]! + time[2]! + time[4]!
  out[2] = time[3]!
  out[3] = time[6]!
  return out
}

/** One stored day: the checks in it, and their verdict times, four per check in that order. */
export interface StoredDay {
  day: number
  ids: string[]
  times: Int32Array
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS read_model_days (
    day_start INTEGER PRIMARY KEY,
    checks TEXT NOT NULL,
    times BLOB NOT NULL
  )
`

export class StoredDays {
  readonly #save
  readonly #between

  constructor(db: Database) {
    db.exec(SCHEMA)
    this.#save = db.prepare<[number, string, Buffer]>(
      'INSERT OR REPLACE INTO read_model_days (day_start, checks, times) VALUES (?, ?, ?)',
    )
    this.#between = db.prepare<[number, number], { day: number; checks: string; times: Buffer }>(
      'SELECT day_start AS day, checks, times FROM read_model_days WHERE day_start >= ? AND day_start < ?',
    )
  }

  save(day: number, ids: readonly string[], times: Int32Array): void {
    this.#save.run(
      day,
      JSON.stringify(ids),
      Buffer.from(times.buffer, times.byteOffset, times.byteLength),
    )
  }

  /** The days stored in [from, to). */
  between(from: number, to: number): StoredDay[] {
    return this.#between.all(from, to).map((row) => ({
      day: row.day,
      ids: JSON.parse(row.checks) as string[],
      times: new Int32Array(row.times.buffer, row.times.byteOffset, row.times.byteLength / 4),
    }))
  }
}
