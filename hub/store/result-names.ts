/**
 * The strings stored results share, by code (`result_names`): check ids, regions and
 * probe ids, which result entries hold as codes, and the strings of result bodies that
 * repeat (kinds, config versions, assertion names and values, error codes and messages,
 * metric and detail keys; result-codec.ts).
 *
 * One connection allocates codes: the one that encodes results (the hub's main
 * connection). It hands out the next code at once, in memory, and the name reaches the
 * table with the first write that uses it: `unpersisted` lists them for the writer,
 * which inserts them in the same transaction as the results (`persist`), and `persisted`
 * forgets them once committed. A code is never reused, so a name whose write failed is
 * simply written with a later one. Other connections (the writer thread) only read,
 * and learn the names that come with each batch.
 *
 * Body strings are bounded: a short key is shared at once, any other string only from
 * its second sighting and while the table holds fewer than MAX_SHARED_NAMES, so a
 * stream of unique texts stays inline instead of filling the dictionary.
 */
import type { Statement } from 'better-sqlite3'
import type { Database } from './database.ts'

/** Past this many names, new body strings stay inline (columns still get codes). */
export const MAX_SHARED_NAMES = 100_000
/** Longest key-like body string (kind, config version, assertion name) that is shared. */
const MAX_SHORT = 120
/** Longest other body string (assertion value, error message, detail) that is shared. */
const MAX_TEXT = 64
/** Strings seen once and not yet shared, remembered up to this many. */
const MAX_CANDIDATES = 20_000

const registry = new WeakMap<Database, ResultNames>()

export class ResultNames {
  readonly #byName = new Map<string, number>()
  readonly #byCode = new Map<number, string>()
  readonly #candidates = new Set<string>()
  readonly #select: Statement<[string], { code: number }>
  readonly #selectName: Statement<[number], { name: string }>
  readonly #insert: Statement<[number, string]>
  readonly #db: Database
  #next = -1
  #count = -1
  /** Codes handed out that no committed write has stored yet, in order. */
  readonly #unpersisted: Array<[number, string]> = []

  /** The one instance of a connection: its caches are shared by every store on it. */
  static of(db: Database): ResultNames {
    let names = registry.get(db)
    if (!names) registry.set(db, (names = new ResultNames(db)))
    return names
  }

  private constructor(db: Database) {
    this.#db = db
    this.#select = db.prepare('SELECT code FROM result_names WHERE name = ?')
    this.#selectName = db.prepare('SELECT name FROM result_names WHERE code = ?')
    // A name another connection stored under the same code is the same name: codes are
    // handed out by one connection only.
    this.#insert = db.prepare(
      'INSERT INTO result_names (code, name) VALUES (?, ?) ON CONFLICT DO NOTHING',
    )
  }

  /** The code of a name known to the database or handed out, or undefined; never adds one. */
  find(name: string): number | undefined {
    const cached = this.#byName.get(name)
    if (cached !== undefined) return cached
    const row = this.#select.get(name)
    if (row) this.learn(row.code, name)
    return row?.code
  }

  /** The code of a column value (check, region, probe), handed out when new. */
  code(name: string): number {
    return this.find(name) ?? this.#allocate(name)
  }

  /** A body string's code, or undefined to write it inline (see the file's comment). */
  readonly intern = (text: string, short: boolean): number | undefined => {
    const cached = this.#byName.get(text)
    if (cached !== undefined) return cached
    if (this.#count < 0) this.#loadCounters()
    if (text.length > (short ? MAX_SHORT : MAX_TEXT) || this.#count >= MAX_SHARED_NAMES) {
      return undefined
    }
    if (!short && !this.#candidates.has(text)) {
      if (this.#candidates.size >= MAX_CANDIDATES) this.#candidates.clear()
      this.#candidates.add(text)
      return undefined
    }
    this.#candidates.delete(text)
    return this.code(text)
  }

  /** The name of a code; a code missing from the table (never expected) reads as `?code`. */
  readonly nameOf = (code: number): string => {
    const cached = this.#byCode.get(code)
    if (cached !== undefined) return cached
    const row = this.#selectName.get(code)
    if (!row) return `?${code}`
    this.learn(code, row.name)
    return row.name
  }

  /** Remembers a name that another connection handed out (it came with a batch). */
  learn(code: number, name: string): void {
    this.#byName.set(name, code)
    this.#byCode.set(code, name)
  }

  /** Names handed out and not yet stored: they go with the next write. */
  unpersisted(): ReadonlyArray<[number, string]> {
    return this.#unpersisted
  }

  /** Stores names in the caller's write transaction. */
  persist(names: ReadonlyArray<[number, string]>): void {
    for (const [code, name] of names) {
      this.#insert.run(code, name)
      this.learn(code, name)
    }
  }

  /** A write that stored names up to `code` (those `unpersisted` listed) committed. */
  persisted(code: number): void {
    let done = 0
    while (done < this.#unpersisted.length && this.#unpersisted[done]![0] <= code) done++
    this.#unpersisted.splice(0, done)
  }

  #loadCounters(): void {
    const row = this.#db
      .prepare('SELECT COUNT(*) AS n, coalesce(MAX(code), 0) AS max FROM result_names')
      .get() as { n: number; max: number }
    this.#count = row.n
    this.#next = row.max + 1
  }

  #allocate(name: string): number {
    if (this.#next < 0) this.#loadCounters()
    const code = this.#next++
    this.#count += 1
    this.#unpersisted.push([code, name])
    this.learn(code, name)
    return code
  }
}
