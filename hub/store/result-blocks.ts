/**
 * Blocks: several results of one check in one SQLite row (result-schema.ts). A row per
 * result cost the writer a b-tree insert per result, and each row its own key and
 * header; a block of a fold's results costs one insert and a few bytes per result.
 *
 * A block holds its results in (scheduledAt, id) order, each as:
 * - varint: scheduledAt minus the previous one's (the first's: minus the block's first_at);
 * - a byte: status (bits 0-1, result-codec's codes), measured in maintenance (bit 2), a
 *   host check's result, whose series is its probe (bit 3), an id kept as text (bit 4);
 * - the id: 16 bytes (idKey), or a varint length and the text;
 * - varints: region and probe name codes; the body's length, then the body (result-codec.ts).
 *
 * The journal and the batches the main thread hands the writer use the same entries
 * with two more varints in front: the check's code and the absolute scheduledAt.
 */
import { ByteWriter, idText } from './result-codec.ts'

/** The longest time one block spans: a range of times is then a range of block keys. */
export const MAX_BLOCK_SPAN_MS = 10 * 60_000
/**
 * Most bytes in one block: a page then holds four of them (a larger record would spill
 * into overflow pages, slower to write and half empty).
 */
export const MAX_BLOCK_BYTES = 960

export const IN_MAINTENANCE = 4
export const HOST_SERIES = 8
const TEXT_ID = 16

/** One result of a block, before its body is decoded. */
export interface BlockEntry {
  scheduledAt: number
  id: Uint8Array | string
  region: number
  probe: number
  /** Status code (0 up, 1 degraded, 2 down, 3 inconclusive). */
  status: number
  /** IN_MAINTENANCE | HOST_SERIES. */
  flags: number
  body: Uint8Array
}

/** Sorts entries as a block keeps them: by time, then id. */
export function compareEntries(a: BlockEntry, b: BlockEntry): number {
  if (a.scheduledAt !== b.scheduledAt) return a.scheduledAt - b.scheduledAt
  return compareIds(a.id, b.id)
}

/** SQLite's order: text before blobs, blobs bytewise; ULID bytes sort as their text. */
export function compareIds(a: Uint8Array | string, b: Uint8Array | string): number {
  if (typeof a === 'string' || typeof b === 'string') {
    if (typeof a !== typeof b) return typeof a === 'string' ? -1 : 1
    return a < b ? -1 : a > b ? 1 : 0
  }
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}

const writer = new ByteWriter()

function writeEntry(out: ByteWriter, entry: BlockEntry): void {
  const textId = typeof entry.id === 'string'
  out.byte(entry.status | entry.flags | (textId ? TEXT_ID : 0))
  if (textId) out.string(entry.id as string, null, false)
  else out.raw(entry.id as Uint8Array)
  out.varint(entry.region)
  out.varint(entry.probe)
  out.varint(entry.body.length)
  out.raw(entry.body)
}

/** The block of `entries`, which must be sorted (compareEntries) and not empty. */
export function encodeBlock(entries: readonly BlockEntry[]): Uint8Array {
  const out = writer
  out.reset()
  let previous = entries[0]!.scheduledAt
  for (const entry of entries) {
    out.varint(entry.scheduledAt - previous)
    previous = entry.scheduledAt
    writeEntry(out, entry)
  }
  return out.take()
}

/** A result of a batch or of the journal: a block entry and its check. */
export interface CheckEntry extends BlockEntry {
  check: number
  /** Where the entry lies in the bytes it was decoded from. */
  start: number
  end: number
}

/** Appends a journal entry (check code, absolute time, then as in a block) to `out`. */
export function writeCheckEntry(out: ByteWriter, check: number, entry: BlockEntry): void {
  out.varint(check)
  out.varint(entry.scheduledAt)
  writeEntry(out, entry)
}

const textDecoder = new TextDecoder()

/** Reads entries from bytes: block entries (relative times) or journal entries. */
class EntryReader {
  p = 0
  constructor(readonly bytes: Uint8Array) {}

