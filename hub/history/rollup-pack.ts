/**
 * A pack: the cells of one stored rollup row, keyed by slot. An hour row packs its
 * minutes (slots 0-59); a day row packs its hours (slots 0-23) and, once hour retention
 * has passed, only the day's total (slot 24). Packing keeps a check-region's 30 days of
 * minutes in 720 rows of a few hundred bytes instead of 43,200 rows.
 *
 * A row may hold a slot more than once: ingest appends a run's cell without reading
 * the row (cheap on the hot path), and the row is rewritten with one cell per slot
 * (`normalizePack`) when its slots close. Readers merge repeated slots.
 */
import { VarintReader, VarintWriter } from '../../lib/varint.ts'
import { emptyCell, mergeCell, readCell, writeCell, type Cell } from './rollup-cell.ts'

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

/** Writes cells in slot order. */
export function encodePack(pack: Pack, kind: PackKind): Buffer {
  const out = new VarintWriter()
  for (const slot of [...pack.keys()].sort((a, b) => a - b)) {
    out.uint(slot)
    writeCell(out, pack.get(slot)!, slotMs(kind, slot))
  }
  return out.toBuffer()
}

/** Reads a row, merging slots written more than once. */
export function decodePack(bytes: Uint8Array, kind: PackKind): Pack {
  const pack: Pack = new Map()
  const input = new VarintReader(bytes)
  while (!input.done) {
    const slot = input.uint()
    const cell = readCell(input, slotMs(kind, slot))
    const existing = pack.get(slot)
    if (existing) mergeCell(existing, cell)
    else pack.set(slot, cell)
  }
  return pack
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
