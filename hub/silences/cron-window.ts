/**
 * Recurring windows from a five-field cron expression and a duration, in UTC: a
 * window opens at every time the expression fires and stays open for the duration.
 * Maintenance windows and silences use it (`'0 2 * * 0'` + `1h`: Sundays 02:00-03:00).
 *
 * Syntax: minute hour day-of-month month day-of-week, each `*`, a number, a range
 * `1-5`, a step `*\/15` or `1-30/5`, or a comma list of those. Months and weekdays
 * also take names (`jan`, `sun`); weekday 0 and 7 are both Sunday. Days follow Vixie
 * cron: when both day fields are restricted a day matching either one fires, and a
 * field that starts with `*` (also `*\/2`) counts as unrestricted.
 *
 * The ingest asks "is this result inside a window?" for every stored result, so a
 * parsed expression is kept per text, and each (expression, duration) remembers the
 * span of time its last answer holds for: results arrive in time order, and most
 * answers come from that memo without walking the calendar.
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/**
 * How far `nextStart` looks ahead: the rarest expression that fires at all is a
 * 29 February, which recurs within eight years (2096 to 2104 skips 2100).
 */
const LOOKAHEAD_MS = 8 * 366 * DAY_MS

/** Parsed expressions kept; an expression is a handful of small sets. */
const MAX_PARSED = 1_000

/** One field's allowed values as a lookup table, plus whether it was written as `*...`. */
interface Field {
  allowed: boolean[]
  star: boolean
}

/** A parsed cron expression; make one with `parseCron`. */
export interface CronSchedule {
  readonly source: string
  readonly minutes: Field
  readonly hours: Field
  readonly days: Field
  readonly months: Field
  readonly weekdays: Field
}

/** A bad cron expression; the message names the field and what is wrong with it. */
export class CronError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CronError'
  }
}

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: string[]
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  // 7 is Sunday too; folded into 0 after parsing.
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
]

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1
  if (named >= 0) return spec.name === 'month' ? named + 1 : named
  if (!/^\d+$/.test(text)) {
    throw new CronError(`${spec.name} field "${text}" is not a number`)
  }
  const value = Number(text)
  if (value < spec.min || value > spec.max) {
    throw new CronError(`${spec.name} field "${text}" is out of range ${spec.min}-${spec.max}`)
  }
  return value
}

function parseField(text: string, spec: FieldSpec): Field {
  const allowed = new Array<boolean>(spec.max + 1).fill(false)
  for (const part of text.split(',')) {
    const match = /^([^/]+)(?:\/(.*))?$/.exec(part)
    if (!match) throw new CronError(`${spec.name} field "${part}" is not a number, range or step`)
    const [, range, stepText] = match
    let step = 1
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new CronError(
          `${spec.name} field "${part}" has step "${stepText}"; use a whole number from 1`,
        )
      }
      step = Number(stepText)
    }
    let low: number
    let high: number
    if (range === '*') {
      low = spec.min
      high = spec.max
    } else {
      const bounds = range!.split('-')
      if (bounds.length > 2 || bounds.some((bound) => bound === '')) {
        throw new CronError(`${spec.name} field "${part}" is not a number, range or step`)
      }
      low = parseValue(bounds[0]!, spec)
      // `5/15` means from 5 to the end, stepping 15, as in Vixie cron.
      high = bounds[1] !== undefined ? parseValue(bounds[1], spec) : stepText ? spec.max : low
      if (high < low) {
        throw new CronError(
          `${spec.name} field "${part}" runs backwards; write the lower bound first`,
        )
      }
    }
    for (let value = low; value <= high; value += step) allowed[value] = true
  }
  return { allowed, star: text.startsWith('*') }
}

/**
 * Parses a five-field UTC cron expression.
 * @example parseCron('*\/15 9-17 * * mon-fri')
 * @throws CronError naming the field, e.g. `minute field "61" is out of range 0-59`
 */
export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 5 || parts[0] === '') {
    throw new CronError(
      `"${expression}" has ${parts[0] === '' ? 0 : parts.length} fields; cron needs five: minute hour day-of-month month day-of-week`,
    )
  }
  const [minutes, hours, days, months, weekdays] = parts.map((part, index) =>
    parseField(part, FIELDS[index]!),
  ) as [Field, Field, Field, Field, Field]
  if (weekdays.allowed[7]) weekdays.allowed[0] = true
  const schedule = { source: expression, minutes, hours, days, months, weekdays }
  if (nextFire(schedule, -1) === null) {
    throw new CronError(`"${expression}" never fires: no month has that day`)
  }
  return schedule
}

/** The problem with a cron expression, or undefined when it is valid. For validation messages. */
export function cronProblem(expression: string): string | undefined {
  try {
    scheduleOf(expression)
    return undefined
  } catch (error) {
    if (error instanceof CronError) return error.message
    throw error
  }
}

const parsed = new Map<string, CronSchedule>()

/** The parsed form of `expression`, parsed once. */
function scheduleOf(cron: string | CronSchedule): CronSchedule {
  if (typeof cron !== 'string') return cron
  let schedule = parsed.get(cron)
  if (!schedule) {
    schedule = parseCron(cron)
    if (parsed.size >= MAX_PARSED) parsed.clear()
    parsed.set(cron, schedule)
  }
  return schedule
}

