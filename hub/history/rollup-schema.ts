/**
 * The rollup tables. Both are keyed time first, so ingest appends to the newest pages of
 * each table whatever the number of checks, a window of one check is a few seeks (one
 * per hour or day), and retention deletes a contiguous range at the start of the table.
 *
 * - rollup_minutes: one row per (hour, check, series) packing the hour's minutes;
 * - rollup_hours: one row per (day, check, series) packing the day's hours, sealed
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
  CREATE TABLE IF NOT EXISTS rollup_hours (
    day_start INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    series TEXT NOT NULL,
    cells BLOB NOT NULL,
    -- 1 while the row's day may still change, 2 once sealed (closed, deflated),
    -- 0 once only the day's total is kept.
    hours INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (day_start, check_id, series)
  ) WITHOUT ROWID;
  -- Small: the day rows that are still open, and the sealed ones oldest first (for
  -- sealing and for reducing old days to their totals without scanning every day kept).
  CREATE INDEX IF NOT EXISTS rollup_hours_open ON rollup_hours (day_start) WHERE hours = 1;
  CREATE INDEX IF NOT EXISTS rollup_hours_sealed ON rollup_hours (day_start) WHERE hours = 2;
  DROP INDEX IF EXISTS rollup_hours_unreduced;
  CREATE TABLE IF NOT EXISTS rollup_checks (
    check_id TEXT PRIMARY KEY,
    first_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`

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
