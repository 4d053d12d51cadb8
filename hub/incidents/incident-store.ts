/**
 * Incidents: one row per outage (from an alert firing to its resolution) and a
 * timeline of what happened during it (state changes, notifications, notes).
 * The alert engine writes them; the API, status pages and availability read them.
 */
import { addMissingColumns, type Database } from '../store/database.ts'
import { monotonicFactory } from 'ulid'
import type { Outage } from '../alerts/alert-state.ts'

/** An error as results carry it in `error`. */
export interface IncidentError {
  code: string
  message: string
}

/**
 * What an incident records. Only `down` incidents are outages (availability, error
 * budget); the others are kept for the record and for their notifications:
 * - down / degraded: a check confirmed DOWN, or DEGRADED with `alert.pageOnDegraded`;
 * - flapping: a check that flapped (its own DOWN incidents are recorded apart);
 * - region: a region whose checks failed together (checkId `region:<name>`);
 * - probe: a probe offline (checkId `probe:<id>`);
 * - channel: a notification channel that kept failing (checkId `channel:<name>`);
 * - anomaly: a check's latency left what its regions expect (hub/anomaly/), a ticket;
 * - slo: an SLO burned its error budget too fast, spent it, could not be measured, or
 *   crossed a budget threshold (checkId `slo:<name>/<target>%/<window>/<alert>`, hub/slo/).
 */
export type IncidentKind =
  'down' | 'degraded' | 'flapping' | 'region' | 'probe' | 'channel' | 'anomaly' | 'slo'

/** An outage with what the alert saw when it fired. */
export interface Incident extends Outage {
  kind: IncidentKind
  /** Regions failing when the alert fired. */
  regions: string[]
  /** The first error among those regions, for the notification text. */
  firstError: IncidentError | null
  /** When and by whom it was acknowledged; null until then. */
  ackedAt: number | null
  ackedBy: string | null
  /**
   * When the failure episode that fired it began: the first failing run of the regions
   * that made it DOWN. Its samples and confirmation rounds are looked for from here, so
   * an earlier, contained failure never lends the incident its context. Null when not known.
   */
  failingSince?: number | null
  /** Why it ended without recovering ("check removed", "check disabled"); null for a recovery. */
  closedReason?: string | null
}

/**
 * Kinds of timeline entries:
 * - fired / resolved: the alert transitions;
 * - region: a region started failing or passed again while the incident was open;
 * - note: a remark without a notification (e.g. closed because the check was removed);
 * - notification: one delivery attempt to one channel;
 * - deploy: a config was deployed while the incident was open (a likely cause, or the fix).
 */
export type TimelineEntryType =
  | 'fired'
  | 'resolved'
  | 'region'
  | 'note'
  | 'notification'
  | 'deploy'
  /** Somebody acknowledged the incident: `{ by, comment }`. */
  | 'ack'
  /** A notification held back: `{ reason }` (silence, maintenance, dependency, flapping, inhibition). */
  | 'suppressed'
  /** A confirmation round asked other regions to run the check now: `{ regions, probes }`. */
  | 'confirmation'
  /** An auto-remediation action ran: `{ action, attempt, outcome, ... }`. */
  | 'remediation'
  /** A reminder or escalation level was sent: `{ level? }`. */
  | 'reminder'
  | 'escalation'
  /** The check entered or left flapping: `{ flapping, percentStateChange }`. */
  | 'flapping'

export interface TimelineEntry {
  at: number
  type: TimelineEntryType
  detail: Record<string, unknown>
}

/** The incident a timeline entry belongs to, as entry listeners hear it. */
export interface IncidentSubject {
  incidentId: string
  checkId: string
  kind: IncidentKind
}

export type EntryListener = (incident: IncidentSubject, entry: TimelineEntry) => void

export interface IncidentWithTimeline extends Incident {
  /** Oldest first. */
  timeline: TimelineEntry[]
}

/** Which incidents `find` returns; every field narrows the list, none means all. */
export interface IncidentFilter {
  checkId?: string
  /** True: only open incidents; false: only ended ones. */
  open?: boolean
  kind?: IncidentKind
  /** Only incidents that started at or after this (epoch ms). */
  since?: number
  /** At most this many, newest first. Default 50. */
  limit?: number
}

export interface OpenIncidentInput {
  /** Default 'down'. */
  kind?: IncidentKind
  checkId: string
  at: number
  regions: string[]
  firstError: IncidentError | null
  /** See Incident.failingSince. Default null. */
  failingSince?: number | null
}

interface IncidentRow {
  id: string
  check_id: string
  started_at: number
  ended_at: number | null
  regions: string
  first_error: string | null
  kind: IncidentKind
  acked_at: number | null
  acked_by: string | null
  failing_since: number | null
  closed_reason: string | null
}