function dayMatches(schedule: CronSchedule, date: Date): boolean {
  const { days, weekdays } = schedule
  const dayOk = days.allowed[date.getUTCDate()]!
  const weekdayOk = weekdays.allowed[date.getUTCDay()]!
  if (days.star || weekdays.star) return dayOk && weekdayOk
  return dayOk || weekdayOk
}

/**
 * The first fire time strictly after `after`, or null when there is none before `limit`.
 * Skips whole months, days and hours that cannot match, so a search costs a few
 * hundred steps at most.
 */
function nextFire(
  schedule: CronSchedule,
  after: number,
  limit = after + LOOKAHEAD_MS,
): number | null {
  let t = (Math.floor(after / MINUTE_MS) + 1) * MINUTE_MS
  while (t <= limit) {
    const date = new Date(t)
    if (!schedule.months.allowed[date.getUTCMonth() + 1]) {
      t = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    } else if (!dayMatches(schedule, date)) {
      t = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1)
    } else if (!schedule.hours.allowed[date.getUTCHours()]) {
      t = Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS
    } else if (!schedule.minutes.allowed[date.getUTCMinutes()]) {
      t += MINUTE_MS
    } else {
      return t
    }
  }
  return null
}

/** The last fire time at or before `atOrBefore`, or null when there is none since `notBefore`. */
function previousFire(
  schedule: CronSchedule,
  atOrBefore: number,
  notBefore: number,
): number | null {
  let t = Math.floor(atOrBefore / MINUTE_MS) * MINUTE_MS
  while (t >= notBefore) {
    const date = new Date(t)
    if (!schedule.months.allowed[date.getUTCMonth() + 1]) {
      t = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1) - MINUTE_MS
    } else if (!dayMatches(schedule, date)) {
      t = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - MINUTE_MS
    } else if (!schedule.hours.allowed[date.getUTCHours()]) {
      t = Math.floor(t / HOUR_MS) * HOUR_MS - MINUTE_MS
    } else if (!schedule.minutes.allowed[date.getUTCMinutes()]) {
      t -= MINUTE_MS
    } else {
      return t
    }
  }
  return null
}

/** A window `[start, end)` in epoch ms. */
export interface CronWindow {
  start: number
  end: number
}

/**
 * The first time after `after` (strictly) that `cron` fires, or null when it never does.
 * @example nextStart('0 2 * * 0', Date.UTC(2026, 0, 1)) // Sunday 4 January 2026, 02:00 UTC
 */
export function nextStart(cron: string | CronSchedule, after: number): number | null {
  return nextFire(scheduleOf(cron), after)
}

/** What an (expression, duration) last answered, and the span of time that answer holds for. */
interface Memo {
  from: number
  to: number
  window: CronWindow | null
}

const memos = new Map<string, Memo>()

/**
 * The window that covers instant `t`: the latest fire time `f` with `f <= t < f + durationMs`,
 * as `{ start: f, end: f + durationMs }`; null when `t` is outside every window. Windows
 * longer than the gap between fire times overlap; the latest one is returned.
 * @example currentWindow('0 2 * * 0', HOUR, Date.UTC(2026, 0, 4, 2, 30)) // { start: 02:00, end: 03:00 }
 * @throws CronError for a bad expression
 */
export function currentWindow(
  cron: string | CronSchedule,
  durationMs: number,
  t: number,
): CronWindow | null {
  if (!(durationMs > 0)) return null
  const schedule = scheduleOf(cron)
  const key = `${schedule.source}\u0000${durationMs}`
  const memo = memos.get(key)
  if (memo && t >= memo.from && t < memo.to) return memo.window
  const fresh = computeWindow(schedule, durationMs, t)
  if (memos.size >= MAX_PARSED) memos.clear()
  memos.set(key, fresh)
  return fresh.window
}

function computeWindow(schedule: CronSchedule, durationMs: number, t: number): Memo {
  const start = previousFire(schedule, t, t - durationMs + 1)
  const next = nextFire(schedule, t) ?? Infinity
  if (start !== null && t < start + durationMs) {
    const window = { start, end: start + durationMs }
    return { from: t, to: Math.min(window.end, next), window }
  }
  return { from: t, to: next, window: null }
}

/**
 * True when some window of `cron` + `durationMs` covers `t`.
 * @example covers('0 2 * * 0', 3_600_000, Date.UTC(2026, 0, 4, 2, 59)) // true
 */
export function covers(cron: string | CronSchedule, durationMs: number, t: number): boolean {
  return currentWindow(cron, durationMs, t) !== null
}

/**
 * Every window of `cron` + `durationMs` that overlaps `[from, to)`, clipped to it,
 * overlapping ones merged, oldest first. For availability over a past span.
 */
export function windowsBetween(
  cron: string | CronSchedule,
  durationMs: number,
  from: number,
  to: number,
): CronWindow[] {
  if (!(durationMs > 0) || to <= from) return []
  const schedule = scheduleOf(cron)
  const windows: CronWindow[] = []
  let fire = previousFire(schedule, from, from - durationMs + 1) ?? nextFire(schedule, from, to)
  while (fire !== null && fire < to) {
    const window = { start: Math.max(fire, from), end: Math.min(fire + durationMs, to) }
    const last = windows.at(-1)
    if (last && window.start <= last.end) last.end = Math.max(last.end, window.end)
    else if (window.end > window.start) windows.push(window)
    fire = nextFire(schedule, fire, to)
  }
  return windows
}
