/**
 * A pack: the cells of one stored rollup row, keyed by slot. An hour row packs its
 * minutes (slots 0-59); a day row packs its hours (slots 0-23) and, once hour retention
 * has passed, only the day's total (slot 24). Packing keeps a check-region's 30 days of
 * minutes in 720 rows of a few hundred bytes instead of 43,200 rows.
 *
 * A row may hold a slot more than once: ingest appends a run's cell without reading
 * the row (cheap on the hot path, `encodeCells`), and the row is rewritten with one cell
 * per slot (`encodePack`) when its slots close. Readers merge repeated slots.
 *
 * A rewritten row is dense: a marker byte, a bitmap of the slots present, then each
 * cell. The usual cell (at most one run, one state the whole slot, nothing else) is a
 * code byte and its duration as a signed difference from the previous one: two bytes
 * for a minute with one run instead of five. Other cells are written in full.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { unzigzag, VarintReader, VarintWriter, zigzag } from '../../lib/varint.ts'
import { bucketOf } from './latency-histogram.ts'
import {
  emptyCell,
  impliedByOneRun,
  keptCell,
  mergeCell,
  readCellInto,
  resetCell,
  STATE_COUNT,
  wholeState,
  writeCell,
  type Cell,
} from './rollup-cell.ts'

/** Slot → cell. */
export type Pack = Map<number, Cell>

/** What a row packs: minutes of an hour, or hours of a day. */
export type PackKind = 'minutes' | 'hours'

/** The slot of a day row that holds the day's total once its hours are dropped. */
export const DAY_TOTAL_SLOT = 24

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

/** How long a slot of the kind lasts. */
export function slotMs(kind: PackKind, slot: number): number {
  if (kind === 'minutes') return MINUTE_MS
  return slot === DAY_TOTAL_SLOT ? DAY_MS : HOUR_MS
}

/** Marks a dense block; no slot is this large, so it never starts a plain cell. */
const DENSE = 0xfe
/** Marks a deflated dense block (a sealed day), followed by its length. */
const SEALED = 0xfd
/** Slots a row of the kind can hold, for the bitmap. */
const SLOTS: Record<PackKind, number> = { minutes: 60, hours: DAY_TOTAL_SLOT + 1 }
/** The code byte of a cell written in full. */
const FULL = 32
const RUN_STATUS = ['up', 'degraded', 'down'] as const

/** The code of a usual cell (run status × 8 + whole state + 1), or null. */
function shortCode(cell: Cell, ms: number): number | null {
  if (cell.inconclusive || cell.maintenance || cell.valid || cell.bad) return null
  const runs = cell.up + cell.degraded + cell.down
  let status = 0
  if (runs === 1) {
    if (!impliedByOneRun(cell)) return null
    status = cell.up ? 1 : cell.degraded ? 2 : 3
  } else if (runs !== 0 || cell.durSum || cell.hist.size) return null
  const whole = wholeState(cell, ms)
  if (whole === -1 && cell.time.some((t) => t !== 0)) return null
  return status * 8 + whole + 1
}

/** A row's cells, one per slot, in the dense form: what a row is rewritten to. */
export function encodePack(pack: Pack, kind: PackKind): Buffer {
  const out = new VarintWriter()
  const slots = [...pack.keys()].sort((a, b) => a - b)
  const bitmap = new Uint8Array(Math.ceil(SLOTS[kind] / 8))
  for (const slot of slots) {
    if (slot >= SLOTS[kind]) throw new RangeError(`slot ${slot} is past a ${kind} row`)
    bitmap[slot >> 3]! |= 1 << (slot & 7)
  }
  out.raw(Uint8Array.of(DENSE)).raw(bitmap)
  let previous = 0
  for (const slot of slots) {
    const cell = pack.get(slot)!
    const ms = slotMs(kind, slot)
    const code = shortCode(cell, ms)
    if (code === null) {
      out.uint(FULL)
      writeCell(out, cell, ms)
      continue
    }
    out.uint(code)
    if (code >= 8) {
      out.uint(zigzag(cell.durSum - previous))
      previous = cell.durSum
    }
  }
  return out.toBuffer()
}

/** Cells to append to a row without reading it: each with its slot, as ingest writes them. */
export function encodeCells(pack: Pack, kind: PackKind): Buffer {
  const out = new VarintWriter()
  for (const slot of [...pack.keys()].sort((a, b) => a - b)) {
    out.uint(slot)
    writeCell(out, pack.get(slot)!, slotMs(kind, slot))
  }
  return out.toBuffer()
}

/**
 * Where a row's cells go as they are read: `blank` gives an empty cell to read a slot's
 * cell into, `add` takes it back (a slot written more than once is merged).
 */
interface CellSink {
  blank(slot: number): Cell
  add(slot: number, cell: Cell): void
}

