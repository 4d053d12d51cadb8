/**
 * Which budget thresholds an objective has already notified, kept in SQLite so that a
 * restarted hub does not notify them again. A threshold is forgotten once consumption
 * falls 5 points below it, so crossing it again notifies again.
 */
import type { Database } from '../store/database.ts'

export class ThresholdMemory {
  readonly #noted = new Set<string>()
  readonly #insert
  readonly #delete

  constructor(db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS slo_thresholds (
      objective TEXT NOT NULL, threshold REAL NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (objective, threshold)
    ) WITHOUT ROWID`)
    for (const row of db
      .prepare<[], { objective: string; threshold: number }>(
        'SELECT objective, threshold FROM slo_thresholds',
      )
      .all()) {
      this.#noted.add(`${row.objective}\u0000${row.threshold}`)
    }
    this.#insert = db.prepare<[string, number, number]>(
      'INSERT OR REPLACE INTO slo_thresholds (objective, threshold, at) VALUES (?, ?, ?)',
    )
    this.#delete = db.prepare<[string, number]>(
      'DELETE FROM slo_thresholds WHERE objective = ? AND threshold = ?',
    )
  }

  noted(objective: string, threshold: number): boolean {
    return this.#noted.has(`${objective}\u0000${threshold}`)
  }

  note(objective: string, threshold: number, at: number): void {
    this.#noted.add(`${objective}\u0000${threshold}`)
    this.#insert.run(objective, threshold, at)
  }

  forget(objective: string, threshold: number): void {
    this.#noted.delete(`${objective}\u0000${threshold}`)
    this.#delete.run(objective, threshold)
  }
}
