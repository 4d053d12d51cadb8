/**
 * Raw retention over result blocks (result-schema.ts): deletes the results of a check
 * scheduled before a time, whole blocks where it can, and rewrites the block that
 * straddles the time (or the limit) without its older results. A result's rollups and
 * its series' latest result stay.
 *
 * @example
 * const raw = new RawResultPruner(db)
 * for (const check of raw.checks()) raw.prune(check, Date.now() - 7 * DAY, 200)
 */
import type { Statement } from 'better-sqlite3'
import type { Database } from './database.ts'
import { decodeBlock, encodeBlock, MAX_BLOCK_SPAN_MS, statusCounts } from './result-blocks.ts'

type Block = [id: number, lastAt: number, firstAt: number, results: number, body: Uint8Array]

export class RawResultPruner {
  readonly #checks: Statement
  readonly #old: Statement
  readonly #delete: Statement
  readonly #update: Statement

  constructor(db: Database) {
    // Every folded result has a latest_results row, so its check codes cover all blocks.
    this.#checks = db
      .prepare(
        'SELECT DISTINCT check_code FROM latest_results WHERE check_code >= ? ORDER BY check_code',
      )
      .pluck()
    this.#old = db
      .prepare(
        `SELECT id, last_at, first_at, n_up + n_degraded + n_down + n_inconclusive, body
         FROM results WHERE check_code = @check AND last_at < @before + ${MAX_BLOCK_SPAN_MS}
           AND first_at < @before
         ORDER BY last_at LIMIT @limit`,
      )
      .raw()
    this.#delete = db.prepare('DELETE FROM results WHERE id = ?')
    this.#update = db.prepare(
      `UPDATE results SET first_at = ?, n_up = ?, n_degraded = ?, n_down = ?, n_inconclusive = ?,
         body = ? WHERE id = ?`,
    )
  }

  /** Codes of the checks that may have raw results, from `from` on, in order. */
  checks(from = 0): number[] {
    return this.#checks.all(from) as number[]
  }

  /**
   * Deletes up to `limit` results of a check scheduled before `before`, oldest blocks
   * first; returns how many went. Call it in a transaction.
   */
  prune(check: number, before: number, limit: number): number {
    let deleted = 0
    for (const [id, lastAt, firstAt, results, body] of this.#old.all({
      check,
      before,
      // Each block holds at least one result.
      limit: Number.isFinite(limit) ? limit : -1,
    }) as Block[]) {
      if (deleted >= limit) break
      if (lastAt < before && results <= limit - deleted) {
        this.#delete.run(id)
        deleted += results
        continue
      }
      const entries = decodeBlock(body, firstAt)
      let cut = 0
      while (cut < entries.length && entries[cut]!.scheduledAt < before && deleted + cut < limit)
        cut++
      if (cut === 0) continue
      const kept = entries.slice(cut)
      if (kept.length === 0) this.#delete.run(id)
      else {
        const [up, degraded, down, inconclusive] = statusCounts(kept)
        this.#update.run(
          kept[0]!.scheduledAt,
          up,
          degraded,
          down,
          inconclusive,
          encodeBlock(kept),
          id,
        )
      }
      deleted += cut
    }
    return deleted
  }
}
