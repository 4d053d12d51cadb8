/**
 * Reads of stored results (result-schema.ts), decoded back into CheckResults: a check's
 * recent results, the newest of each series, counts by status and failing samples for
 * incident reports. Every read of raw results covers the journal as well as `results`,
 * so a result is visible from the moment its batch is acked.
 */
import type { Statement } from 'better-sqlite3'
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import type { Database } from './database.ts'
import {
  compareEntries,
  decodeBlock as decodeWhole,
  decodeCheckEntries,
  MAX_BLOCK_SPAN_MS,
  type BlockEntry,
  type CheckEntry,
} from './result-blocks.ts'
import { decodeBody, idText, statusOf, STATUS_CODE } from './result-codec.ts'
import { ResultNames } from './result-names.ts'

type BlockRow = [firstAt: number, lastAt: number, body: Uint8Array]
type CountedBlock = [
  firstAt: number,
  lastAt: number,
  up: number,
  degraded: number,
  down: number,
  inconclusive: number,
  body: Uint8Array | null,
]

const newestFirst = (a: BlockEntry, b: BlockEntry) => compareEntries(b, a)

/** A damaged block must not take a view down with it: it reads as empty. */
function decodeBlock(body: Uint8Array, firstAt: number): BlockEntry[] {
  try {
    return decodeWhole(body, firstAt)
  } catch {
    return []
  }
}

function decodeJournalRow(bytes: Uint8Array, check?: number): CheckEntry[] {
  try {
    return decodeCheckEntries(bytes, check)
  } catch {
    return []
  }
}

export class ResultReads {
  readonly #names: ResultNames
  readonly #newestBlocks: Statement
  readonly #journal: Statement
  readonly #latest: Statement
  readonly #oldest: Statement
  readonly #inRange: Statement
  readonly #inRangeBodies: Statement
  readonly #countAll: Statement
  readonly #countCheck: Statement
  readonly #all: Statement

  constructor(db: Database) {
    this.#names = ResultNames.of(db)
    this.#newestBlocks = db
      .prepare(
        'SELECT first_at, last_at, body FROM results WHERE check_code = ? ORDER BY last_at DESC',
      )
      .raw()
    this.#journal = db.prepare('SELECT entries FROM results_journal').pluck()
    this.#latest = db
      .prepare(
        'SELECT series, scheduled_at, id, region, probe, status, body FROM latest_results WHERE check_code = ?',
      )
      .raw()
    // A block spans at most MAX_BLOCK_SPAN_MS: the oldest result is in a block that ends
    // within that of the first block to end.
    this.#oldest = db
      .prepare(
        `SELECT min(first_at) FROM results WHERE check_code = @check AND last_at <=
           (SELECT min(last_at) FROM results WHERE check_code = @check) + ${MAX_BLOCK_SPAN_MS}`,
      )
      .pluck()
    // Blocks that meet [from, to); for counts, with their body only when they do not lie inside it.
    const inRange = (table: string, body: string) =>
      `SELECT first_at, last_at, n_up, n_degraded, n_down, n_inconclusive, ${body}
       FROM ${table} WHERE check_code = @check AND last_at >= @from AND first_at < @to
         AND last_at < @to + ${MAX_BLOCK_SPAN_MS}`
    const partial = 'CASE WHEN first_at >= @from AND last_at < @to THEN NULL ELSE body END'
    this.#inRange = db.prepare(inRange('results', partial)).raw()
    this.#inRangeBodies = db.prepare(inRange('results', 'body')).raw()
    const total = 'SUM(n_up + n_degraded + n_down + n_inconclusive)'
    this.#countAll = db.prepare(`SELECT coalesce(${total}, 0) FROM results`).pluck()
    this.#countCheck = db
      .prepare(`SELECT coalesce(${total}, 0) FROM results WHERE check_code = @check`)
      .pluck()
    this.#all = db.prepare('SELECT check_code, first_at, body FROM results').raw()
  }

