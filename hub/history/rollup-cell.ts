/**
 * One rollup cell: what a series did over one slot (a minute, an hour or a day), and its
 * compact encoding. Cells are merged by adding, so a slot can be written in pieces (runs
 * at ingest, state time when the slot closes) and read back as one.
 *
 * Encoding, chosen so that the common minute (one passing run, the whole minute up)
 * takes three to four bytes: a first mask byte (up, down, duration sum, the one state
 * that filled the whole slot, and "more follows"), an optional second mask for the rest,
 * then the values present as varints. With exactly one conclusive run, its maximum and
 * histogram are implied by the duration sum and left out.
 */
import { VarintReader, VarintWriter } from '../../lib/varint.ts'
import { STATE_TIME_KEYS } from './history-types.ts'
import {
  bucketOf,
  mergeHistogram,
  readHistogram,
  skipHistogram,
  writeHistogram,
  type Histogram,
} from './latency-histogram.ts'

/** The states a cell keeps time for, by index (STATE_TIME_KEYS). */
export const STATE_COUNT = STATE_TIME_KEYS.length
export type StateIndex = number

export interface Cell {
  up: number
  degraded: number
  down: number
  inconclusive: number
  /** Runs inside a maintenance window, whatever their status. */
  maintenance: number
  /** Sum of conclusive run durations, each rounded to the millisecond. */
  durSum: number
  durMax: number
  /** Milliseconds per state, in STATE_TIME_KEYS order. */
  time: number[]
  /** SLI minutes (check as a whole, hour and day cells): valid and bad. */
  valid: number
  bad: number
  hist: Histogram
}

export function emptyCell(): Cell {
  return {
    up: 0,
    degraded: 0,
    down: 0,
    inconclusive: 0,
    maintenance: 0,
    durSum: 0,
    durMax: 0,
    time: new Array<number>(STATE_COUNT).fill(0),
    valid: 0,
    bad: 0,
    hist: new Map(),
  }
}

/**
 * emptyCell for a cell that is kept and reused (rollup-pack.ts's PackReader), made by
 * literals of its own. V8 decides per allocation site whether to allocate its objects in
 * the old generation once most of them outlive a scavenge: a few kept cells made by
 * emptyCell's literals had every later cell of a hub's first start (millions, each
 * garbage at once) made there, a mark-compact every 200 ms and the start three times as long.
 */
export function keptCell(): Cell {
  return {
    up: 0,
    degraded: 0,
    down: 0,
    inconclusive: 0,
    maintenance: 0,
    durSum: 0,
    durMax: 0,
    time: new Array<number>(STATE_COUNT).fill(0),
    valid: 0,
    bad: 0,
    hist: new Map(),
  }
}

/** Zeroes a cell for reading another into it (rollup-pack.ts's PackReader) and returns it. */
export function resetCell(cell: Cell): Cell {
  cell.up = 0
  cell.degraded = 0
  cell.down = 0
  cell.inconclusive = 0
  cell.maintenance = 0
  cell.durSum = 0
  cell.durMax = 0
  cell.time.fill(0)
  cell.valid = 0
  cell.bad = 0
  if (cell.hist.size > 0) cell.hist.clear()
  return cell
}

/** Adds `from` into `into` (in place) and returns `into`. */
export function mergeCell(into: Cell, from: Cell): Cell {
  into.up += from.up
  into.degraded += from.degraded
  into.down += from.down
  into.inconclusive += from.inconclusive
  into.maintenance += from.maintenance
  into.durSum += from.durSum
  into.durMax = Math.max(into.durMax, from.durMax)
  for (let i = 0; i < STATE_COUNT; i++) into.time[i]! += from.time[i]!
  into.valid += from.valid
  into.bad += from.bad
  mergeHistogram(into.hist, from.hist)
  return into
}

/** Conclusive runs: the ones with a duration. */
export function conclusive(cell: Cell): number {
  return cell.up + cell.degraded + cell.down
}

// First mask.
const UP = 1
const DOWN = 2
const DUR_SUM = 4
const WHOLE_SHIFT = 3 // three bits: 0 none, else the state index + 1
const EXT = 64
// Second mask.
const DEGRADED = 1
const INCONCLUSIVE = 2
const MAINTENANCE = 4
const DUR_MAX = 8
const HIST = 16
const VALID = 32
const BAD = 64
const TIME_SHIFT = 7

/** True when one run's maximum and histogram follow from its duration alone. */
export function impliedByOneRun(cell: Cell): boolean {
  if (conclusive(cell) !== 1 || cell.durMax !== cell.durSum || cell.hist.size !== 1) return false
  return cell.hist.get(bucketOf(cell.durSum)) === 1
}

