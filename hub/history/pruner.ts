/**
 * Retention: deletes what is older than the retention in force, in small batches on a
 * timer, so that it never holds the database long enough to stall ingest. Each batch is
 * its own short transaction and the pruner yields to the event loop between batches;
 * a run stops when its time budget is spent and goes on at the next run.
 *
 * What it prunes, oldest grain first: raw results, minute rollups, the hours of day
 * rollups (a day keeps its total; a day that ended is first sealed, deflated), day rollups when they are not kept for ever, the
 * status log, delivered and failed notifications, closed dispatch records, the health
 * of channels no longer configured, and incidents when they are not kept for ever.
 */
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { Statement } from 'better-sqlite3'
import type { Database } from '../store/database.ts'
import type { Retention } from './retention.ts'
import { dayTotal, sealPack } from './rollup-pack.ts'
import { RawResultPruner } from '../store/result-prune.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

export interface PrunerOptions {
  db: Database
  retention: () => Retention
  clock: Clock
  logger?: Logger
  /** Channels in the running config: the health of others is forgotten. */
  channels?: () => string[]
  /** Rows per batch. Default 200: a batch holds the write lock for tens of milliseconds at most. */
  batchRows?: number
  /** Time a run may take before it stops and waits for the next one. Default 200 ms. */
  budgetMs?: number
}

/** Rows deleted (or days reduced to their total) per table in one run. */
export type PruneReport = Record<string, number>

interface Task {
  name: string
  /** Deletes at most `limit` rows; returns how many it did. */
  step(limit: number): number
}

function tableExists(db: Database, name: string): boolean {
  return (
    db
      .prepare<[string], { n: number }>(
        "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?",
      )
      .get(name)!.n > 0
  )
}

/**
 * @example
 * const pruner = new Pruner({ db, retention: () => retention, clock, logger })
 * pruner.start() // every minute
 * await pruner.run() // or one run now: { results: 1000, rollup_minutes: 40, ... }
 */
export class Pruner {
  readonly #options: PrunerOptions
  #timer: NodeJS.Timeout | undefined
  /** The longest single batch of the last run, in ms: how long it held the database at most. */
  longestBatchMs = 0
  #running: Promise<PruneReport> | null = null
  readonly #statements = new Map<string, Statement>()
  readonly #tables = new Set<string>()
  /** The check (its code) the raw-result task goes on from, so every check gets its turn. */
  #checkCursor = 0
  #raw: RawResultPruner | undefined

  constructor(options: PrunerOptions) {
    this.#options = options
  }

