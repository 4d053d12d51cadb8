/**
 * The NAB corpus as the scorer reads it: every data file of `data/<category>/`, its
 * rows, and its labelled anomaly windows (`labels/combined_windows.json`) as row
 * indices. The data is not in this repository: it comes from the numenta/NAB
 * repository (MIT licence), see docs/anomaly.md.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** One series: timestamps (epoch ms, UTC), values, and its windows as [first, last] row indices. */
export interface NabFile {
  /** `category/file.csv`, as the label file names it. */
  name: string
  timestamps: number[]
  values: number[]
  windows: [number, number][]
}

/** NAB writes times as `2014-04-10 07:15:00` or `2014-04-10 07:15:00.000000`, in UTC. */
export function parseNabTime(text: string): number {
  const iso = text
    .trim()
    .replace(' ', 'T')
    .replace(/\.\d+$/, '')
  const at = Date.parse(`${iso}Z`)
  if (Number.isNaN(at)) throw new Error(`not a NAB timestamp: ${JSON.stringify(text)}`)
  return at
}

/** Reads a `timestamp,value` CSV with a header row. */
export function parseNabCsv(text: string): { timestamps: number[]; values: number[] } {
  const timestamps: number[] = []
  const values: number[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '') continue
    const comma = line.indexOf(',')
    timestamps.push(parseNabTime(line.slice(0, comma)))
    values.push(Number(line.slice(comma + 1)))
  }
  return { timestamps, values }
}

/** Turns timestamp windows into row windows; a bound that is not a row is an error. */
export function windowIndices(
  name: string,
  timestamps: number[],
  windows: [string, string][],
): [number, number][] {
  const index = new Map(timestamps.map((at, i) => [at, i]))
  return windows.map(([start, end]) => {
    const first = index.get(parseNabTime(start))
    const last = index.get(parseNabTime(end))
    if (first === undefined || last === undefined) {
      throw new Error(`${name}: window ${start} – ${end} does not fall on rows of the file`)
    }
    return [first, last]
  })
}

/**
 * Loads the corpus from a NAB checkout (or the data set's copy): `data/` and
 * `labels/combined_windows.json` under `dir`. Only files the label file names are
 * loaded, in its order, as NAB's runner does.
 */
export function loadCorpus(dir: string): NabFile[] {
  const labelPath = join(dir, 'labels', 'combined_windows.json')
  if (!existsSync(labelPath)) {
    throw new Error(
      `no NAB corpus at ${dir} (expected labels/combined_windows.json and data/); ` +
        'get it from https://github.com/numenta/NAB and pass --data DIR',
    )
  }
  const labels = JSON.parse(readFileSync(labelPath, 'utf8')) as Record<string, [string, string][]>
  return Object.entries(labels).map(([name, windows]) => {
    const { timestamps, values } = parseNabCsv(readFileSync(join(dir, 'data', name), 'utf8'))
    return { name, timestamps, values, windows: windowIndices(name, timestamps, windows) }
  })
}
