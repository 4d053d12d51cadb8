/**
 * Nagios plugin output (Nagios Plugin API, "Plugin Output"): the first line is the
 * status text, optionally followed by `|` and performance data; later lines are long
 * text, and from the first later line with a `|` on, the rest is performance data.
 * Performance data is `'label'=value[UOM];[warn];[crit];[min];[max]`, space separated;
 * a label with spaces is quoted, and a quote inside it is doubled.
 */

export interface PerfDatum {
  label: string
  value: number
  /** The unit of measure as the plugin wrote it: s, ms, us, %, B, KB, MB, GB, TB, c or none. */
  uom: string
  warn?: string
  crit?: string
  min?: number
  max?: number
}

export interface PluginOutput {
  /** The first line without performance data, trimmed. */
  message: string
  longText: string[]
  perfdata: PerfDatum[]
}

const NUMBER = /^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)([^\d;]*)$/

/** Some plugins print a decimal comma under a non-English locale. */
function toNumber(text: string): number | undefined {
  if (text === '') return undefined
  const value = Number(text.includes('.') ? text : text.replace(',', '.'))
  return Number.isFinite(value) ? value : undefined
}

/** Splits performance data into `label=value...` items, honouring quoted labels. */
function items(text: string): Array<{ label: string; rest: string }> {
  const found: Array<{ label: string; rest: string }> = []
  let i = 0
  while (i < text.length) {
    while (text[i] === ' ' || text[i] === '\t') i += 1
    if (i >= text.length) break
    let label = ''
    if (text[i] === "'") {
      i += 1
      while (i < text.length) {
        if (text[i] === "'" && text[i + 1] === "'") {
          label += "'"
          i += 2
        } else if (text[i] === "'") {
          i += 1
          break
        } else {
          label += text[i]
          i += 1
        }
      }
    } else {
      while (i < text.length && text[i] !== '=' && text[i] !== ' ') label += text[i++]
    }
    if (text[i] !== '=') {
      // Not performance data after all: skip to the next space.
      while (i < text.length && text[i] !== ' ') i += 1
      continue
    }
    i += 1
    let rest = ''
    while (i < text.length && text[i] !== ' ' && text[i] !== '\t') rest += text[i++]
    found.push({ label, rest })
  }
  return found
}

/**
 * Parses performance data; items it cannot read (a value of `U`, garbage) are skipped.
 * @example parsePerfdata("'free space'=12.5GB;5;2;0;100 load1=0.42")
 * // [{ label: 'free space', value: 12.5, uom: 'GB', warn: '5', crit: '2', min: 0, max: 100 },
 * //  { label: 'load1', value: 0.42, uom: '' }]
 */
export function parsePerfdata(text: string): PerfDatum[] {
  const data: PerfDatum[] = []
  for (const { label, rest } of items(text)) {
    const [first = '', warn, crit, min, max] = rest.split(';')
    const match = NUMBER.exec(first.replace(/^([-+]?\d+),(\d)/, '$1.$2'))
    const value = match ? toNumber(match[1]!) : undefined
    if (!label || value === undefined) continue
    const datum: PerfDatum = { label, value, uom: match![2]! }
    if (warn) datum.warn = warn
    if (crit) datum.crit = crit
    const minValue = toNumber(min ?? '')
    const maxValue = toNumber(max ?? '')
    if (minValue !== undefined) datum.min = minValue
    if (maxValue !== undefined) datum.max = maxValue
    data.push(datum)
  }
  return data
}

/** Splits a plugin's standard output into message, long text and performance data. */
export function parsePluginOutput(stdout: string): PluginOutput {
  const lines = stdout.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n')
  const [first = '', ...rest] = lines
  const bar = first.indexOf('|')
  const message = (bar < 0 ? first : first.slice(0, bar)).trim()
  const perf: string[] = bar < 0 ? [] : [first.slice(bar + 1)]
  const longText: string[] = []
  let inPerf = false
  for (const line of rest) {
    if (inPerf) {
      perf.push(line)
      continue
    }
    const at = line.indexOf('|')
    if (at < 0) {
      longText.push(line)
      continue
    }
    longText.push(line.slice(0, at))
    perf.push(line.slice(at + 1))
    inPerf = true
  }
  return { message, longText, perfdata: parsePerfdata(perf.join(' ')) }
}

/** Multipliers to a base unit: times to milliseconds, sizes to bytes (1024-based, as the plugins count). */
const UNITS: Record<string, { factor: number; unit: string }> = {
  us: { factor: 0.001, unit: 'ms' },
  ms: { factor: 1, unit: 'ms' },
  s: { factor: 1_000, unit: 'ms' },
  B: { factor: 1, unit: 'B' },
  KB: { factor: 1024, unit: 'B' },
  MB: { factor: 1024 ** 2, unit: 'B' },
  GB: { factor: 1024 ** 3, unit: 'B' },
  TB: { factor: 1024 ** 4, unit: 'B' },
}

/**
 * A datum's value in a base unit: times in ms, sizes in bytes. Percentages, counters
 * (`c`), plain numbers and units it does not know keep the value as given.
 * @example normalize({ label: 'time', value: 0.25, uom: 's' }) // { value: 250, unit: 'ms' }
 */
export function normalize(datum: Pick<PerfDatum, 'value' | 'uom'>): {
  value: number
  unit: string
} {
  const known = UNITS[datum.uom]
  if (!known) return { value: datum.value, unit: datum.uom }
  return { value: datum.value * known.factor, unit: known.unit }
}