  /** Runs every `everyMs` (default a minute) until stop(). */
  start(everyMs = 60_000): void {
    this.#timer = setInterval(() => void this.run(), everyMs)
    this.#timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }

  /** One run; a run already going is waited for instead. Never throws: failures are logged. */
  run(): Promise<PruneReport> {
    this.#running ??= this.#run().finally(() => (this.#running = null))
    return this.#running
  }

  async #run(): Promise<PruneReport> {
    const { batchRows = 200, budgetMs = 200 } = this.#options
    const started = performance.now()
    const report: PruneReport = {}
    this.longestBatchMs = 0
    for (const task of this.#tasks()) {
      try {
        for (;;) {
          const batchStarted = performance.now()
          const n = task.step(batchRows)
          this.longestBatchMs = Math.max(this.longestBatchMs, performance.now() - batchStarted)
          report[task.name] = (report[task.name] ?? 0) + n
          // Let ingest and the API in between batches.
          await new Promise((resolve) => setImmediate(resolve))
          if (n < batchRows || performance.now() - started > budgetMs) break
        }
      } catch (err) {
        this.#options.logger?.error(
          { err, table: task.name },
          'pruning failed; trying again at the next run',
        )
      }
      if (performance.now() - started > budgetMs) break
    }
    const deleted = Object.values(report).reduce((a, b) => a + b, 0)
    if (deleted > 0) this.#options.logger?.debug({ ...report }, 'pruned history')
    return report
  }

  /** Statements are prepared once: runs come every minute, and in a loop while behind. */
  #sql<P extends unknown[] | object, R = unknown>(sql: string): Statement<P, R> {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.#options.db.prepare(sql)
      this.#statements.set(sql, statement)
    }
    return statement as Statement<P, R>
  }

  #tasks(): Task[] {
    const { db, clock } = this.#options
    const r = this.#options.retention()
    const now = clock.now()
    const tasks: Task[] = []
    const add = (table: string, task: (limit: number) => number, name = table) => {
      if (this.#tables.has(table) || tableExists(db, table)) {
        this.#tables.add(table)
        tasks.push({ name, step: task })
      }
    }

    add('results', (limit) => this.#pruneRaw(now - r.rawMs, limit))
    add(
      'rollup_minutes',
      (limit) =>
        this.#sql<[number, number]>(
          `DELETE FROM rollup_minutes WHERE (hour_start, check_id, series) IN
             (SELECT hour_start, check_id, series FROM rollup_minutes WHERE hour_start < ? LIMIT ?)`,
        ).run(Math.floor((now - r.minuteMs) / HOUR) * HOUR, limit).changes,
    )
    // A day is sealed a day after it ended: late results still count, and the last 24
    // hours, which every check view reads, stay unsealed.
    const sealBefore = now - 2 * DAY + 1
    add('rollup_days', (limit) => this.#sealDays(sealBefore, limit), 'sealed days')
    const reduceBefore = Math.floor((now - r.hourMs) / DAY) * DAY
    add('rollup_days', (limit) => this.#reduceDays(reduceBefore, limit), 'days reduced')
    if (r.dayMs !== null) {
      const before = Math.floor((now - r.dayMs) / DAY) * DAY
      add(
        'rollup_days',
        (limit) =>
          this.#sql<[number, number]>(
            `DELETE FROM rollup_days WHERE (day_start, check_id, series) IN
               (SELECT day_start, check_id, series FROM rollup_days WHERE day_start < ? LIMIT ?)`,
          ).run(before, limit).changes,
      )
    }
    add(
      'status_changes',
      (limit) =>
        this.#sql<[number, number]>(
          'DELETE FROM status_changes WHERE rowid IN (SELECT rowid FROM status_changes WHERE at < ? LIMIT ?)',
        ).run(now - r.minuteMs, limit).changes,
    )
    add(
      'notification_queue',
      (limit) =>
        this.#sql<[number, number]>(
          `DELETE FROM notification_queue WHERE id IN
             (SELECT id FROM notification_queue WHERE state != 'pending' AND created_at < ? LIMIT ?)`,
        ).run(now - r.notificationMs, limit).changes,
    )
    add(
      'alert_dispatch',
      (limit) =>
        this.#sql<[number, number]>(
          `DELETE FROM alert_dispatch WHERE incident_id IN
             (SELECT incident_id FROM alert_dispatch WHERE closed_at < ? LIMIT ?)`,
        ).run(now - r.notificationMs, limit).changes,
    )
    const channels = this.#options.channels
    if (channels) {
      add('channel_health', () => {
        const known = JSON.stringify(channels())
        return this.#sql<[string, number]>(
          `DELETE FROM channel_health WHERE failing = 0 AND channel NOT IN (SELECT value FROM json_each(?))
               AND COALESCE(max(last_success_at, last_failure_at), 0) < ?`,
        ).run(known, now - r.notificationMs).changes
      })
    }
    if (r.incidentMs !== null) {
      const before = now - r.incidentMs
      // A deleted incident takes its timeline with it (ON DELETE CASCADE).
      add(
        'incidents',
        (limit) =>
          this.#sql<[number, number]>(
            `DELETE FROM incidents WHERE id IN
               (SELECT id FROM incidents WHERE ended_at IS NOT NULL AND ended_at < ? LIMIT ?)`,
          ).run(before, Math.max(1, Math.floor(limit / 10))).changes,
      )
    }
    return tasks
  }

  /** Raw results before `before`, a check at a time (hub/store/result-prune.ts). */
  #pruneRaw(before: number, limit: number): number {
    this.#raw ??= new RawResultPruner(this.#options.db)
    let deleted = 0
    for (const check of this.#raw.checks(this.#checkCursor)) {
      deleted += this.#options.db.transaction(() =>
        this.#raw!.prune(check, before, limit - deleted),
      )()
      if (deleted >= limit) {
        // This check may have more: start from it next time.
        this.#checkCursor = check
        return deleted
      }
    }
    this.#checkCursor = 0
    return deleted
  }

  /** Day rows that ended before `before` are rewritten deflated. */
  #sealDays(before: number, limit: number): number {
    const rows = this.#sql<[number, number], DayRow>(
      `SELECT day_start, check_id, series, cells FROM rollup_days INDEXED BY rollup_days_open
         WHERE hours = 1 AND day_start < ? LIMIT ?`,
    ).all(before, limit)
    this.#rewrite(rows, 2, (cells) => sealPack(cells, 'hours'))
    return rows.length
  }

  /** Day rows older than hour retention keep only their total. */
  #reduceDays(before: number, limit: number): number {
    const rows = [
      ...this.#sql<[number, number], DayRow>(
        `SELECT day_start, check_id, series, cells FROM rollup_days INDEXED BY rollup_days_sealed
           WHERE hours = 2 AND day_start < ? LIMIT ?`,
      ).all(before, limit),
      ...this.#sql<[number, number], DayRow>(
        `SELECT day_start, check_id, series, cells FROM rollup_days INDEXED BY rollup_days_open
           WHERE hours = 1 AND day_start < ? LIMIT ?`,
      ).all(before, limit),
    ].slice(0, limit)
    this.#rewrite(rows, 0, dayTotal)
    return rows.length
  }

  #rewrite(rows: DayRow[], hours: number, rewrite: (cells: Buffer) => Buffer): void {
    const { db } = this.#options
    const update = this.#sql<[Buffer, number, number, string, string]>(
      'UPDATE rollup_days SET cells = ?, hours = ? WHERE day_start = ? AND check_id = ? AND series = ?',
    )
    db.transaction(() => {
      for (const row of rows)
        update.run(rewrite(row.cells), hours, row.day_start, row.check_id, row.series)
    })()
  }
}

interface DayRow {
  day_start: number
  check_id: string
  series: string
  cells: Buffer
}