  /** Up to `limit` results of a check (of one region), newest first. */
  recent(checkId: string, limit: number, region?: string): CheckResult[] {
    const check = this.#names.find(checkId)
    if (check === undefined || limit <= 0) return []
    const regionCode = region === undefined ? undefined : this.#names.find(region)
    if (region !== undefined && regionCode === undefined) return []
    const found: BlockEntry[] = []
    const take = (entries: BlockEntry[]) => {
      for (const entry of entries)
        if (regionCode === undefined || entry.region === regionCode) found.push(entry)
    }
    take(this.#journalEntries(check))
    // Newest blocks first, until no older block can hold one of the newest `limit`.
    let cutoff = -Infinity
    for (const [firstAt, lastAt, body] of this.#newestBlocks.iterate(check) as Iterable<BlockRow>) {
      if (lastAt < cutoff) break
      take(decodeBlock(body, firstAt))
      if (found.length >= limit) {
        found.sort(newestFirst)
        found.length = limit
        cutoff = found[limit - 1]!.scheduledAt
      }
    }
    found.sort(newestFirst)
    return found.slice(0, limit).map((entry) => this.#decode(checkId, entry))
  }

  /** The newest folded result of each series of a check, keyed by series. */
  latest(checkId: string): Map<string, CheckResult> {
    const latest = new Map<string, CheckResult>()
    const check = this.#names.find(checkId)
    if (check === undefined) return latest
    type Row = [number, number, Uint8Array | string, number, number, number, Uint8Array]
    for (const [series, scheduledAt, id, region, probe, status, body] of this.#latest.all(
      check,
    ) as Row[]) {
      const entry = { scheduledAt, id, region, probe, status, flags: 0, body }
      latest.set(this.#names.nameOf(series), this.#decode(checkId, entry))
    }
    return latest
  }

  /** When the check's oldest raw result was scheduled, or null. */
  oldest(checkId: string): number | null {
    const check = this.#names.find(checkId)
    if (check === undefined) return null
    let oldest = (this.#oldest.get({ check }) as number | null) ?? Infinity
    for (const entry of this.#journalEntries(check)) oldest = Math.min(oldest, entry.scheduledAt)
    return oldest === Infinity ? null : oldest
  }

  /** Raw results scheduled in `[from, to)`, by status. */
  countByStatus(checkId: string, from: number, to: number): Partial<Record<CheckStatus, number>> {
    const counts = [0, 0, 0, 0]
    const check = this.#names.find(checkId)
    if (check === undefined || to <= from) return {}
    for (const [firstAt, , up, degraded, down, inconclusive, body] of this.#inRange.all({
      check,
      from,
      to,
    }) as CountedBlock[]) {
      if (body === null) {
        counts[0]! += up
        counts[1]! += degraded
        counts[2]! += down
        counts[3]! += inconclusive
        continue
      }
      for (const entry of decodeBlock(body, firstAt)) {
        if (entry.scheduledAt >= from && entry.scheduledAt < to) counts[entry.status]! += 1
      }
    }
    for (const entry of this.#journalEntries(check)) {
      if (entry.scheduledAt >= from && entry.scheduledAt < to) counts[entry.status]! += 1
    }
    const result: Partial<Record<CheckStatus, number>> = {}
    counts.forEach((n, code) => {
      if (n > 0) result[statusOf(code)] = n
    })
    return result
  }

  /**
   * Up to `limit` results in `[from, to)` with one of `statuses`: the first of each
   * region, oldest first, then each region's second, and so on.
   */
  samples(
    checkId: string,
    statuses: readonly CheckStatus[],
    from: number,
    to: number,
    limit: number,
  ): CheckResult[] {
    const check = this.#names.find(checkId)
    if (check === undefined || to <= from || limit <= 0) return []
    const wanted = new Set(statuses.map((status) => STATUS_CODE[status]))
    const matching: BlockEntry[] = []
    for (const [firstAt, , ...rest] of this.#inRangeBodies.all({
      check,
      from,
      to,
    }) as CountedBlock[]) {
      const counts = rest.slice(0, 4) as number[]
      if (!counts.some((n, code) => n > 0 && wanted.has(code))) continue
      const body = rest[4] as Uint8Array
      for (const entry of decodeBlock(body, firstAt)) {
        if (entry.scheduledAt >= from && entry.scheduledAt < to && wanted.has(entry.status)) {
          matching.push(entry)
        }
      }
    }
    for (const entry of this.#journalEntries(check)) {
      if (entry.scheduledAt >= from && entry.scheduledAt < to && wanted.has(entry.status)) {
        matching.push(entry)
      }
    }
    matching.sort(compareEntries)
    // Ranked per region, so the first rows are the first failure of each region and a
    // region that failed later still shows up before a second sample of the first one.
    const nth = new Map<number, number>()
    const ranked = matching.map((entry) => {
      const rank = nth.get(entry.region) ?? 0
      nth.set(entry.region, rank + 1)
      return { entry, rank }
    })
    ranked.sort((a, b) => a.rank - b.rank || compareEntries(a.entry, b.entry))
    return ranked.slice(0, limit).map(({ entry }) => this.#decode(checkId, entry))
  }

  /** Raw results stored (folded or not), of one check or all. */
  count(checkId?: string): number {
    if (checkId === undefined)
      return (this.#countAll.get() as number) + this.#journalEntries().length
    const check = this.#names.find(checkId)
    if (check === undefined) return 0
    return (this.#countCheck.get({ check }) as number) + this.#journalEntries(check).length
  }

  /** Every stored raw result, unordered: for tests and tools, not for pages. */
  all(): CheckResult[] {
    const all: CheckResult[] = []
    for (const [check, firstAt, body] of this.#all.all() as [number, number, Uint8Array][]) {
      const checkId = this.#names.nameOf(check)
      for (const entry of decodeBlock(body, firstAt)) all.push(this.#decode(checkId, entry))
    }
    for (const entry of this.#journalEntries()) {
      all.push(this.#decode(this.#names.nameOf(entry.check), entry))
    }
    return all
  }

  /** The journal's entries, of one check or all: a few seconds of results at most. */
  #journalEntries(check?: number): CheckEntry[] {
    const entries: CheckEntry[] = []
    for (const bytes of this.#journal.all() as Uint8Array[]) {
      for (const entry of decodeJournalRow(bytes, check)) entries.push(entry)
    }
    return entries
  }

  #decode(checkId: string, entry: BlockEntry): CheckResult {
    const nameOf = this.#names.nameOf
    const columns = {
      id: idText(entry.id),
      checkId,
      region: nameOf(entry.region),
      probeId: nameOf(entry.probe),
      scheduledAt: entry.scheduledAt,
      status: statusOf(entry.status),
    }
    try {
      return decodeBody(entry.body, columns, nameOf)
    } catch {
      // A damaged row must not take a view down with it: it shows as such.
      return {
        ...columns,
        kind: 'unknown',
        configVersion: '',
        startedAt: entry.scheduledAt,
        durationMs: 0,
        error: { code: 'UNREADABLE', message: 'the stored result cannot be read' },
        assertions: [],
        trigger: 'schedule',
      }
    }
  }
}
