import { Readable, PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { SeriesDetector } from '../hub/anomaly/detector/series-detector.ts'
import { parseTimestamp, scoreCsv } from './anomaly-score.ts'

async function score(csv: string, up = false): Promise<string[]> {
  const output = new PassThrough()
  const chunks: string[] = []
  output.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
  await scoreCsv(Readable.from([csv]), output, { up })
  return chunks.join('').trimEnd().split('\n')
}

describe('vantage anomaly score', () => {
  it('reads the timestamps NAB and others write', () => {
    const at = Date.UTC(2014, 3, 10, 7, 15)
    expect(parseTimestamp('2014-04-10 07:15:00')).toBe(at)
    expect(parseTimestamp('2014-04-10T07:15:00Z')).toBe(at)
    expect(parseTimestamp(String(at / 1000))).toBe(at)
    expect(parseTimestamp(String(at))).toBe(at)
    expect(parseTimestamp('yesterday')).toBeNaN()
  })

  it('writes every row with the score the hub’s detector gives it', async () => {
    const values = Array.from({ length: 300 }, (_, i) => (i === 250 ? 900 : 100 + (i % 5)))
    const rows = values.map(
      (v, i) =>
        `2026-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${v}`,
    )
    const lines = await score(['timestamp,value', ...rows].join('\n'))
    expect(lines[0]).toBe('timestamp,value,anomaly_score')
    expect(lines).toHaveLength(301)
    const detector = new SeriesDetector()
    const expected = values.map(
      (v, i) => detector.observe(parseTimestamp(rows[i]!.split(',')[0]!), v).score,
    )
    expect(lines.slice(1).map((line) => Number(line.split(',')[2]))).toEqual(expected)
    expect(lines[251]).toMatch(/^2026-01-01 04:10:00,900,0\.[6-9]/)
  })

  it('names the line it cannot read', async () => {
    await expect(score('timestamp,value\n2026-01-01 00:00:00,1\nnot a row\n')).rejects.toThrow(
      'line 3: expected timestamp,value, got "not a row"',
    )
  })
})
