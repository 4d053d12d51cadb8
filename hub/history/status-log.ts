/**
 * The log of each check's status changes (its quorum verdict), as the engine made them:
 * small (a row per change), kept as long as minute rollups, and what a chart shows as
 * exact transition times where minute buckets only say "down at some point".
 */
import type { Database } from '../store/database.ts'

export interface StatusChangeRow {
  at: number
  status: string
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS status_changes (
    check_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    status TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS status_changes_by_check ON status_changes (check_id, at);
  CREATE INDEX IF NOT EXISTS status_changes_by_time ON status_changes (at);
`

/**
 * @example
 * const log = new StatusLog(db)
 * log.record('api', 'down', at)
 * log.between('api', from, to) // [{ at, status: 'down' }, ...]
 */
export class StatusLog {
  readonly #insert
  readonly #between
  readonly #before
  readonly #prune

  constructor(db: Database) {
    db.exec(SCHEMA)
    this.#insert = db.prepare<[string, number, string]>(
      'INSERT INTO status_changes (check_id, at, status) VALUES (?, ?, ?)',
    )
    this.#between = db.prepare<[string, number, number], StatusChangeRow>(
      'SELECT at, status FROM status_changes WHERE check_id = ? AND at >= ? AND at < ? ORDER BY at, rowid',
    )
    this.#before = db.prepare<[string, number], StatusChangeRow>(
      'SELECT at, status FROM status_changes WHERE check_id = ? AND at < ? ORDER BY at DESC, rowid DESC LIMIT 1',
    )
    this.#prune = db.prepare<[number, number]>(
      'DELETE FROM status_changes WHERE rowid IN (SELECT rowid FROM status_changes WHERE at < ? LIMIT ?)',
    )
  }

  record(checkId: string, status: string, at: number): void {
    this.#insert.run(checkId, at, status)
  }

  /** The changes in [from, to), preceded by the last one before `from` when there is one. */
  between(checkId: string, from: number, to: number): StatusChangeRow[] {
    const before = this.#before.get(checkId, from)
    return [...(before ? [before] : []), ...this.#between.all(checkId, from, to)]
  }

  /** Deletes up to `limit` changes older than `before`; returns how many went. */
  prune(before: number, limit: number): number {
    return this.#prune.run(before, limit).changes
  }
}
