import { describe, expect, it } from 'vitest'
import { VarintReader, VarintWriter } from '../../lib/varint.ts'
import { bucketOf, bucketValue, quantile, record, type Histogram } from './latency-histogram.ts'
import { decodeCell, emptyCell, encodeCell, mergeCell, type Cell } from './rollup-cell.ts'
import {
  dayTotal,
  decodePack,
  encodeCells,
  encodePack,
  mergePacks,
  normalizePack,
  PackReader,
  sealPack,
  DAY_TOTAL_SLOT,
} from './rollup-pack.ts'

const MIN = 60_000

function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

function randomCell(random: () => number): Cell {
  const cell = emptyCell()
  const int = (max: number) => Math.floor(random() * max)
  if (random() < 0.6) cell.up = int(5)
  if (random() < 0.3) cell.down = int(3)
  if (random() < 0.2) cell.degraded = int(3)
  if (random() < 0.2) cell.inconclusive = int(3)
  if (random() < 0.1) cell.maintenance = int(3)
  for (let i = 0; i < cell.up + cell.down + cell.degraded; i++) {
    const ms = int(5_000)
    cell.durSum += ms
    cell.durMax = Math.max(cell.durMax, ms)
    record(cell.hist, ms)
  }
  if (random() < 0.5) cell.time[int(7)] = MIN
  else for (let i = 0; i < 7; i++) if (random() < 0.3) cell.time[i] = int(MIN)
  if (random() < 0.3) cell.valid = int(60)
  if (random() < 0.3) cell.bad = int(60)
  return cell
}

describe('varints', () => {
  it('round-trip every size up to the largest safe integer', () => {
    const values = [0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]
    const out = new VarintWriter()
    for (const v of values) out.uint(v)
    const input = new VarintReader(out.toBuffer())
    expect(values.map(() => input.uint())).toEqual(values)
    expect(input.done).toBe(true)
  })

  it('refuse what they cannot hold, and say where a value is cut short', () => {
    expect(() => new VarintWriter().uint(-1)).toThrow(/non-negative safe integer, got -1/)
    expect(() => new VarintWriter().uint(1.5)).toThrow(/got 1.5/)
    expect(() => new VarintReader(Uint8Array.of(0x80)).uint()).toThrow(/cut short at byte 1/)
  })
})

describe('latency histogram', () => {
  it('puts every value in a bucket whose middle is within 5 %', () => {
    for (const ms of [1, 2, 7, 99, 100, 101, 250, 799, 800, 801, 12_345, 600_000]) {
      expect(Math.abs(bucketValue(bucketOf(ms)) - ms) / ms).toBeLessThan(0.05)
    }
    expect(bucketOf(0)).toBe(0)
    expect(bucketOf(0.4)).toBe(0)
  })

  it('gives nearest-rank quantiles within 5 % of the exact ones', () => {
    const random = seeded(7)
    const values = Array.from({ length: 5_000 }, () => Math.round(20 + 2_000 * random() ** 3))
    const hist: Histogram = new Map()
    for (const v of values) record(hist, v)
    const sorted = [...values].sort((a, b) => a - b)
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!
      expect(Math.abs(quantile(hist, q)! - exact) / exact).toBeLessThan(0.05)
    }
    expect(quantile(new Map(), 0.5)).toBeNull()
    expect(quantile(hist, 1, 1_000)).toBeLessThanOrEqual(1_000)
  })
})

describe('cells', () => {
  it('round-trip, whatever they hold', () => {
    const random = seeded(42)
    for (let i = 0; i < 2_000; i++) {
      const cell = randomCell(random)
      expect(decodeCell(encodeCell(cell, MIN), MIN)).toEqual(cell)
    }
  })

  it('take four bytes for a minute with one passing run that was up all along', () => {
    const cell = emptyCell()
    cell.up = 1
    cell.durSum = cell.durMax = 212
    record(cell.hist, 212)
    cell.time[0] = MIN
    expect(encodeCell(cell, MIN).length).toBe(4)
    expect(decodeCell(encodeCell(cell, MIN), MIN)).toEqual(cell)
  })
})

describe('packs', () => {
  it('merge repeated slots when read, and normalize to one cell per slot', () => {
    const random = seeded(3)
    const a = new Map([
      [0, randomCell(random)],
      [5, randomCell(random)],
    ])
    const b = new Map([[5, randomCell(random)]])
    const appended = Buffer.concat([encodePack(a, 'minutes'), encodePack(b, 'minutes')])
    const expected = mergeCell(structuredClone(a.get(5)!), b.get(5)!)
    expect(decodePack(appended, 'minutes').get(5)).toEqual(expected)
    expect(decodePack(normalizePack(appended, 'minutes'), 'minutes')).toEqual(
      decodePack(appended, 'minutes'),
    )
    expect(
      decodePack(
        mergePacks(encodePack(a, 'minutes'), encodePack(b, 'minutes'), 'minutes'),
        'minutes',
      ).get(5),
    ).toEqual(expected)
  })

  it('rewrite an hour of single runs in two bytes a minute, and read back what they wrote', () => {
    const hour = new Map(
      Array.from({ length: 60 }, (_, m) => {
        const cell = emptyCell()
        const ms = 180 + ((m * 37) % 90)
        cell[m === 7 ? 'down' : 'up'] = 1
        cell.durSum = cell.durMax = ms
        record(cell.hist, ms)
        cell.time[m === 7 ? 3 : 0] = MIN
        return [m, cell] as const
      }),
    )
    const dense = encodePack(hour, 'minutes')
    expect(dense.length).toBeLessThanOrEqual(1 + 8 + 60 * 2 + 1)
    expect(decodePack(dense, 'minutes')).toEqual(hour)
    const random = seeded(21)
    const mixed = new Map([0, 3, 17, 59].map((slot) => [slot, randomCell(random)] as const))
    expect(decodePack(encodePack(mixed, 'minutes'), 'minutes')).toEqual(mixed)
  })

  it('read row after row into the same cells as decodePack reads each (PackReader)', () => {
    const random = seeded(33)
    const pack = (slots: number[]) =>
      new Map(slots.map((slot) => [slot, randomCell(random)] as const))
    const a = pack([0, 5, 23])
    const rows = [
      // Dense, then appended cells (slot 5 again, merged), then sealed, then a smaller row.
      encodePack(a, 'hours'),
      Buffer.concat([encodePack(a, 'hours'), encodeCells(pack([5, 7]), 'hours')]),
      sealPack(encodePack(pack([1, 2, 3, 4, 5, 6]), 'hours'), 'hours'),
      encodePack(pack([9]), 'hours'),
    ]
    for (const histograms of [true, false]) {
      const reader = new PackReader('hours', histograms)
      for (const row of rows) {
        const read = reader.decode(row)
        expect([...read.keys()]).toEqual([...decodePack(row, 'hours', histograms).keys()])
        expect(read).toEqual(decodePack(row, 'hours', histograms))
      }
    }
  })

  it('reduce a day to its total', () => {
    const random = seeded(9)
    const day = new Map(Array.from({ length: 24 }, (_, h) => [h, randomCell(random)] as const))
    const total = [...day.values()].reduce((sum, cell) => mergeCell(sum, cell), emptyCell())
    const reduced = decodePack(dayTotal(encodePack(day, 'hours')), 'hours')
    expect([...reduced.keys()]).toEqual([DAY_TOTAL_SLOT])
    expect(reduced.get(DAY_TOTAL_SLOT)).toEqual(total)
  })
})
