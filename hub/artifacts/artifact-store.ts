/**
 * The hub's store of browser runs' artifacts: files on disk under
 * `<data>/artifacts/<resultId>/<name>`, and one row per file in SQLite with the run's
 * check, probe, verdict and time. Bounded by age (`retentionMs`) and by total size
 * (`maxBytes`): past either, whole runs go, oldest first.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ArtifactType } from '../../checks/browser/browser-result.ts'
import type { CheckStatus } from '../../checks/result.ts'
import type { Logger } from '../../lib/logger.ts'
import type { Database } from '../store/database.ts'

export const DEFAULT_ARTIFACT_RETENTION_MS = 14 * 86_400_000
export const DEFAULT_ARTIFACT_MAX_BYTES = 2 * 1024 ** 3

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS artifacts (
    result_id TEXT NOT NULL,
    name TEXT NOT NULL,
    check_id TEXT NOT NULL,
    probe_id TEXT NOT NULL,
    type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    created_at INTEGER NOT NULL,
    stored_at INTEGER NOT NULL,
    PRIMARY KEY (result_id, name)
  );
  CREATE INDEX IF NOT EXISTS artifacts_check_time ON artifacts (check_id, created_at);
  CREATE INDEX IF NOT EXISTS artifacts_time ON artifacts (created_at);
`

export interface StoredArtifact {
  resultId: string
  name: string
  checkId: string
  probeId: string
  type: ArtifactType
  bytes: number
  sha256: string
  status: CheckStatus
  errorCode: string | null
  createdAt: number
}

export interface ArtifactRun {
  resultId: string
  checkId: string
  probeId: string
  status: CheckStatus
  errorCode: string | null
  createdAt: number
  files: Array<{ name: string; type: ArtifactType; bytes: number }>
}

interface Row {
  result_id: string
  name: string
  check_id: string
  probe_id: string
  type: ArtifactType
  bytes: number
  sha256: string
  status: CheckStatus
  error_code: string | null
  created_at: number
}

const fromRow = (row: Row): StoredArtifact => ({
  resultId: row.result_id,
  name: row.name,
  checkId: row.check_id,
  probeId: row.probe_id,
  type: row.type,
  bytes: row.bytes,
  sha256: row.sha256,
  status: row.status,
  errorCode: row.error_code,
  createdAt: row.created_at,
})

/** Runs from rows ordered by run: one entry per result id, files in name order. */
function groupRuns(rows: Row[]): ArtifactRun[] {
  const runs = new Map<string, ArtifactRun>()
  for (const row of rows) {
    let run = runs.get(row.result_id)
    if (!run) {
      run = {
        resultId: row.result_id,
        checkId: row.check_id,
        probeId: row.probe_id,
        status: row.status,
        errorCode: row.error_code,
        createdAt: row.created_at,
        files: [],
      }
      runs.set(row.result_id, run)
    }
    run.files.push({ name: row.name, type: row.type, bytes: row.bytes })
  }
  return [...runs.values()]
}

/** The screenshot a failed run is best shown by: its failed step's, else the end's. */
export function evidenceScreenshot(run: ArtifactRun): string | undefined {
  const shots = run.files.filter((file) => file.type === 'screenshot').map((file) => file.name)
  return (
    shots.find((name) => /(^|-)step-/.test(name)) ??
    shots.find((name) => /final\.png$/.test(name)) ??
    shots[0]
  )
}

export interface ArtifactStoreOptions {
  db: Database
  /** The `artifacts` folder in the hub's data directory. */
  dir: string
  retentionMs?: number
  maxBytes?: number
  logger: Logger
}

export class ArtifactStore {
  readonly #db: Database
  readonly dir: string

  constructor(private readonly options: ArtifactStoreOptions) {
    this.#db = options.db
    this.dir = options.dir
    this.#db.exec(SCHEMA)
    mkdirSync(this.dir, { recursive: true })
  }

  has(resultId: string, name: string): boolean {
    return (
      this.#db
        .prepare('SELECT 1 FROM artifacts WHERE result_id = ? AND name = ?')
        .get(resultId, name) !== undefined
    )
  }

