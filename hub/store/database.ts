/**
 * Opens the hub's SQLite database with the settings every store expects.
 * Stores create their own tables; this file only owns the connection.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

/** A better-sqlite3 connection. */
export type Database = BetterSqlite3.Database

/**
 * Waits this long for a lock held by another connection (e.g. a CLI reading the
 * same file) before failing with SQLITE_BUSY. Long enough to ride out a large
 * ingest transaction, short enough that a stuck writer shows up as an error.
 */
const BUSY_TIMEOUT_MS = 5_000

/**
 * Page cache of the store's writer (result-worker.ts), in KiB. An ingest batch touches
 * the newest page of every check's index and rollup rows; with the 2 MiB default those
 * pages are evicted between batches and re-read. 64 MiB holds them for thousands of checks.
 */
export const WRITER_CACHE_KIB = 64 * 1024

/**
 * Page cache of every other connection, in KiB: the hub's main thread reads what its read
 * model does not hold (history, availability over a window) from pages the kernel caches
 * anyway, and writes little. At 10,000 checks (bench:status) a 64 MiB cache there filled
 * up and stayed, a sixth of the hub's memory.
 */
const CACHE_KIB = 16 * 1024

/**
 * WAL pages before an automatic checkpoint (default 1000). A batch dirties a few hundred
 * pages, so the default copies the same hot pages back into the database every few
 * batches; 10,000 pages (about 40 MiB of WAL) lets them be written back once instead.
 * Measured here: about 1.3x the ingest rate. The hub turns it off once its store's worker
 * threads run (hub/store/result-writer.ts): its checkpointer does it there, off the event loop.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000

/**
 * Opens (and creates when missing) a database file, or an in-memory database for `':memory:'`,
 * with a page cache of `cacheKiB`.
 *
 * WAL lets the API read while ingest writes. `synchronous = NORMAL` is safe under WAL:
 * a power cut can lose the last transactions but never corrupts the file, and probes
 * re-deliver anything the hub had not acknowledged.
 *
 * @example
 * const db = openDatabase('data/hub.db')
 * const results = new ResultStore(db)
 */
export function openDatabase(file: string, cacheKiB = CACHE_KIB): Database {
  const inMemory = file === ':memory:' || file === ''
  if (!inMemory) mkdirSync(dirname(file), { recursive: true })
  const db = new BetterSqlite3(file)
  // In-memory databases have no WAL; SQLite keeps 'memory' there and that is fine.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.pragma(`cache_size = -${cacheKiB}`)
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`)
  db.pragma('foreign_keys = ON')
  return db
}

/**
 * Adds the columns a table gained after its first release to a database made by an
 * older hub, so an upgrade keeps its data. Table and definitions are the store's own
 * constants, never input.
 *
 * @example
 * addMissingColumns(db, 'notification_queue', [['group_key', 'group_key TEXT']])
 */
export function addMissingColumns(
  db: Database,
  table: string,
  columns: ReadonlyArray<[name: string, definition: string]>,
): void {
  const present = new Set(
    (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name),
  )
  for (const [name, definition] of columns) {
    if (!present.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${definition}`)
  }
}
