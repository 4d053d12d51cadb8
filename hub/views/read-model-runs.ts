/**
 * The read model's finished days of run counts on disk: one row per UTC day with every
 * check-series's passed and failed runs in it, so that a restarted hub reads 30 rows
 * instead of every check's 30 days of rollups (read-model-window.ts keeps them in memory).
 */
import type { Database } from '../store/database.ts'

/** One stored day: its series as `checkId\0series` keys, and two counts per key (passed, down). */
export interface StoredDayRuns {
  day: number
  keys: string[]
  runs: Uint32Array
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS read_model_day_runs (
    day_start INTEGER PRIMARY KEY,
    series TEXT NOT NULL,
    runs BLOB NOT NULL
  )
`

export class StoredRuns {
  readonly #save
  readonly #between

  constructor(db: Database) {
    db.exec(SCHEMA)
    this.#save = db.prepare<[number, string, Buffer]>(
      'INSERT OR REPLACE INTO read_model_day_runs (day_start, series, runs) VALUES (?, ?, ?)',
    )
    this.#between = db.prepare<[number, number], { day: number; series: string; runs: Buffer }>(
      'SELECT day_start AS day, series, runs FROM read_model_day_runs WHERE day_start >= ? AND day_start < ?',
    )
  }

  save(day: number, keys: readonly string[], runs: Uint32Array): void {
    this.#save.run(
      day,
      JSON.stringify(keys),
      Buffer.from(runs.buffer, runs.byteOffset, runs.byteLength),
    )
  }

  /** The days stored in [from, to). */
  between(from: number, to: number): StoredDayRuns[] {
    return this.#between.all(from, to).map((row) => {
      // Copied: a Buffer's offset need not be aligned for a Uint32Array view.
      const bytes = new Uint8Array(row.runs)
      return {
        day: row.day,
        keys: JSON.parse(row.series) as string[],
        runs: new Uint32Array(bytes.buffer, 0, bytes.byteLength / 4),
      }
    })
  }
}