  /** Files a stored artifact where it belongs, moving it from `tempPath`, then applies the caps. */
  add(artifact: StoredArtifact, tempPath: string, now: number): void {
    const folder = join(this.dir, artifact.resultId)
    mkdirSync(folder, { recursive: true })
    renameSync(tempPath, join(folder, artifact.name))
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO artifacts
           (result_id, name, check_id, probe_id, type, bytes, sha256, status, error_code, created_at, stored_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        artifact.resultId,
        artifact.name,
        artifact.checkId,
        artifact.probeId,
        artifact.type,
        artifact.bytes,
        artifact.sha256,
        artifact.status,
        artifact.errorCode,
        artifact.createdAt,
        now,
      )
    this.prune(now)
  }

  file(resultId: string, name: string): (StoredArtifact & { path: string }) | undefined {
    const row = this.#db
      .prepare('SELECT * FROM artifacts WHERE result_id = ? AND name = ?')
      .get(resultId, name) as Row | undefined
    return row ? { ...fromRow(row), path: join(this.dir, row.result_id, row.name) } : undefined
  }

  run(resultId: string): ArtifactRun | undefined {
    const rows = this.#db
      .prepare('SELECT * FROM artifacts WHERE result_id = ? ORDER BY name')
      .all(resultId) as Row[]
    return groupRuns(rows)[0]
  }

  /** A check's runs with artifacts in [from, to), newest first. */
  runs(
    checkId: string,
    options: { from?: number; to?: number; limit?: number } = {},
  ): ArtifactRun[] {
    const limit = options.limit ?? 20
    const ids = this.#db
      .prepare(
        `SELECT DISTINCT result_id, created_at FROM artifacts
          WHERE check_id = ? AND created_at >= ? AND created_at < ?
          ORDER BY created_at DESC, result_id DESC LIMIT ?`,
      )
      .all(checkId, options.from ?? 0, options.to ?? Number.MAX_SAFE_INTEGER, limit) as {
      result_id: string
    }[]
    return ids.map(({ result_id }) => this.run(result_id)).filter((run) => run !== undefined)
  }

  /** The newest run of a check that failed and has a screenshot, within [from, to). */
  lastFailure(
    checkId: string,
    options: { from?: number; to?: number } = {},
  ): ArtifactRun | undefined {
    const row = this.#db
      .prepare(
        `SELECT result_id FROM artifacts
          WHERE check_id = ? AND type = 'screenshot' AND status != 'up'
            AND created_at >= ? AND created_at < ?
          ORDER BY created_at DESC, result_id DESC LIMIT 1`,
      )
      .get(checkId, options.from ?? 0, options.to ?? Number.MAX_SAFE_INTEGER) as
      { result_id: string } | undefined
    return row ? this.run(row.result_id) : undefined
  }

  totalBytes(): number {
    const row = this.#db
      .prepare('SELECT COALESCE(SUM(bytes), 0) AS total FROM artifacts')
      .get() as {
      total: number
    }
    return row.total
  }

  #deleteRun(resultId: string): void {
    this.#db.prepare('DELETE FROM artifacts WHERE result_id = ?').run(resultId)
    rmSync(join(this.dir, resultId), { recursive: true, force: true })
  }

  /** Deletes runs past the retention, then the oldest runs until the total fits. Returns how many went. */
  prune(now: number): number {
    const retention = this.options.retentionMs ?? DEFAULT_ARTIFACT_RETENTION_MS
    const maxBytes = this.options.maxBytes ?? DEFAULT_ARTIFACT_MAX_BYTES
    let deleted = 0
    const expired = this.#db
      .prepare('SELECT DISTINCT result_id FROM artifacts WHERE created_at < ?')
      .all(now - retention) as { result_id: string }[]
    for (const { result_id } of expired) {
      this.#deleteRun(result_id)
      deleted += 1
    }
    let total = this.totalBytes()
    if (total <= maxBytes) return deleted
    const oldest = this.#db
      .prepare(
        `SELECT result_id, SUM(bytes) AS bytes FROM artifacts
          GROUP BY result_id ORDER BY MIN(created_at), result_id`,
      )
      .iterate() as IterableIterator<{ result_id: string; bytes: number }>
    const doomed: string[] = []
    for (const run of oldest) {
      if (total <= maxBytes) break
      doomed.push(run.result_id)
      total -= run.bytes
    }
    for (const id of doomed) this.#deleteRun(id)
    if (doomed.length > 0) {
      this.options.logger.info(
        { runs: doomed.length, maxBytes },
        'artifact store over its size cap; deleted the oldest runs',
      )
    }
    return deleted + doomed.length
  }
}
