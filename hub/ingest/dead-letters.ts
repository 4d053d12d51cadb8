/**
 * Messages and results the hub could not accept, kept for inspection instead of
 * being silently dropped. Bounded so a misbehaving client cannot fill the disk.
 */
import type Database from 'better-sqlite3'

/** Only the start of a rejected payload is kept; enough to see what was wrong. */
const MAX_PAYLOAD_CHARS = 16_384
/** Rows kept; older ones are deleted as new ones arrive. */
const MAX_ROWS = 10_000

export interface DeadLetter {
  at: number
  topic: string
  sender: string
  reason: string
  payload: string
}

export class DeadLetters {
  private readonly insert: Database.Statement
  private readonly trim: Database.Statement
  private readonly recentStatement: Database.Statement

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS dead_letters (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL, topic TEXT NOT NULL, sender TEXT NOT NULL,
      reason TEXT NOT NULL, payload TEXT NOT NULL
    )`)
    this.insert = db.prepare(
      'INSERT INTO dead_letters (at, topic, sender, reason, payload) VALUES (?, ?, ?, ?, ?)',
    )
    this.trim = db.prepare(
      'DELETE FROM dead_letters WHERE seq <= (SELECT MAX(seq) FROM dead_letters) - ?',
    )
    this.recentStatement = db.prepare(
      'SELECT at, topic, sender, reason, payload FROM dead_letters ORDER BY seq DESC LIMIT ?',
    )
  }

  add(letter: DeadLetter): void {
    this.insert.run(
      letter.at,
      letter.topic,
      letter.sender,
      letter.reason.slice(0, 2_000),
      letter.payload.slice(0, MAX_PAYLOAD_CHARS),
    )
    this.trim.run(MAX_ROWS)
  }

  recent(limit = 50): DeadLetter[] {
    return this.recentStatement.all(limit) as DeadLetter[]
  }
}