  varint(): number {
    const bytes = this.bytes
    let value = 0
    let scale = 1
    for (;;) {
      if (this.p >= bytes.length) throw new RangeError('result block ends early')
      const byte = bytes[this.p++]!
      value += (byte & 0x7f) * scale
      if (byte < 0x80) return value
      scale *= 0x80
    }
  }

  /** Moves past the entry after its time. */
  skip(): void {
    const head = this.bytes[this.p++]!
    // Lengths are read before the position moves past them (`p += varint()` would not).
    const idLength = head & TEXT_ID ? this.varint() / 2 : 16
    this.p += idLength
    this.varint()
    this.varint()
    const bodyLength = this.varint()
    this.p += bodyLength
    if (this.p > this.bytes.length) throw new RangeError('result block ends early')
  }

  /** The entry after its time. */
  entry(scheduledAt: number): BlockEntry {
    const bytes = this.bytes
    const head = bytes[this.p++]!
    let id: Uint8Array | string
    if (head & TEXT_ID) {
      const length = this.varint() / 2
      id = textDecoder.decode(bytes.subarray(this.p, this.p + length))
      this.p += length
    } else {
      id = bytes.subarray(this.p, this.p + 16)
      this.p += 16
    }
    const region = this.varint()
    const probe = this.varint()
    const length = this.varint()
    const body = bytes.subarray(this.p, this.p + length)
    this.p += length
    if (this.p > bytes.length) throw new RangeError('result block ends early')
    return {
      scheduledAt,
      id,
      region,
      probe,
      status: head & 3,
      flags: head & (IN_MAINTENANCE | HOST_SERIES),
      body,
    }
  }
}

/**
 * The entries of a block whose first result was scheduled at `firstAt`, in order. Their
 * ids and bodies are views into `block`, decoded only for the results a read returns.
 */
export function decodeBlock(block: Uint8Array, firstAt: number): BlockEntry[] {
  const entries: BlockEntry[] = []
  const r = new EntryReader(block)
  let at = firstAt
  while (r.p < block.length) {
    at += r.varint()
    entries.push(r.entry(at))
  }
  return entries
}

/**
 * The entries of a batch or a journal row (writeCheckEntry), in order; of one check
 * only, when given (the others are skipped without being decoded).
 */
export function decodeCheckEntries(bytes: Uint8Array, only?: number): CheckEntry[] {
  const entries: CheckEntry[] = []
  const r = new EntryReader(bytes)
  while (r.p < bytes.length) {
    const start = r.p
    const check = r.varint()
    const scheduledAt = r.varint()
    if (only !== undefined && check !== only) {
      r.skip()
      continue
    }
    const entry = r.entry(scheduledAt) as CheckEntry
    entry.check = check
    entry.start = start
    entry.end = r.p
    entries.push(entry)
  }
  return entries
}

/** Status counts of entries, for the block's columns: up, degraded, down, inconclusive. */
export function statusCounts(entries: readonly BlockEntry[]): [number, number, number, number] {
  const counts: [number, number, number, number] = [0, 0, 0, 0]
  for (const entry of entries) counts[entry.status] = counts[entry.status]! + 1
  return counts
}

/** The id text of an entry. */
export const entryId = (entry: BlockEntry) => idText(entry.id)

/** About the bytes an entry takes in a block. */
const sizeOf = (entry: BlockEntry) => entry.body.length + 24

/**
 * Sorted entries of one check cut into blocks of at most MAX_BLOCK_BYTES (or a single
 * larger result) and MAX_BLOCK_SPAN_MS each.
 */
export function* blocksOf(sorted: readonly BlockEntry[]): Generator<BlockEntry[]> {
  let start = 0
  let bytes = sizeOf(sorted[0]!)
  for (let i = 1; i <= sorted.length; i++) {
    const size = i < sorted.length ? sizeOf(sorted[i]!) : 0
    if (
      i === sorted.length ||
      bytes + size > MAX_BLOCK_BYTES ||
      sorted[i]!.scheduledAt - sorted[start]!.scheduledAt > MAX_BLOCK_SPAN_MS
    ) {
      yield sorted.slice(start, i)
      start = i
      bytes = 0
    }
    bytes += size
  }
}