interface EventRow {
  at: number
  type: string
  detail: string
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS incidents (
  id          TEXT PRIMARY KEY,
  check_id    TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  regions     TEXT NOT NULL,
  first_error TEXT
);
CREATE INDEX IF NOT EXISTS incidents_by_check ON incidents (check_id, started_at);
CREATE INDEX IF NOT EXISTS incidents_open ON incidents (check_id) WHERE ended_at IS NULL;
CREATE TABLE IF NOT EXISTS incident_events (
  incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,
  type        TEXT NOT NULL,
  detail      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_events_by_incident ON incident_events (incident_id, at);
`

/** Columns added after the first release, added to older databases on open. */
const ADDED_COLUMNS: [name: string, definition: string][] = [
  ['kind', "kind TEXT NOT NULL DEFAULT 'down'"],
  ['acked_at', 'acked_at INTEGER'],
  ['acked_by', 'acked_by TEXT'],
  ['failing_since', 'failing_since INTEGER'],
  ['closed_reason', 'closed_reason TEXT'],
]

const COLUMNS =
  'id, check_id, started_at, ended_at, regions, first_error, kind, acked_at, acked_by, failing_since, closed_reason'

function toIncident(row: IncidentRow): Incident {
  return {
    incidentId: row.id,
    checkId: row.check_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    regions: JSON.parse(row.regions) as string[],
    firstError: row.first_error === null ? null : (JSON.parse(row.first_error) as IncidentError),
    kind: row.kind,
    ackedAt: row.acked_at,
    ackedBy: row.acked_by,
    failingSince: row.failing_since,
    closedReason: row.closed_reason,
  }
}

function toOutage({ incidentId, checkId, startedAt, endedAt }: Incident): Outage {
  return { incidentId, checkId, startedAt, endedAt }
}

/**
 * Incidents and their timelines in SQLite.
 *
 * @example
 * const incidents = new IncidentStore(new Database('hub.db'))
 * const id = incidents.open({ checkId: 'api-health', at: Date.now(), regions: ['eu-west'], firstError: null })
 * incidents.resolve(id, Date.now())
 */
export class IncidentStore {
  // Ids sort by start time even for incidents opened in the same millisecond.
  readonly #nextId = monotonicFactory()
  readonly #db: Database
  readonly #statements
  readonly #entryListeners: EntryListener[] = []
  /** Which check each recent incident is about, so a listener hears it without a query per entry. */
  readonly #subjects = new Map<string, IncidentSubject>()

  /** Creates the tables if they are missing; safe to call on every start. */
  constructor(db: Database) {
    this.#db = db
    db.exec(SCHEMA)
    addMissingColumns(db, 'incidents', ADDED_COLUMNS)
    this.#statements = {
      insert: db.prepare<
        [string, string, number, string, string | null, IncidentKind, number | null]
      >(
        'INSERT INTO incidents (id, check_id, started_at, regions, first_error, kind, failing_since) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      ack: db.prepare<[number, string, string]>(
        'UPDATE incidents SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL',
      ),
      resolve: db.prepare<[number, string | null, string]>(
        'UPDATE incidents SET ended_at = ?, closed_reason = ? WHERE id = ? AND ended_at IS NULL',
      ),
      get: db.prepare<[string], IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = ?`),
      openFor: db.prepare<[string, IncidentKind], IncidentRow>(
        `SELECT ${COLUMNS} FROM incidents WHERE check_id = ? AND kind = ? AND ended_at IS NULL
         ORDER BY started_at DESC, id DESC LIMIT 1`,
      ),
      open: db.prepare<[], IncidentRow>(
        `SELECT ${COLUMNS} FROM incidents WHERE ended_at IS NULL ORDER BY started_at, id`,
      ),
      overlapping: db.prepare<[string, number, number], IncidentRow>(
        `SELECT ${COLUMNS} FROM incidents
         WHERE check_id = ? AND kind = 'down' AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)
         ORDER BY started_at, id`,
      ),
      list: db.prepare<[number], IncidentRow>(
        `SELECT ${COLUMNS} FROM incidents ORDER BY started_at DESC, id DESC LIMIT ?`,
      ),
      addEvent: db.prepare<[string, number, string, string]>(
        'INSERT INTO incident_events (incident_id, at, type, detail) VALUES (?, ?, ?, ?)',
      ),
      // rowid breaks ties so entries written in the same millisecond keep their order.
      timeline: db.prepare<[string], EventRow>(
        'SELECT at, type, detail FROM incident_events WHERE incident_id = ? ORDER BY at, rowid',
      ),
    }
  }

  /** Opens an incident and returns its id (a ULID). */
  open(input: OpenIncidentInput): string {
    const { checkId, at, regions, firstError, kind = 'down', failingSince = null } = input
    const id = this.#nextId(at)
    const error = firstError === null ? null : JSON.stringify(firstError)
    this.#statements.insert.run(id, checkId, at, JSON.stringify(regions), error, kind, failingSince)
    return id
  }

  /**
   * Marks the incident acknowledged and returns true; false when it is unknown or was
   * acknowledged already (the first acknowledgement stands).
   */
  acknowledge(id: string, at: number, by: string): boolean {
    return this.#statements.ack.run(at, by, id).changes > 0
  }

  /**
   * Ends an open incident; resolving one that already ended changes nothing. A reason
   * says it ended without recovering (its check was removed).
   */
  resolve(id: string, at: number, closedReason: string | null = null): void {
    this.#statements.resolve.run(at, closedReason, id)
  }

  /** The check's open incident of `kind` (default 'down'), or null when it has none. */
  openFor(checkId: string, kind: IncidentKind = 'down'): Incident | null {
    const row = this.#statements.openFor.get(checkId, kind)
    return row ? toIncident(row) : null
  }

  /** Every open incident, oldest first (the alert engine restores them on start). */
  openIncidents(): Incident[] {
    return this.#statements.open.all().map(toIncident)
  }

  /** The check's outages (`down` incidents) that overlap [from, to), oldest first; open ones count as ongoing. */
  outages(checkId: string, from: number, to: number): Outage[] {
    return this.#statements.overlapping.all(checkId, to, from).map(toIncident).map(toOutage)
  }

  /** Appends an entry to an incident's timeline; `detail` is stored as JSON. */
  addEvent(
    incidentId: string,
    at: number,
    type: TimelineEntryType,
    detail: Record<string, unknown> = {},
  ): void {
    this.#statements.addEvent.run(incidentId, at, type, JSON.stringify(detail))
    if (this.#entryListeners.length === 0) return
    const subject = this.#subject(incidentId)
    if (!subject) return
    for (const listener of this.#entryListeners) {
      // A listener keeps a record of the record; it must never undo the entry itself.
      try {
        listener(subject, { at, type, detail })
      } catch {
        // The listener reports its own failures.
      }
    }
  }

  /** Hears every timeline entry appended from now on, with the incident it belongs to. */
  onEntry(listener: EntryListener): void {
    this.#entryListeners.push(listener)
  }

  #subject(incidentId: string): IncidentSubject | undefined {
    const known = this.#subjects.get(incidentId)
    if (known) return known
    const row = this.#statements.get.get(incidentId)
    if (!row) return undefined
    if (this.#subjects.size >= 1_000) this.#subjects.clear()
    const subject = { incidentId, checkId: row.check_id, kind: row.kind }
    this.#subjects.set(incidentId, subject)
    return subject
  }

  /** One incident with its timeline, or null when the id is unknown. */
  get(id: string): IncidentWithTimeline | null {
    const row = this.#statements.get.get(id)
    if (!row) return null
    const timeline = this.#statements.timeline.all(id).map((event) => ({
      at: event.at,
      type: event.type as TimelineEntryType,
      detail: JSON.parse(event.detail) as Record<string, unknown>,
    }))
    return { ...toIncident(row), timeline }
  }

  /** The most recent incidents, newest first. */
  list(limit = 50): Incident[] {
    return this.#statements.list.all(limit).map(toIncident)
  }

  /**
   * The most recent incidents that match `filter`, newest first.
   *
   * @example incidents.find({ checkId: 'api', open: true }) // the check's open incidents
   */
  find(filter: IncidentFilter = {}): Incident[] {
    const where: string[] = []
    const params: (string | number)[] = []
    if (filter.checkId !== undefined) {
      where.push('check_id = ?')
      params.push(filter.checkId)
    }
    if (filter.open !== undefined)
      where.push(filter.open ? 'ended_at IS NULL' : 'ended_at IS NOT NULL')
    if (filter.kind !== undefined) {
      where.push('kind = ?')
      params.push(filter.kind)
    }
    if (filter.since !== undefined) {
      where.push('started_at >= ?')
      params.push(filter.since)
    }
    const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
    // Prepared per call: a filter has 16 shapes, and listing incidents is a person asking,
    // not the ingest path.
    const rows = this.#db
      .prepare<(string | number)[], IncidentRow>(
        `SELECT ${COLUMNS} FROM incidents ${clause} ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all(...params, filter.limit ?? 50)
    return rows.map(toIncident)
  }
}
