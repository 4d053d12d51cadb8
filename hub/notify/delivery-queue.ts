/**
 * The durable outbox of notifications: one row per (alert event, channel), written
 * before any network I/O so that a hub restart resumes what was still pending.
 */
import type { Database } from '../store/database.ts'
import type { AlertEvent } from '../types.ts'

export type DeliveryState = 'pending' | 'delivered' | 'failed'

export interface QueuedDelivery {
  id: number
  /** The channel's name; its config is looked up at send time, so deploys take effect. */
  channel: string
  event: AlertEvent
  /** Attempts made so far. */
  attempts: number
  nextAttemptAt: number
  lastError: string | null
  createdAt: number
  state: DeliveryState
}

interface Row extends Omit<QueuedDelivery, 'event' | 'state'> {
  event: string
  state: DeliveryState
}

/** Finished rows are kept a week for inspection, then pruned at start. */
const KEEP_FINISHED_MS = 7 * 24 * 3_600_000

const COLUMNS = `id, channel, event, attempts, next_attempt_at AS nextAttemptAt,
  last_error AS lastError, created_at AS createdAt, state`

export class DeliveryQueue {
  readonly #statements

  constructor(db: Database, now: number) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS notification_queue (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        event TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed'))
      );
      CREATE INDEX IF NOT EXISTS notification_queue_due
        ON notification_queue (state, next_attempt_at);
    `)
    this.#statements = {
      enqueue: db.prepare<[string, string, number, number]>(
        'INSERT INTO notification_queue (channel, event, next_attempt_at, created_at) VALUES (?, ?, ?, ?)',
      ),
      due: db.prepare<[number], Row>(
        `SELECT ${COLUMNS} FROM notification_queue WHERE state = 'pending'
         ORDER BY next_attempt_at, id LIMIT ?`,
      ),
      get: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM notification_queue WHERE id = ?`),
      pendingCount: db.prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM notification_queue WHERE state = 'pending'",
      ),
      finish: db.prepare<[DeliveryState, number, string | null, number]>(
        'UPDATE notification_queue SET state = ?, attempts = ?, last_error = ? WHERE id = ?',
      ),
      reschedule: db.prepare<[number, number, string | null, number]>(
        'UPDATE notification_queue SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?',
      ),
      resume: db.prepare<[number]>(
        "UPDATE notification_queue SET next_attempt_at = ? WHERE state = 'pending'",
      ),
      prune: db.prepare<[number]>(
        "DELETE FROM notification_queue WHERE state != 'pending' AND created_at < ?",
      ),
    }
    this.#statements.prune.run(now - KEEP_FINISHED_MS)
  }

  /**
   * Makes every pending row due now. Called on hub start: a restart often follows a
   * fix (a corrected URL), and an alert held back by an hour's backoff is stale.
   * Rate limits still space the resumed rows.
   */
  resume(now: number): void {
    this.#statements.resume.run(now)
  }

  /** Stores one pending delivery, due at once, and returns its id. */
  enqueue(channel: string, event: AlertEvent, now: number): number {
    return Number(
      this.#statements.enqueue.run(channel, JSON.stringify(event), now, now).lastInsertRowid,
    )
  }

  /** The first `limit` pending rows, earliest due first. */
  pending(limit: number): QueuedDelivery[] {
    return this.#statements.due.all(limit).map(parse)
  }

  get(id: number): QueuedDelivery | undefined {
    const row = this.#statements.get.get(id)
    return row && parse(row)
  }

  pendingCount(): number {
    return this.#statements.pendingCount.get()!.n
  }

  /** Final states: the row is never sent again. */
  finish(id: number, state: 'delivered' | 'failed', attempts: number, error: string | null): void {
    this.#statements.finish.run(state, attempts, error, id)
  }

  /** Keeps the row pending and due at `at` (a retry, or a wait for a rate-limit token). */
  reschedule(id: number, attempts: number, at: number, error: string | null): void {
    this.#statements.reschedule.run(attempts, at, error, id)
  }
}

function parse(row: Row): QueuedDelivery {
  return { ...row, event: JSON.parse(row.event) as AlertEvent }
}
