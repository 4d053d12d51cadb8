/**
 * The SQLite tables behind ResultStore. Their shape is driven by ingest: every batch
 * writes to the newest page of every index it touches, once per check, so each index
 * keyed by check costs dearly (measured here: one such index cut the rate of bare
 * inserts by more than half). Hence one per-check index on raw results.
 */

import type { Database } from './database.ts'
import { migrateLegacyMinutes } from '../history/legacy-minutes.ts'

/** Creates the result tables and their indexes when missing; see `migrateResultSchema` too. */
export const RESULT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS results (
    id TEXT PRIMARY KEY,
    check_id TEXT NOT NULL,
    region TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('up', 'degraded', 'down', 'inconclusive')),
    duration_ms REAL NOT NULL,
    error_code TEXT,
    json TEXT NOT NULL
  );
  -- recent(). Not (check_id, region, scheduled_at): every (check, region) pair would
  -- append to its own index page, and dirtying hundreds of pages per batch is what
  -- limits ingest. A check's regions interleave here, so recent(region) reads a few
  -- more rows instead.
  CREATE INDEX IF NOT EXISTS results_check_time ON results (check_id, scheduled_at);
  -- No index on scheduled_at alone: pruneRaw deletes a time range per check through
  -- results_check_time, which saves one index write per result on the hot path.

  -- The newest result of each (check, region), kept in step by insert: the status page
  -- asks for it on every refresh, and it outlives raw retention. Here and in the rollups
  -- "region" is the series: for host checks it holds the probe id (checks/spec.ts seriesOf).
  CREATE TABLE IF NOT EXISTS latest_results (
    check_id TEXT NOT NULL,
    region TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    id TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (check_id, region)
  );

  -- Rollups live in hub/history/ (rollup-schema.ts), packed per hour and per day.
`

/**
 * Brings tables made by an older hub up to date: their per-minute rollup table
 * (`rollup_minute`) is moved into the packed rollups once (hub/history/legacy-minutes.ts).
 */
export function migrateResultSchema(db: Database): number {
  return migrateLegacyMinutes(db)
}
