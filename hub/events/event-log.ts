/**
 * The hub's event log: one append-only table of everything that happened to the
 * monitoring and around it, so that a root-cause review sees alarms and changes side by
 * side: alerts and their state changes, notifications and what each receiver answered,
 * acks, silences and maintenance, deploys and rollbacks with their plan, probes joining,
 * leaving and changing health, rejected bundles and messages, remediation runs, and the
 * commands people gave through chat and the API (who, where, what, and the result).
 *
 * Rows are never updated. Retention is the log's own rule (`--event-retention`, 90 days
 * by default), applied in small batches on a timer so it never stalls ingest. Appending
 * never throws: the log is a record, and losing one row must not stop what it records.
 */
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { Database } from '../store/database.ts'

export const EVENT_KINDS = [
  'alert',
  'notification',
  'ack',
  'silence',
  'maintenance',
  'deploy',
  'rollback',
  'probe',
  'rejected',
  'remediation',
  'command',
] as const
export type EventKind = (typeof EVENT_KINDS)[number]

/**
 * Kinds that change what the monitoring does or what it watches: what a review looks
 * at first ("what changed?"). Alerts and notifications are consequences, not changes.
 */
export const CHANGE_KINDS: readonly EventKind[] = [
  'deploy',
  'rollback',
  'silence',
  'maintenance',
  'probe',
  'rejected',
  'remediation',
  'ack',
  'command',
]

export interface HubEvent {
  /** Increasing: the order events were appended in. */
  id: number
  at: number
  kind: EventKind
  /** What happened within the kind: `fired`, `delivered`, `created`, `joined`, ... */
  action: string
  /** The check it is about (`probe:<id>` and `region:<name>` for those alerts); null for the hub as a whole. */
  check: string | null
  /** Who did it: `slack:alice`, `api`, `hub`; null when nobody in particular. */
  actor: string | null
  /** Where it came from: `slack T0123 #ops`, `127.0.0.1`, a probe id; null when local to the hub. */
  origin: string | null
  /** One line a person reads. */
  summary: string
  detail: Record<string, unknown>
}

export type EventInput = Omit<HubEvent, 'id' | 'check' | 'actor' | 'origin' | 'detail'> & {
  check?: string | null
  actor?: string | null
  origin?: string | null
  detail?: Record<string, unknown>
}

export interface EventFilter {
  check?: string
  kinds?: readonly EventKind[]
  /** At or after (epoch ms). */
  since?: number
  /** Before (epoch ms). */
  until?: number
  /** At most this many, newest first. Default 100. */
  limit?: number
  /** Oldest first instead. */
  ascending?: boolean
}

/** A summary is a line; a detail is a few facts. Larger ones are cut, so a row stays small. */
const MAX_SUMMARY = 500
const MAX_DETAIL_JSON = 8_192
/** Rows deleted per retention batch: each batch is a short transaction. */
const PRUNE_BATCH = 1_000
/** How often retention runs. */
const PRUNE_EVERY_MS = 10 * 60_000

export const DEFAULT_EVENT_RETENTION_MS = 90 * 86_400_000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  action   TEXT NOT NULL,
  check_id TEXT,
  actor    TEXT,
  origin   TEXT,
  summary  TEXT NOT NULL,
  detail   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
