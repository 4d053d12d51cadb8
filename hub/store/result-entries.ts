/**
 * A set of result entries by key, for the writer's dedupe, and an entry's series.
 */
import { compareIds, HOST_SERIES, type BlockEntry, type CheckEntry } from './result-blocks.ts'

/**
 * Entries by a hash of their id, for dedupe: a result is stored once per (check,
 * scheduledAt, id). Most entries are new, and a number finds that out without building
 * a string key; entries that share a hash are compared in full.
 */
export class EntrySet {
  readonly #byHash = new Map<number, CheckEntry | CheckEntry[]>()
  size = 0

  static hashOf(entry: CheckEntry): number {
    const { id } = entry
    if (typeof id === 'string') {
      let hash = entry.scheduledAt | 0
      for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) | 0
      return hash
    }
    // The last bytes of a ULID are random.
    return ((id[12]! << 24) | (id[13]! << 16) | (id[14]! << 8) | id[15]!) ^ entry.check
  }

  has(entry: CheckEntry): boolean {
    const found = this.#byHash.get(EntrySet.hashOf(entry))
    if (found === undefined) return false
    if (!Array.isArray(found)) return sameKey(found, entry)
    return found.some((other) => sameKey(other, entry))
  }

  add(entry: CheckEntry): void {
    const hash = EntrySet.hashOf(entry)
    const found = this.#byHash.get(hash)
    if (found === undefined) this.#byHash.set(hash, entry)
    else if (Array.isArray(found)) found.push(entry)
    else this.#byHash.set(hash, [found, entry])
    this.size += 1
  }

  delete(entry: CheckEntry): void {
    const hash = EntrySet.hashOf(entry)
    const found = this.#byHash.get(hash)
    if (found === undefined) return
    if (!Array.isArray(found)) {
      if (!sameKey(found, entry)) return
      this.#byHash.delete(hash)
    } else {
      const at = found.findIndex((other) => sameKey(other, entry))
      if (at < 0) return
      found.splice(at, 1)
      if (found.length === 1) this.#byHash.set(hash, found[0]!)
    }
    this.size -= 1
  }

  clear(): void {
    this.#byHash.clear()
    this.size = 0
  }
}

const sameKey = (a: CheckEntry, b: CheckEntry) =>
  a.check === b.check && a.scheduledAt === b.scheduledAt && compareIds(a.id, b.id) === 0

/** The series code of an entry: its region, or its probe for a host check. */
export const seriesOf = (entry: BlockEntry) =>
  entry.flags & HOST_SERIES ? entry.probe : entry.region
