/**
 * The probe's store-and-forward queue: every result is written here first and
 * deleted only when the hub acks the batch that carried it, so a
 * crash of the probe, the broker or the hub loses nothing. SQLite in WAL mode
 * survives SIGKILL of the probe; rows replay oldest first with their original
 * measurement times.
 */
import Database from 'better-sqlite3'
import type { CheckResult } from '../checks/result.ts'

export interface OutboxLimits {
  /** Oldest rows are dropped past this many bytes of payload. */
  maxBytes: number
  /** Rows older than this (by measurement time) are dropped. */
  maxAgeMs: number
}

/**
 * Defaults sized for at least 24 h of results at 1,000 checks/min (1.44 M results
 * of about 400 bytes each, ~580 MB): 1 GiB and 48 h leave headroom for larger results.
 */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxBytes: 1024 ** 3, maxAgeMs: 48 * 3_600_000 }

/** How a probe's results reach the outbox. */
export interface OutboxWrites {
  /**
   * Results queued with `queue()` are committed together at most this long after the
   * first of them, one transaction for all: a transaction per result cost the probe more
   * CPU than its HTTP runs. A result is lost only if the process dies within this window,
   * like a run that had not ended. Default 100 ms.
   */
  flushMs?: number
  /** Called with results once they are committed (the probe logs each, at debug level). */
  onCommitted?: (results: readonly CheckResult[]) => void
}

/** How often the age bound runs: its bounds are hours, a minute late drops nothing early. */
const AGE_CHECK_MS = 60_000

export interface OutboxRow {
  seq: number
  id: string
  payload: string
}

export class Outbox {
  private readonly db: Database.Database
  private bytes: number
  private readonly statements
  private readonly writes: Required<OutboxWrites>
  /** Queued and not yet committed. */
  private pending: CheckResult[] = []
  private flushTimer: NodeJS.Timeout | undefined
  /** When the age bound last ran: once a minute is enough for a bound of hours. */
  private agedAt = Number.NEGATIVE_INFINITY

  constructor(
    file: string,
    private readonly limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS,
    private readonly now: () => number = Date.now,
    writes: OutboxWrites = {},
  ) {
    this.writes = { flushMs: 100, onCommitted: () => undefined, ...writes }
    this.db = new Database(file)
    this.db.pragma('journal_mode = WAL')
    // NORMAL is durable across a process crash (the WAL is in the OS cache); only a power loss can drop the last commit.
    this.db.pragma('synchronous = NORMAL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        measured_at INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        payload TEXT NOT NULL
      );
      -- The age bound runs on every add; without this index it scanned the whole backlog
      -- each time, and a probe with a day of results (1.4 M rows) fell behind its checks.
      CREATE INDEX IF NOT EXISTS outbox_measured_at ON outbox (measured_at);
      CREATE TABLE IF NOT EXISTS outbox_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO outbox_meta (key, value) VALUES ('dropped', 0);
    `)
    this.statements = {
      insert: this.db.prepare(
        'INSERT OR IGNORE INTO outbox (id, measured_at, bytes, payload) VALUES (?, ?, ?, ?)',
      ),
      after: this.db.prepare(
        'SELECT seq, id, payload FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      remove: this.db.prepare('DELETE FROM outbox WHERE seq = ? RETURNING bytes'),
      count: this.db.prepare('SELECT COUNT(*) AS n FROM outbox'),
      sumBytes: this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM outbox'),
      oldest: this.db.prepare('SELECT seq, bytes FROM outbox ORDER BY seq LIMIT 500'),
      dropOlderThan: this.db.prepare('DELETE FROM outbox WHERE measured_at < ? RETURNING bytes'),
      dropped: this.db.prepare("SELECT value FROM outbox_meta WHERE key = 'dropped'"),
      addDropped: this.db.prepare("UPDATE outbox_meta SET value = value + ? WHERE key = 'dropped'"),
    }
    this.bytes = (this.statements.sumBytes.get() as { n: number }).n
  }

  /** Stores results durably; returns once they are committed (with anything queued before them). */
  add(results: CheckResult[]): void {
    this.commit([...this.takePending(), ...results])
  }

  /** Queues a result to be committed with the others of the next `flushMs`. */
  queue(result: CheckResult): void {
    this.pending.push(result)
    this.flushTimer ??= setTimeout(() => this.flush(), this.writes.flushMs)
  }

  /** Commits what is queued now. Reading the outbox does it first, so reads see every result. */
  flush(): void {
    const results = this.takePending()
    if (results.length > 0) this.commit(results)
  }

  /** Up to `limit` rows with seq greater than `afterSeq`, oldest first. */
  rowsAfter(afterSeq: number, limit: number): OutboxRow[] {
    this.flush()
    return this.statements.after.all(afterSeq, limit) as OutboxRow[]
  }

  /** Deletes rows the hub has acknowledged. */
  remove(seqs: number[]): void {
    // Subtract what was deleted: summing the table after every ack made a replay of a
    // large backlog quadratic.
    const drop = this.db.transaction((list: number[]) => {
      for (const seq of list) {
        const row = this.statements.remove.get(seq) as { bytes: number } | undefined
        if (row) this.bytes -= row.bytes
      }
    })
    drop(seqs)
  }

  /** Results waiting for an ack. */
  depth(): number {
    this.flush()
    return (this.statements.count.get() as { n: number }).n
  }

  /** Payload bytes waiting for an ack, the figure `maxBytes` bounds. */
  sizeBytes(): number {
    return this.bytes
  }

  /** Results dropped over the outbox's lifetime because of the byte or age bound. */
  dropped(): number {
    return (this.statements.dropped.get() as { value: number }).value
  }

  close(): void {
    this.flush()
    this.db.close()
  }

  private takePending(): CheckResult[] {
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    const results = this.pending
    this.pending = []
    return results
  }

  private commit(results: CheckResult[]): void {
    const write = this.db.transaction((batch: CheckResult[]) => {
      for (const result of batch) {
        const payload = JSON.stringify(result)
        const bytes = Buffer.byteLength(payload)
        const info = this.statements.insert.run(result.id, result.scheduledAt, bytes, payload)
        if (info.changes > 0) this.bytes += bytes
      }
      this.enforceLimits()
    })
    write(results)
    this.writes.onCommitted(results)
  }

  private enforceLimits(): void {
    let dropped = 0
    const now = this.now()
    if (now - this.agedAt >= AGE_CHECK_MS) {
      this.agedAt = now
      for (const row of this.statements.dropOlderThan.all(now - this.limits.maxAgeMs) as {
        bytes: number
      }[]) {
        this.bytes -= row.bytes
        dropped += 1
      }
    }
    while (this.bytes > this.limits.maxBytes) {
      const oldest = this.statements.oldest.all() as { seq: number; bytes: number }[]
      if (oldest.length === 0) break
      for (const row of oldest) {
        if (this.bytes <= this.limits.maxBytes) break
        this.statements.remove.get(row.seq)
        this.bytes -= row.bytes
        dropped += 1
      }
    }
    if (dropped > 0) this.statements.addDropped.run(dropped)
  }
}
