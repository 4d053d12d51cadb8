/**
 * The write side of the result tables (result-schema.ts): encoding results into
 * entries, appending them to the journal with exactly-once dedupe, folding the journal
 * into `results`, the rollups and `latest_results`, and storing straight into those.
 *
 * Exactly once: an entry enters the journal or `results` only if neither holds its key
 * (check, scheduledAt, id), and the fold moves it to `results`, counts it in the
 * rollups and deletes it from the journal in one transaction. Whether `results` holds a
 * key is asked only of entries no newer than the newest stored of their series (a
 * replay, or one region behind another): their blocks are read and searched.
 *
 * Longer than 400 lines because the journal, the fold and the direct path share one
 * dedupe and one write plan, and each changes the others' state.
 *
 * Call every method but `encodeBatch` inside a write transaction (BEGIN IMMEDIATE),
 * `begin` first, then `settle` once it committed or `rollback` if it did not.
 */
import type { Statement } from 'better-sqlite3'
import type { RollupStore, RunSample } from '../history/rollup-store.ts'
import type { Database } from './database.ts'
import {
  blocksOf,
  compareEntries,
  compareIds,
  decodeBlock,
  decodeCheckEntries,
  encodeBlock,
  IN_MAINTENANCE,
  MAX_BLOCK_SPAN_MS,
  statusCounts,
  type CheckEntry,
} from './result-blocks.ts'
import { bodyDuration, ByteWriter, statusOf } from './result-codec.ts'
import { EntrySet, seriesOf } from './result-entries.ts'
import type { ResultNames } from './result-names.ts'

/**
 * The journal can be kept in groups of checks (check code modulo this): a fold then takes
 * one group per transaction, and holds the write lock, which a main-thread write (the
 * state roller, an incident) waits for, that much shorter. One for now: the groups' rows
 * share the journal's pages, and deleting a group rewrote them all (16 groups: 2.4 KiB
 * written per result instead of 0.6).
 */
export const FOLD_GROUPS = 1

/** A journal row this connection wrote and has not folded. */
interface Journaled {
  seq: number
  group: number
  entries: CheckEntry[]
}

/** The writes new entries make (ResultRows.#plan). */
interface Plan {
  blocks: Array<[number, number, number, number, number, number, number, Uint8Array]>
  runs: RunSample[]
  latest: CheckEntry[]
}

/** A fold prepared outside the write transaction (ResultRows.prepareFold). */
export interface FoldPlan {
  group: number
  rows: Journaled[]
  count: number
  plan: Plan
}

/** What a fold did. */
export interface FoldReport {
  /** Results folded. */
  rows: number
}

export class ResultRows {
  readonly #db: Database
  readonly #names: ResultNames
  readonly #rollups: RollupStore
  readonly #insertJournal: Statement
  readonly #insertBlock: Statement
  readonly #blocksAround: Statement
  readonly #newestOf: Statement
  readonly #upsertLatest: Statement
  readonly #readJournal: Statement
  readonly #deleteJournal: Statement
  readonly #clearJournal: Statement
  readonly #dataVersion: Statement
  /** Journal rows this connection wrote and has not folded, per group, in seq order. */
  readonly #journaled: Journaled[][] = Array.from({ length: FOLD_GROUPS }, () => [])
  #journaledRows = 0
  readonly #journalKeys = new EntrySet()
  /** Journal rows the open transaction added. */
  #added: Journaled[] = []
  /** The group the next fold starts from: each gets its turn. */
  #nextGroup = 0
  /** Per check code, per series code: the newest scheduledAt stored (latest_results). */
  #newest = new Map<number, Map<number, number>>()
  #version = -1
  readonly #copy = new ByteWriter()
  #foreignWriter = false

