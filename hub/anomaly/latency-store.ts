/**
 * The latency watch's memory in the hub's SQLite, one row per check and region: the
 * detector's state (detector/detector-state.ts, under 1 KB), the window of recent runs
 * and baseline buckets, and the anomaly episode. A restarted hub loads them all and
 * carries on where it stopped; rows are written in batches (latency-watch.ts).
 */
import type { Database } from '../store/database.ts'

export interface LatencyRow {
  checkId: string
  region: string
  /** Null when the check does not run the detector (`anomaly: false`). */
  detector: Uint8Array | null
  /** latency-window.ts state, as JSON. */
  window: string
  /** region-episode.ts state, as JSON. */
  episode: string
  updatedAt: number
}

interface Row {
  check_id: string
  region: string
  detector: Buffer | null
  window: string
  episode: string
  updated_at: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS latency_watch (
  check_id   TEXT NOT NULL,
  region     TEXT NOT NULL,
  detector   BLOB,
  window     TEXT NOT NULL,
  episode    TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (check_id, region)
);`

export class LatencyStore {
  readonly #db: Database
  readonly #upsert
  readonly #deleteCheck
  readonly #all

  constructor(db: Database) {
    this.#db = db
    db.exec(SCHEMA)
    this.#upsert = db.prepare<[string, string, Buffer | null, string, string, number]>(
      `INSERT INTO latency_watch (check_id, region, detector, window, episode, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (check_id, region) DO UPDATE SET detector = excluded.detector,
         window = excluded.window, episode = excluded.episode, updated_at = excluded.updated_at`,
    )
    this.#deleteCheck = db.prepare<[string]>('DELETE FROM latency_watch WHERE check_id = ?')
    this.#all = db.prepare<[], Row>('SELECT * FROM latency_watch')
  }

  /** Every stored row. */
  load(): LatencyRow[] {
    return this.#all.all().map((row) => ({
      checkId: row.check_id,
      region: row.region,
      detector: row.detector ? new Uint8Array(row.detector) : null,
      window: row.window,
      episode: row.episode,
      updatedAt: row.updated_at,
    }))
  }

  /** Writes rows in one transaction. */
  save(rows: LatencyRow[]): void {
    if (rows.length === 0) return
    this.#db.transaction(() => {
      for (const row of rows) {
        const detector = row.detector ? Buffer.from(row.detector) : null
        this.#upsert.run(row.checkId, row.region, detector, row.window, row.episode, row.updatedAt)
      }
    })()
  }

  /** Forgets a check that is no longer deployed. */
  forget(checkId: string): void {
    this.#deleteCheck.run(checkId)
  }
}
