/**
 * The rollup tables. Minute rows are keyed time first: ingest writes the newest pages
 * whatever the number of checks, and retention deletes a contiguous range at the start.
 * Day rows are keyed check first: a check's 90 days are a few contiguous pages for
 * charts and long windows, and the rows of open days, which ingest writes, stay few.
 *
 * - rollup_minutes: one row per (hour, check, series) packing the hour's minutes;
 * - rollup_days: one row per (check, day, series) packing the day's hours, sealed
 *   (deflated) once the day is over, reduced to the day's total once hour retention
 *   passes;
 * - rollup_checks: when each check's first result was scheduled.
 *
 * The series is the region, the probe id for host checks, or OVERALL_SERIES for the
 * check as a whole.
 */
import type { Database } from '../store/database.ts'

/** The series name of the check as a whole (by its quorum verdict). */
export const OVERALL_SERIES = '*'

export const ROLLUP_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rollup_minutes (
    hour_start INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    series TEXT NOT NULL,
    cells BLOB NOT NULL,
    PRIMARY KEY (hour_start, check_id, series)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rollup_days (
    day_start INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    series TEXT NOT NULL,
    cells BLOB NOT NULL,
    -- 1 while the row's day may still change, 2 once sealed (closed, deflated),
    -- 0 once only the day's total is kept.
    hours INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (check_id, day_start, series)
  ) WITHOUT ROWID;
  -- Small: the day rows that are still open, and the sealed ones oldest first (for
  -- sealing and for reducing old days to their totals without scanning every day kept).
  CREATE INDEX IF NOT EXISTS rollup_days_open ON rollup_days (day_start) WHERE hours = 1;
  CREATE INDEX IF NOT EXISTS rollup_days_sealed ON rollup_days (day_start) WHERE hours = 2;
  CREATE TABLE IF NOT EXISTS rollup_checks (
    check_id TEXT PRIMARY KEY,
    first_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`

/**
 * Moves day rows out of `rollup_hours`, their table while they were keyed day first, into
 * `rollup_days`, once. Runs after ROLLUP_SCHEMA.
 */
export function migrateDayRows(db: Database): void {
  const found = db
    .prepare<[], { n: number }>(
      "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'rollup_hours'",
    )
    .get()!.n
  if (found === 0) return
  db.transaction(() => {
    db.exec(`INSERT OR IGNORE INTO rollup_days (check_id, day_start, series, cells, hours)
      SELECT check_id, day_start, series, cells, hours FROM rollup_hours`)
    db.exec('DROP TABLE rollup_hours')
  })()
}

/** True when the database still has the per-minute rollup table of earlier hubs. */
export function hasLegacyMinuteTable(db: Database): boolean {
  return (
    db
      .prepare<[], { n: number }>(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'rollup_minute'",
      )
      .get()!.n > 0
  )
}
