/**
 * What the dispatcher did for each incident, in SQLite: the fired alert it was asked
 * to send, the channels that got it, why it was held, and when reminders and
 * escalation levels went out. It survives a hub restart, so a restarted hub keeps
 * counting reminders and escalations from the times they really happened and never
 * sends a fired alert twice.
 */
import { addMissingColumns, type Database } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'

/** One channel that got the fired alert, and whether it hears the resolve too. */
export interface NotifiedChannel {
  channel: string
  /** The route key (see routing.ts) or `escalate[<level>]` of `route` for escalations. */
  route: string
  resolve: boolean
}

export interface DispatchRecord {
  incidentId: string
  checkId: string
  /** The fired (or flapping-started) event, sent again as reminders and escalations. */
  event: AlertEvent
  notified: NotifiedChannel[]
  /** When the fired alert went out; null while it is held or when it never did. */
  firedSentAt: number | null
  /** Why the fired alert is held back (silence, maintenance, dependency, flapping); null otherwise. */
  heldReason: string | null
  /** Per route key: when its last reminder went out. */
  lastReminderAt: Record<string, number>
  /** Per route key: the escalation level reached (1 = the first `escalate` entry). */
  escalationLevel: Record<string, number>
  /** When the dispatcher stopped following it (resolved); null while open. */
  closedAt: number | null
  /** What the dependency hold remembers while a fired alert waits (dispatch-holds.ts). */
  holdMemo: HoldMemo
}

/** A held alert's memory of its dependencies, so that a restart keeps the grace running. */
export interface HoldMemo {
  /** Last time a dependency was down, failing somewhere or being confirmed; null if never. */
  dependencyTroubleAt: number | null
  /** Dependencies already asked for a confirmation round for this alert. */
  confirmed: string[]
}

export function emptyHoldMemo(): HoldMemo {
  return { dependencyTroubleAt: null, confirmed: [] }
}

interface DispatchRow {
  incident_id: string
  check_id: string
  event: string
  notified: string
  fired_sent_at: number | null
  held_reason: string | null
  last_reminder_at: string
  escalation_level: string
  closed_at: number | null
  hold_memo: string | null
}

/*
 * No foreign key to incidents: the bookkeeping is a record of what was sent, and a
 * missing incident row must not make the dispatcher lose it (or fail to write it).
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS alert_dispatch (
  incident_id      TEXT PRIMARY KEY,
  check_id         TEXT NOT NULL,
  event            TEXT NOT NULL,
  notified         TEXT NOT NULL,
  fired_sent_at    INTEGER,
  held_reason      TEXT,
  last_reminder_at TEXT NOT NULL,
  escalation_level TEXT NOT NULL,
  closed_at        INTEGER
);
CREATE INDEX IF NOT EXISTS alert_dispatch_open ON alert_dispatch (incident_id) WHERE closed_at IS NULL;
`

/** Columns added after the first release, added to older databases on open. */
const ADDED_COLUMNS: [name: string, definition: string][] = [['hold_memo', 'hold_memo TEXT']]

const COLUMNS =
  'incident_id, check_id, event, notified, fired_sent_at, held_reason, last_reminder_at, escalation_level, closed_at, hold_memo'

function toRecord(row: DispatchRow): DispatchRecord {
  return {
    incidentId: row.incident_id,
    checkId: row.check_id,
    event: JSON.parse(row.event) as AlertEvent,
    notified: JSON.parse(row.notified) as NotifiedChannel[],
    firedSentAt: row.fired_sent_at,
    heldReason: row.held_reason,
    lastReminderAt: JSON.parse(row.last_reminder_at) as Record<string, number>,
    escalationLevel: JSON.parse(row.escalation_level) as Record<string, number>,
    closedAt: row.closed_at,
    holdMemo: row.hold_memo ? (JSON.parse(row.hold_memo) as HoldMemo) : emptyHoldMemo(),
  }
}

/**
 * Dispatch bookkeeping, one row per incident the dispatcher was told about.
 *
 * @example
 * const state = new DispatchState(db)
 * state.save({ incidentId, checkId: 'api', event, notified: [], firedSentAt: null, heldReason: 'silenced', ... })
 * state.openRecords() // what a restarted dispatcher keeps following
 */
export class DispatchState {
  readonly #statements

  /** Creates the table if it is missing; safe to call on every start. */
  constructor(db: Database) {
    db.exec(SCHEMA)
    addMissingColumns(db, 'alert_dispatch', ADDED_COLUMNS)
    this.#statements = {
      upsert: db.prepare<
        [
          string,
          string,
          string,
          string,
          number | null,
          string | null,
          string,
          string,
          number | null,
          string,
        ]
      >(`INSERT OR REPLACE INTO alert_dispatch (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      get: db.prepare<[string], DispatchRow>(
        `SELECT ${COLUMNS} FROM alert_dispatch WHERE incident_id = ?`,
      ),
      open: db.prepare<[], DispatchRow>(
        `SELECT ${COLUMNS} FROM alert_dispatch WHERE closed_at IS NULL ORDER BY incident_id`,
      ),
    }
  }

  /** Writes the whole record, replacing what was stored for the incident. */
  save(record: DispatchRecord): void {
    this.#statements.upsert.run(
      record.incidentId,
      record.checkId,
      JSON.stringify(record.event),
      JSON.stringify(record.notified),
      record.firedSentAt,
      record.heldReason,
      JSON.stringify(record.lastReminderAt),
      JSON.stringify(record.escalationLevel),
      record.closedAt,
      JSON.stringify(record.holdMemo),
    )
  }

  /** The incident's record, or null when the dispatcher never saw it. */
  get(incidentId: string): DispatchRecord | null {
    const row = this.#statements.get.get(incidentId)
    return row ? toRecord(row) : null
  }

  /** Records not closed yet, oldest incident first (ids are ULIDs). */
  openRecords(): DispatchRecord[] {
    return this.#statements.open.all().map(toRecord)
  }
}
