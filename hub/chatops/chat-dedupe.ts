/**
 * Slack retries a request it thinks went unanswered (and a network may deliver one
 * twice); a retried "ack" or "remediate" must not act again. Each request's id (Slack's
 * `trigger_id`, unique per command and button press) is claimed in SQLite before the
 * command runs, so a retry, even after a hub restart, gets the first answer back instead
 * of a second action.
 */
import type { Clock } from '../../lib/clock.ts'
import type { Database } from '../store/database.ts'

/** Slack retries within minutes; an hour of ids is plenty and stays small. */
const KEEP_MS = 60 * 60_000
/** Every this many claims, ids older than an hour are deleted. */
const PRUNE_EVERY = 500

export type Claim = { first: true } | { first: false; answer: unknown }

export class ChatDedupe {
  readonly #statements
  #claims = 0

  constructor(
    db: Database,
    private readonly clock: Clock,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS chat_requests (
      id TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      answer TEXT
    )`)
    this.#statements = {
      claim: db.prepare<[string, number]>(
        'INSERT OR IGNORE INTO chat_requests (id, at, answer) VALUES (?, ?, NULL)',
      ),
      answer: db.prepare<[string, string]>('UPDATE chat_requests SET answer = ? WHERE id = ?'),
      get: db.prepare<[string], { answer: string | null }>(
        'SELECT answer FROM chat_requests WHERE id = ?',
      ),
      prune: db.prepare<[number]>('DELETE FROM chat_requests WHERE at < ?'),
    }
  }

  /** Claims a request id: `first` for a new one, else the answer it got (null while in flight). */
  claim(id: string): Claim {
    const now = this.clock.now()
    if (++this.#claims % PRUNE_EVERY === 0) this.#statements.prune.run(now - KEEP_MS)
    if (this.#statements.claim.run(id, now).changes > 0) return { first: true }
    const row = this.#statements.get.get(id)
    return { first: false, answer: row?.answer ? (JSON.parse(row.answer) as unknown) : null }
  }

  /** Keeps the answer a retry of this id gets. */
  answered(id: string, answer: unknown): void {
    this.#statements.answer.run(JSON.stringify(answer), id)
  }
}