  constructor(db: Database, names: ResultNames, rollups: RollupStore) {
    this.#db = db
    this.#names = names
    this.#rollups = rollups
    this.#insertJournal = db.prepare('INSERT INTO results_journal (grp, entries) VALUES (?, ?)')
    this.#insertBlock = db.prepare(
      `INSERT INTO results (check_code, last_at, first_at, n_up, n_degraded, n_down, n_inconclusive, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    // The blocks that may hold a result of that time: a block spans at most MAX_BLOCK_SPAN_MS.
    this.#blocksAround = db
      .prepare(
        `SELECT first_at, body FROM results WHERE check_code = @check
           AND last_at >= @at AND last_at <= @at + ${MAX_BLOCK_SPAN_MS} AND first_at <= @at`,
      )
      .raw()
    this.#newestOf = db
      .prepare('SELECT series, scheduled_at FROM latest_results WHERE check_code = ?')
      .raw()
    // A late result (replayed from a probe's outbox) must not hide a newer one.
    this.#upsertLatest = db.prepare(
      `INSERT INTO latest_results (check_code, series, scheduled_at, id, region, probe, status, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (check_code, series) DO UPDATE SET
         scheduled_at = excluded.scheduled_at, id = excluded.id, region = excluded.region,
         probe = excluded.probe, status = excluded.status, body = excluded.body
       WHERE (excluded.scheduled_at, excluded.id) > (latest_results.scheduled_at, latest_results.id)`,
    )
    this.#readJournal = db.prepare('SELECT seq, entries FROM results_journal ORDER BY seq').raw()
    this.#deleteJournal = db.prepare('DELETE FROM results_journal WHERE grp = ? AND seq <= ?')
    this.#clearJournal = db.prepare('DELETE FROM results_journal WHERE seq <= ?')
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck()
  }

  /**
   * Starts a write: when another connection committed since this one last wrote, what
   * this one remembers of stored results may be old, so it reads it again.
   */
  begin(): void {
    const version = this.#dataVersion.get() as number
    if (version !== this.#version) this.#newest = new Map()
    this.#version = version
  }

  /** The transaction committed. */
  settle(): void {
    this.#added = []
    this.#version = this.#dataVersion.get() as number
  }

  /** The transaction rolled back: what it journaled is not in the journal. */
  rollback(): void {
    for (const row of this.#added) {
      const group = this.#journaled[row.group]!
      group.splice(group.indexOf(row), 1)
      this.#journaledRows -= row.entries.length
      for (const entry of row.entries) this.#journalKeys.delete(entry)
    }
    this.#added = []
    this.#newest = new Map()
  }

  /** Another connection (the writer thread) folds the journal: `insertNow` leaves it alone. */
  leaveJournalTo(writer: boolean): void {
    this.#foreignWriter = writer
  }

  /** Results waiting in the journal that this connection wrote. */
  journaled(): number {
    return this.#journaledRows
  }

  /**
   * Appends the new entries of a batch (`bytes`, decoded as `entries`) to the journal,
   * as one row. Returns, per entry, whether it was new.
   */
  journal(entries: CheckEntry[], bytes: Uint8Array): boolean[] {
    const fresh = this.#fresh(entries)
    const groups = new Map<number, CheckEntry[]>()
    for (let i = 0; i < entries.length; i++) {
      if (!fresh[i]) continue
      const entry = entries[i]!
      const group = entry.check % FOLD_GROUPS
      const list = groups.get(group)
      if (list) list.push(entry)
      else groups.set(group, [entry])
    }
    for (const [group, kept] of groups) {
      let row = bytes
      if (kept.length < entries.length) {
        this.#copy.reset()
        for (const entry of kept) this.#copy.raw(bytes.subarray(entry.start, entry.end))
        row = this.#copy.take()
      }
      const seq = Number(this.#insertJournal.run(group, row).lastInsertRowid)
      const journaled = { seq, group, entries: kept }
      this.#journaled[group]!.push(journaled)
      this.#added.push(journaled)
      this.#journaledRows += kept.length
      for (const entry of kept) this.#journalKeys.add(entry)
    }
    return fresh
  }

  /**
   * Stores the new entries straight into `results`, the rollups and `latest_results`.
   * Returns, per entry, whether it was new; `maintenance(i)` is asked of new entries
   * only. An entry in a journal another connection writes is not looked for: results
   * reach a store through one path (the hub's probes through its writer thread, what
   * it measures itself through its main connection).
   */
  store(entries: CheckEntry[], maintenance?: (i: number) => boolean): boolean[] {
    const fresh = this.#fresh(entries)
    const kept: CheckEntry[] = []
    for (let i = 0; i < entries.length; i++) {
      if (!fresh[i]) continue
      const entry = entries[i]!
      if (maintenance?.(i)) entry.flags |= IN_MAINTENANCE
      kept.push(entry)
    }
    this.#count(kept)
    return fresh
  }

  /**
   * What folding the next group's journal rows (a FOLD_GROUPS-th of the checks), oldest
   * first, until at least `limit` results, will write: prepared outside the write
   * transaction, so that `fold` holds the lock for the writes alone, and only for a
   * group's. Null when this connection journaled nothing.
   */
  prepareFold(limit: number): FoldPlan | null {
    if (this.#journaledRows === 0) return null
    let group = this.#nextGroup
    while (this.#journaled[group]!.length === 0) group = (group + 1) % FOLD_GROUPS
    this.#nextGroup = (group + 1) % FOLD_GROUPS
    const journaled = this.#journaled[group]!
    let taken = 0
    let count = 0
    while (taken < journaled.length && count < limit) {
      count += journaled[taken]!.entries.length
      taken += 1
    }
    const rows = journaled.slice(0, taken)
    return { group, rows, count, plan: this.#plan(rows.flatMap((row) => row.entries)) }
  }

  /**
   * Folds a group's journal rows, oldest first (as `prepared` says, or a group until at
   * least `limit` results): into `results`, the rollups and `latest_results`, then out
   * of the journal.
   */
  fold(limit: number, prepared: FoldPlan | null = this.prepareFold(limit)): FoldReport {
    // What was prepared may have been folded since (by a synchronous insert elsewhere).
    if (!prepared || prepared.rows[0] !== this.#journaled[prepared.group]![0]) {
      return this.#foldForeign()
    }
    const { group, rows, count, plan } = prepared
    const taken = rows.length
    const throughSeq = rows[taken - 1]!.seq
    // Another connection may have folded these already: then the journal is read as it is.
    const folded = this.#db.transaction(() => {
      if (this.#deleteJournal.run(group, throughSeq).changes !== taken) throw new Mismatch()
      this.#apply(plan)
    })
    try {
      folded()
    } catch (error) {
      if (!(error instanceof Mismatch)) throw error
      for (const list of this.#journaled) list.length = 0
      this.#journaledRows = 0
      this.#journalKeys.clear()
      this.#added = []
      return this.#foldForeign()
    }
    this.#journaled[group]!.splice(0, taken)
    this.#journaledRows -= count
    for (const row of rows) for (const entry of row.entries) this.#journalKeys.delete(entry)
    return { rows: count }
  }

  /** Folds whatever the journal holds that this connection did not write: after a crash. */
  #foldForeign(): FoldReport {
    const rows = this.#readJournal.all() as [number, Uint8Array][]
    if (rows.length === 0) return { rows: 0 }
    const entries = rows.flatMap(([, bytes]) => decodeCheckEntries(bytes))
    const fresh = this.#fresh(entries)
    this.#count(entries.filter((_, i) => fresh[i]))
    this.#clearJournal.run(rows[rows.length - 1]![0])
    return { rows: entries.length }
  }

  /**
   * Which entries are new: not in this connection's journal, not earlier in `entries`,
   * not in `results`.
   */
  #fresh(entries: readonly CheckEntry[]): boolean[] {
    const fresh: boolean[] = new Array(entries.length)
    const seen = new EntrySet()
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      fresh[i] = !this.#journalKeys.has(entry) && !seen.has(entry) && !this.#stored(entry)
      if (fresh[i]) seen.add(entry)
    }
    return fresh
  }

  #stored(entry: CheckEntry): boolean {
    let series = this.#newest.get(entry.check)
    if (!series) {
      series = new Map(this.#newestOf.all(entry.check) as [number, number][])
      this.#newest.set(entry.check, series)
    }
    const { scheduledAt, id } = entry
    if (scheduledAt > (series.get(seriesOf(entry)) ?? -Infinity)) return false
    for (const [firstAt, body] of this.#blocksAround.all({
      check: entry.check,
      at: scheduledAt,
    }) as [number, Uint8Array][]) {
      for (const stored of decodeBlock(body, firstAt)) {
        if (stored.scheduledAt === scheduledAt && compareIds(stored.id, id) === 0) return true
      }
    }
    return false
  }

  /** New entries into `results` (a block per check and span), the rollups and `latest_results`. */
  #count(entries: readonly CheckEntry[]): void {
    if (entries.length > 0) this.#apply(this.#plan(entries))
  }

  /** The rows a batch of new entries makes: all the work a write needs but the writing. */
  #plan(entries: readonly CheckEntry[]): Plan {
    const nameOf = this.#names.nameOf
    const runs: RunSample[] = new Array(entries.length)
    const byCheck = new Map<number, CheckEntry[]>()
    const newest = new Map<number, CheckEntry>()
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!
      const series = seriesOf(entry)
      runs[i] = {
        checkId: nameOf(entry.check),
        series: nameOf(series),
        at: entry.scheduledAt,
        status: statusOf(entry.status),
        durationMs: bodyDuration(entry.body),
        maintenance: (entry.flags & IN_MAINTENANCE) !== 0,
      }
      const group = byCheck.get(entry.check)
      if (group) group.push(entry)
      else byCheck.set(entry.check, [entry])
      // Codes stay far below 2^26: one number keys the pair.
      const pair = entry.check * 2 ** 26 + series
      const current = newest.get(pair)
      if (!current || compareEntries(entry, current) > 0) newest.set(pair, entry)
    }
    const blocks: Plan['blocks'] = []
    for (const [check, group] of byCheck) {
      group.sort(compareEntries)
      for (const block of blocksOf(group)) {
        const [up, degraded, down, inconclusive] = statusCounts(block)
        blocks.push([
          check,
          block[block.length - 1]!.scheduledAt,
          block[0]!.scheduledAt,
          up,
          degraded,
          down,
          inconclusive,
          encodeBlock(block),
        ])
      }
    }
    return { blocks, runs, latest: [...newest.values()] }
  }

  #apply(plan: Plan): void {
    for (const block of plan.blocks) this.#insertBlock.run(...block)
    this.#rollups.addRuns(plan.runs)
    for (const entry of plan.latest) {
      const series = seriesOf(entry)
      this.#upsertLatest.run(
        entry.check,
        series,
        entry.scheduledAt,
        entry.id,
        entry.region,
        entry.probe,
        entry.status,
        entry.body,
      )
      const known = this.#newest.get(entry.check)
      if (known && entry.scheduledAt > (known.get(series) ?? -Infinity)) {
        known.set(series, entry.scheduledAt)
      }
    }
  }

  /** Stores entries into `results` only, for a migration: no rollups, no dedupe. */
  importEntries(entries: readonly CheckEntry[]): void {
    if (entries.length === 0) return
    for (const block of this.#plan(entries).blocks) this.#insertBlock.run(...block)
  }

  /**
   * Stores entries on this connection, which hands out name codes (with the names they
   * use): the synchronous path, for what the hub measures itself, tests and tools.
   * Returns, per entry, whether it was new.
   */
  insertNow(entries: CheckEntry[], maintenance: (i: number) => boolean): boolean[] {
    this.begin()
    // A journal that no writer thread folds (it stopped, or a test wrote it) is folded first.
    if (!this.#foreignWriter) while (this.fold(50_000).rows > 0);
    this.#names.persist(this.#names.unpersisted())
    // Asked of new results only: a re-delivered one was judged when it came first.
    return this.store(entries, maintenance)
  }
}

class Mismatch extends Error {}
