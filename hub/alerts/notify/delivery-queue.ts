/**
 * The durable outbox of notifications: one row per (alert event, channel), written
 * before any network I/O so that a hub restart resumes what was still pending.
 *
 * Grouping lives here too, so that it survives a restart: a row with a group key waits
 * out the group wait in the queue, and when it comes due it takes the rows of the same
 * channel and key that arrived meanwhile (`formGroup`). From then on the group is one
 * delivery: its lead row is sent, retried and finished, and its members follow.
 */
import { addMissingColumns, type Database } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'

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
  /** Rows with the same channel and key that come due within one group wait go out as one message. */
  groupKey: string | null
  /**
   * The lead row of the group this row belongs to, once the group is formed (a lead
   * points to itself); null while the row is on its own or still waiting for mates.
   */
  joinedTo: number | null
}

/** When a row is first due, and what it may be grouped by. */
export interface EnqueueOptions {
  /** Default: at once. */
  dueAt?: number
  /** Default: null, never grouped. */
  groupKey?: string | null
}

interface Row extends Omit<QueuedDelivery, 'event' | 'state'> {
  event: string
  state: DeliveryState
}

/** Finished rows are kept a week for inspection, then pruned at start. */
const KEEP_FINISHED_MS = 7 * 24 * 3_600_000

/** Columns added after the first release, added to older databases on open. */
const ADDED_COLUMNS: [name: string, definition: string][] = [
  ['group_key', 'group_key TEXT'],
  ['joined_to', 'joined_to INTEGER'],
]

const COLUMNS = `id, channel, event, attempts, next_attempt_at AS nextAttemptAt,
  last_error AS lastError, created_at AS createdAt, state, group_key AS groupKey,
  joined_to AS joinedTo`

/** A row that sends for itself: alone, or the lead of its group. Members go with their lead. */
const SENDS_ITSELF = '(joined_to IS NULL OR joined_to = id)'

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
    addMissingColumns(db, 'notification_queue', ADDED_COLUMNS)
    db.exec(
      'CREATE INDEX IF NOT EXISTS notification_queue_members ON notification_queue (joined_to)',
    )
    const join = db.prepare<{ lead: number; channel: string; key: string; until: number }>(
      `UPDATE notification_queue SET joined_to = @lead
       WHERE id = @lead OR (state = 'pending' AND attempts = 0 AND joined_to IS NULL
         AND channel = @channel AND group_key = @key AND next_attempt_at <= @until)`,
    )
    const members = db.prepare<{ lead: number }, Row>(
      `SELECT ${COLUMNS} FROM notification_queue WHERE joined_to = @lead AND id != @lead ORDER BY id`,
    )
    this.#statements = {
      enqueue: db.prepare<[string, string, number, number, string | null]>(
        `INSERT INTO notification_queue (channel, event, next_attempt_at, created_at, group_key)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      due: db.prepare<[number], Row>(
        `SELECT ${COLUMNS} FROM notification_queue WHERE state = 'pending' AND ${SENDS_ITSELF}
         ORDER BY next_attempt_at, id LIMIT ?`,
      ),
      allPending: db.prepare<[], Row>(
        `SELECT ${COLUMNS} FROM notification_queue WHERE state = 'pending' ORDER BY id`,
      ),
      pendingByChannel: db.prepare<[], { channel: string; n: number }>(
        `SELECT channel, count(*) AS n FROM notification_queue WHERE state = 'pending'
         GROUP BY channel`,
      ),
      members,
      formGroup: db.transaction((lead: QueuedDelivery, until: number) => {
        join.run({ lead: lead.id, channel: lead.channel, key: lead.groupKey ?? '', until })
        return members.all({ lead: lead.id })
      }),
      get: db.prepare<[number], Row>(`SELECT ${COLUMNS} FROM notification_queue WHERE id = ?`),
      pendingCount: db.prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM notification_queue WHERE state = 'pending'",
      ),
      // A lead's update carries its members: `joined_to = id` holds only for a group.
      finish: db.prepare<{
        state: DeliveryState
        attempts: number
        error: string | null
        id: number
      }>(
        `UPDATE notification_queue SET state = @state, attempts = @attempts, last_error = @error
         WHERE id = @id OR joined_to = @id`,
      ),
      reschedule: db.prepare<{ attempts: number; at: number; error: string | null; id: number }>(
        `UPDATE notification_queue SET attempts = @attempts, next_attempt_at = @at, last_error = @error
         WHERE id = @id OR joined_to = @id`,
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

  /** Stores one pending delivery and returns its id. */
  enqueue(
    channel: string,
    event: AlertEvent,
    now: number,
    { dueAt = now, groupKey = null }: EnqueueOptions = {},
  ): number {
    const json = JSON.stringify(event)
    return Number(this.#statements.enqueue.run(channel, json, dueAt, now, groupKey).lastInsertRowid)
  }

  /** The first `limit` pending rows that send for themselves (not group members), earliest due first. */
  pending(limit: number): QueuedDelivery[] {
    return this.#statements.due.all(limit).map(parse)
  }

  /** Every pending row, group members included, oldest first. */
  allPending(): QueuedDelivery[] {
    return this.#statements.allPending.all().map(parse)
  }

  /** Pending rows (group members included) per channel name; channels with none are absent. */
  pendingByChannel(): Map<string, number> {
    return new Map(this.#statements.pendingByChannel.all().map((row) => [row.channel, row.n]))
  }

  /**
   * Closes `lead`'s group: every pending, never-tried, ungrouped row of its channel and
   * group key due by `until` joins it. Returns the members (without the lead), oldest
   * first. Formed once: a lead that already has a group keeps it.
   */
  formGroup(lead: QueuedDelivery, until: number): QueuedDelivery[] {
    if (lead.joinedTo !== null || lead.groupKey === null) return this.members(lead.id)
    return this.#statements.formGroup(lead, until).map(parse)
  }

  /** The rows that go out with `leadId`, oldest first; none for a row on its own. */
  members(leadId: number): QueuedDelivery[] {
    return this.#statements.members.all({ lead: leadId }).map(parse)
  }

  get(id: number): QueuedDelivery | undefined {
    const row = this.#statements.get.get(id)
    return row && parse(row)
  }

  pendingCount(): number {
    return this.#statements.pendingCount.get()!.n
  }

  /** Final states: the row (and its group) is never sent again. */
  finish(id: number, state: 'delivered' | 'failed', attempts: number, error: string | null): void {
    this.#statements.finish.run({ state, attempts, error, id })
  }

  /** Keeps the row (and its group) pending and due at `at` (a retry, or a wait for a rate-limit token). */
  reschedule(id: number, attempts: number, at: number, error: string | null): void {
    this.#statements.reschedule.run({ attempts, at, error, id })
  }
}

function parse(row: Row): QueuedDelivery {
  return { ...row, event: JSON.parse(row.event) as AlertEvent }
}