function readDense(input: VarintReader, kind: PackKind, sink: CellSink, histograms: boolean) {
  const bitmap = input.raw(Math.ceil(SLOTS[kind] / 8))
  let previous = 0
  for (let slot = 0; slot < SLOTS[kind]; slot++) {
    if (!(bitmap[slot >> 3]! & (1 << (slot & 7)))) continue
    const ms = slotMs(kind, slot)
    const code = input.uint()
    const cell = sink.blank(slot)
    if (code === FULL) {
      sink.add(slot, readCellInto(cell, input, ms, histograms))
      continue
    }
    const whole = (code % 8) - 1
    if (whole >= 0 && whole < STATE_COUNT) cell.time[whole] = ms
    const status = Math.floor(code / 8)
    if (status > 0) {
      const duration = previous + unzigzag(input.uint())
      previous = duration
      cell[RUN_STATUS[status - 1]!] = 1
      cell.durSum = cell.durMax = duration
      if (histograms) cell.hist.set(bucketOf(duration), 1)
    }
    sink.add(slot, cell)
  }
}

function decodeInto(bytes: Uint8Array, kind: PackKind, histograms: boolean, sink: CellSink) {
  const input = new VarintReader(bytes)
  while (!input.done) {
    if (input.peek() === SEALED) {
      input.raw(1)
      decodeInto(inflateRawSync(input.raw(input.uint())), kind, histograms, sink)
      continue
    }
    if (input.peek() === DENSE) {
      input.raw(1)
      readDense(input, kind, sink, histograms)
      continue
    }
    const slot = input.uint()
    sink.add(slot, readCellInto(sink.blank(slot), input, slotMs(kind, slot), histograms))
  }
}

/** Reads a row, merging slots written more than once; `histograms: false` skips latency. */
export function decodePack(bytes: Uint8Array, kind: PackKind, histograms = true): Pack {
  const pack: Pack = new Map()
  decodeInto(bytes, kind, histograms, {
    blank: emptyCell,
    add(slot, cell) {
      const existing = pack.get(slot)
      if (existing) mergeCell(existing, cell)
      else pack.set(slot, cell)
    },
  })
  return pack
}

/**
 * decodePack for reads of many rows one after another (every check's rows of an hour or
 * a day, 10,000 and more every 30 s): each row is decoded into the same map and cells,
 * where decodePack makes a map and a cell with its time array and histogram map per slot,
 * about 500 bytes of garbage a cell. A pack it returns is good until its next `decode`.
 */
export class PackReader {
  readonly #kind: PackKind
  readonly #histograms: boolean
  readonly #pack: Pack = new Map()
  /** A cell per slot, and one to read a slot's repeated cells into before merging them. */
  readonly #cells: Cell[]
  readonly #spare = keptCell()
  readonly #sink: CellSink

  constructor(kind: PackKind, histograms = true) {
    this.#kind = kind
    this.#histograms = histograms
    this.#cells = Array.from({ length: SLOTS[kind] }, keptCell)
    this.#sink = {
      blank: (slot) => {
        if (this.#pack.has(slot)) return resetCell(this.#spare)
        // A slot past the row's kind (a damaged row) gets a cell of its own.
        const cell = this.#cells[slot]
        return cell ? resetCell(cell) : emptyCell()
      },
      add: (slot, cell) => {
        if (cell === this.#spare) mergeCell(this.#pack.get(slot)!, cell)
        else this.#pack.set(slot, cell)
      },
    }
  }

  /** The row's cells by slot, as decodePack gives them; reused by the next call. */
  decode(bytes: Uint8Array): Pack {
    this.#pack.clear()
    decodeInto(bytes, this.#kind, this.#histograms, this.#sink)
    return this.#pack
  }
}

/**
 * A closed row rewritten dense and deflated, for rows read rarely and kept long (days):
 * about a third smaller. Left dense when deflating does not pay.
 */
export function sealPack(bytes: Uint8Array, kind: PackKind): Buffer {
  const dense = encodePack(decodePack(bytes, kind), kind)
  const deflated = deflateRawSync(dense, { level: 9 })
  if (deflated.length + 4 >= dense.length) return dense
  return new VarintWriter()
    .raw(Uint8Array.of(SEALED))
    .uint(deflated.length)
    .raw(deflated)
    .toBuffer()
}

/** The row rewritten with one cell per slot. */
export function normalizePack(bytes: Uint8Array, kind: PackKind): Buffer {
  return encodePack(decodePack(bytes, kind), kind)
}

/** Two rows merged into one, normalized. */
export function mergePacks(a: Uint8Array, b: Uint8Array, kind: PackKind): Buffer {
  const pack = decodePack(a, kind)
  for (const [slot, cell] of decodePack(b, kind)) {
    const existing = pack.get(slot)
    if (existing) mergeCell(existing, cell)
    else pack.set(slot, cell)
  }
  return encodePack(pack, kind)
}

/** A day row reduced to its total: what is kept of a day once its hours are pruned. */
export function dayTotal(bytes: Uint8Array): Buffer {
  const total = totalOf(decodePack(bytes, 'hours'))
  return encodePack(new Map([[DAY_TOTAL_SLOT, total]]), 'hours')
}

/** Every cell of a pack merged into one. */
export function totalOf(pack: Pack): Cell {
  const total = emptyCell()
  for (const cell of pack.values()) mergeCell(total, cell)
  return total
}