/** The state that filled the whole slot, or -1. */
export function wholeState(cell: Cell, slotMs: number): StateIndex {
  let found = -1
  for (let i = 0; i < STATE_COUNT; i++) {
    const ms = cell.time[i]!
    if (ms === 0) continue
    if (ms !== slotMs || found !== -1) return -1
    found = i
  }
  return found
}

/** Appends `cell` for a slot `slotMs` long. */
export function writeCell(out: VarintWriter, cell: Cell, slotMs: number): void {
  const whole = wholeState(cell, slotMs)
  const implied = impliedByOneRun(cell)
  let ext = 0
  if (cell.degraded) ext |= DEGRADED
  if (cell.inconclusive) ext |= INCONCLUSIVE
  if (cell.maintenance) ext |= MAINTENANCE
  if (!implied && cell.durMax) ext |= DUR_MAX
  if (!implied && cell.hist.size > 0) ext |= HIST
  if (cell.valid) ext |= VALID
  if (cell.bad) ext |= BAD
  if (whole === -1) {
    for (let i = 0; i < STATE_COUNT; i++) if (cell.time[i]) ext |= 1 << (TIME_SHIFT + i)
  }
  let mask = (whole + 1) << WHOLE_SHIFT
  if (cell.up) mask |= UP
  if (cell.down) mask |= DOWN
  if (cell.durSum) mask |= DUR_SUM
  if (ext) mask |= EXT
  out.uint(mask)
  if (ext) out.uint(ext)
  if (cell.up) out.uint(cell.up)
  if (cell.down) out.uint(cell.down)
  if (cell.durSum) out.uint(cell.durSum)
  if (ext & DEGRADED) out.uint(cell.degraded)
  if (ext & INCONCLUSIVE) out.uint(cell.inconclusive)
  if (ext & MAINTENANCE) out.uint(cell.maintenance)
  if (ext & DUR_MAX) out.uint(cell.durMax)
  if (ext & HIST) writeHistogram(out, cell.hist)
  if (ext & VALID) out.uint(cell.valid)
  if (ext & BAD) out.uint(cell.bad)
  for (let i = 0; i < STATE_COUNT; i++) {
    if (ext & (1 << (TIME_SHIFT + i))) out.uint(cell.time[i]!)
  }
}

/**
 * Reads a cell written by writeCell for a slot `slotMs` long; without `histograms` its
 * latency histogram is skipped (empty), for reads that only count.
 */
export function readCell(input: VarintReader, slotMs: number, histograms = true): Cell {
  return readCellInto(emptyCell(), input, slotMs, histograms)
}

/** readCell into `cell`, which must be empty (emptyCell, resetCell). */
export function readCellInto(
  cell: Cell,
  input: VarintReader,
  slotMs: number,
  histograms = true,
): Cell {
  const mask = input.uint()
  const ext = mask & EXT ? input.uint() : 0
  if (mask & UP) cell.up = input.uint()
  if (mask & DOWN) cell.down = input.uint()
  if (mask & DUR_SUM) cell.durSum = input.uint()
  if (ext & DEGRADED) cell.degraded = input.uint()
  if (ext & INCONCLUSIVE) cell.inconclusive = input.uint()
  if (ext & MAINTENANCE) cell.maintenance = input.uint()
  if (ext & DUR_MAX) cell.durMax = input.uint()
  if (ext & HIST) {
    if (histograms) cell.hist = readHistogram(input)
    else skipHistogram(input)
  }
  if (ext & VALID) cell.valid = input.uint()
  if (ext & BAD) cell.bad = input.uint()
  for (let i = 0; i < STATE_COUNT; i++) {
    if (ext & (1 << (TIME_SHIFT + i))) cell.time[i] = input.uint()
  }
  const whole = ((mask >> WHOLE_SHIFT) & 7) - 1
  if (whole >= 0) cell.time[whole] = slotMs
  if (conclusive(cell) === 1 && !(ext & (DUR_MAX | HIST))) {
    cell.durMax = cell.durSum
    if (histograms) cell.hist.set(bucketOf(cell.durSum), 1)
  }
  return cell
}

/** A cell on its own, e.g. for tests and sizes. */
export function encodeCell(cell: Cell, slotMs: number): Buffer {
  const out = new VarintWriter()
  writeCell(out, cell, slotMs)
  return out.toBuffer()
}

export function decodeCell(bytes: Uint8Array, slotMs: number): Cell {
  return readCell(new VarintReader(bytes), slotMs)
}