CREATE INDEX IF NOT EXISTS events_by_check ON events (check_id, at);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, at);
`

interface Row {
  id: number
  at: number
  kind: EventKind
  action: string
  check_id: string | null
  actor: string | null
  origin: string | null
  summary: string
  detail: string
}

function toEvent(row: Row): HubEvent {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    action: row.action,
    check: row.check_id,
    actor: row.actor,
    origin: row.origin,
    summary: row.summary,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }
}

function boundedDetail(detail: Record<string, unknown> | undefined): string {
  const json = JSON.stringify(detail ?? {}) ?? '{}'
  if (json.length <= MAX_DETAIL_JSON) return json
  return JSON.stringify({ truncated: true, start: json.slice(0, MAX_DETAIL_JSON - 100) })
}

export interface EventLogOptions {
  clock: Clock
  logger: Logger
  /** How long rows are kept, read at each retention run. Default 90 days. */
  retentionMs?: () => number
  /** Who is acting right now (a chat user, an API caller), for events appended without one. */
  actor?: () => { actor: string; origin: string | null } | undefined
}

/**
 * @example
 * const events = new EventLog(db, { clock, logger })
 * events.append({ at: clock.now(), kind: 'deploy', action: 'deployed', summary: 'deployed 3-ab12cd34' })
 * events.find({ check: 'latte', since: Date.now() - 3_600_000 })
 */
export class EventLog {
  readonly #db: Database
  readonly #options: EventLogOptions
  readonly #statements
  readonly #listeners: ((event: HubEvent) => void)[] = []
  #timer: NodeJS.Timeout | undefined

  constructor(db: Database, options: EventLogOptions) {
    this.#db = db
    this.#options = options
    db.exec(SCHEMA)
    this.#statements = {
      insert: db.prepare<
        [number, string, string, string | null, string | null, string | null, string, string]
      >(
        `INSERT INTO events (at, kind, action, check_id, actor, origin, summary, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      prune: db.prepare<[number, number]>(
        'DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at < ? ORDER BY at LIMIT ?)',
      ),
    }
  }

  /** Appends one event and returns it, or null when it could not be written (logged). */
  append(input: EventInput): HubEvent | null {
    try {
      const current = input.actor === undefined ? this.#options.actor?.() : undefined
      const actor = input.actor ?? current?.actor ?? null
      const origin = input.origin ?? current?.origin ?? null
      const summary = input.summary.slice(0, MAX_SUMMARY)
      const detail = boundedDetail(input.detail)
      const check = input.check ?? null
      const info = this.#statements.insert.run(
        input.at,
        input.kind,
        input.action,
        check,
        actor,
        origin,
        summary,
        detail,
      )
      const event: HubEvent = {
        id: Number(info.lastInsertRowid),
        at: input.at,
        kind: input.kind,
        action: input.action,
        check,
        actor,
        origin,
        summary,
        detail: JSON.parse(detail) as Record<string, unknown>,
      }
      for (const listener of this.#listeners) {
        try {
          listener(event)
        } catch (err) {
          this.#options.logger.error({ err }, 'an event listener failed')
        }
      }
      return event
    } catch (err) {
      this.#options.logger.error({ err, kind: input.kind }, 'could not append to the event log')
      return null
    }
  }

  /** Hears every event appended from now on. */
  onAppend(listener: (event: HubEvent) => void): void {
    this.#listeners.push(listener)
  }

  /** The events that match, newest first (or oldest first with `ascending`). */
  find(filter: EventFilter = {}): HubEvent[] {
    const where: string[] = []
    const params: (string | number)[] = []
    if (filter.check !== undefined) {
      where.push('check_id = ?')
      params.push(filter.check)
    }
    if (filter.kinds !== undefined && filter.kinds.length > 0) {
      where.push(`kind IN (${filter.kinds.map(() => '?').join(', ')})`)
      params.push(...filter.kinds)
    }
    if (filter.since !== undefined) {
      where.push('at >= ?')
      params.push(filter.since)
    }
    if (filter.until !== undefined) {
      where.push('at < ?')
      params.push(filter.until)
    }
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
    const order = filter.ascending ? 'ASC' : 'DESC'
    // Prepared per call: a person or a report asks, not the ingest path.
    return this.#db
      .prepare<(string | number)[], Row>(
        `SELECT * FROM events ${clause} ORDER BY at ${order}, id ${order} LIMIT ?`,
      )
      .all(...params, filter.limit ?? 100)
      .map(toEvent)
  }

  /** Deletes rows older than the retention, a batch at a time; returns how many went. */
  async prune(): Promise<number> {
    const retention = this.#options.retentionMs?.() ?? DEFAULT_EVENT_RETENTION_MS
    const cutoff = this.#options.clock.now() - retention
    let total = 0
    for (;;) {
      const { changes } = this.#statements.prune.run(cutoff, PRUNE_BATCH)
      total += changes
      if (changes < PRUNE_BATCH) return total
      // Let ingest in between: a long backlog is deleted over many short transactions.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Runs retention now and every ten minutes until stop(). */
  start(): void {
    const run = () =>
      this.prune().catch((err: unknown) =>
        this.#options.logger.error({ err }, 'event log retention failed'),
      )
    void run()
    this.#timer = setInterval(run, PRUNE_EVERY_MS)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
