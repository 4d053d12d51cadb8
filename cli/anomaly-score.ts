/**
 * `vantage anomaly score`: the hub's anomaly detector (hub/anomaly/detector/) over a CSV
 * of `timestamp,value` rows, one score per row as it would have been given then, never
 * looking ahead. The output is what NAB's tools read: `timestamp,value,anomaly_score`.
 */
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import { SeriesDetector } from '../hub/anomaly/detector/series-detector.ts'

/**
 * A row's time in epoch ms: ISO 8601, `2014-04-10 07:15:00` (UTC, as NAB writes it),
 * or a number of seconds (or milliseconds, from 1e11 up). NaN when it is none of them.
 */
export function parseTimestamp(text: string): number {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed)
    return number >= 1e11 ? number : number * 1000
  }
  const plain = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(:\d\d(\.\d+)?)?)$/.exec(trimmed)
  return Date.parse(plain ? `${plain[1]}T${plain[2]}Z` : trimmed)
}

export interface ScoreOptions {
  /** Score only values above what was expected, as the hub does for latency. */
  up?: boolean
}

/**
 * Reads `timestamp,value` rows (a header line first) and writes each with its score.
 * Throws on a row it cannot read, naming its line.
 */
export async function scoreCsv(
  input: Readable,
  output: Writable,
  options: ScoreOptions = {},
): Promise<number> {
  const detector = new SeriesDetector({ direction: options.up ? 'up' : 'both' })
  let line = 0
  let rows = 0
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1
    if (line === 1 || text.trim() === '') {
      if (line === 1) output.write('timestamp,value,anomaly_score\n')
      continue
    }
    const [stamp = '', raw = ''] = text.split(',')
    const at = parseTimestamp(stamp)
    const value = Number(raw)
    if (Number.isNaN(at) || raw.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`line ${line}: expected timestamp,value, got ${JSON.stringify(text)}`)
    }
    const { score } = detector.observe(at, value)
    if (!output.write(`${stamp.trim()},${raw.trim()},${score}\n`)) await once(output, 'drain')
    rows += 1
  }
  return rows
}
