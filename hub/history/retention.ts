/**
 * How long the hub keeps each kind of history, and how flags spell it. Each grain is
 * kept longer than the one below it, so a window read from rollups always has a grain
 * that covers it: raw results 7 days, minutes 30 days, hours 13 months, days for ever.
 * Incidents, their timelines and deploys are kept for ever by default: they are the
 * record a review reads, and they are small.
 */
import { parseDuration } from '../../checks/duration.ts'

const DAY = 86_400_000

export interface Retention {
  /** Raw results (recent results, samples in incident reports). */
  rawMs: number
  /** Minute rollups. */
  minuteMs: number
  /** Hour rollups; older days keep only their day total. */
  hourMs: number
  /** Day rollups; null: for ever. */
  dayMs: number | null
  /** Incidents and their timelines; null: for ever. */
  incidentMs: number | null
  /** Delivered or failed notifications and closed dispatch records. */
  notificationMs: number
}

export const DEFAULT_RETENTION: Retention = {
  rawMs: 7 * DAY,
  minuteMs: 30 * DAY,
  hourMs: 396 * DAY,
  dayMs: null,
  incidentMs: null,
  notificationMs: 30 * DAY,
}

/** The retention flags of `vantage hub`, as given (durations or `forever`). */
export interface RetentionFlags {
  retainRaw?: string
  retainMinutes?: string
  retainHours?: string
  retainDays?: string
  retainIncidents?: string
  retainNotifications?: string
}

/** Thrown for flags that do not make a retention; `errors` name each flag. */
export class RetentionError extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '))
    this.name = 'RetentionError'
  }
}

/**
 * The retention the flags ask for, defaults for the rest; every problem at once.
 *
 * @example parseRetention({ retainRaw: '3d', retainDays: 'forever' })
 */
export function parseRetention(flags: RetentionFlags): Retention {
  const errors: string[] = []
  const read = (
    flag: string,
    value: string | undefined,
    fallback: number | null,
    forever: boolean,
  ) => {
    if (value === undefined) return fallback
    if (value === 'forever') {
      if (forever) return null
      errors.push(`--${flag}: "forever" is not allowed here; give a duration such as 30d`)
      return fallback
    }
    try {
      const ms = parseDuration(value)
      if (ms < 3_600_000) {
        errors.push(`--${flag}: ${value} is shorter than the shortest retention, 1h`)
        return fallback
      }
      return ms
    } catch {
      errors.push(`--${flag}: "${value}" is not a duration (e.g. 7d, 30d, 396d) or "forever"`)
      return fallback
    }
  }
  const d = DEFAULT_RETENTION
  const retention: Retention = {
    rawMs: read('retain-raw', flags.retainRaw, d.rawMs, false)!,
    minuteMs: read('retain-minutes', flags.retainMinutes, d.minuteMs, false)!,
    hourMs: read('retain-hours', flags.retainHours, d.hourMs, false)!,
    dayMs: read('retain-days', flags.retainDays, d.dayMs, true),
    incidentMs: read('retain-incidents', flags.retainIncidents, d.incidentMs, true),
    notificationMs: read(
      'retain-notifications',
      flags.retainNotifications,
      d.notificationMs,
      false,
    )!,
  }
  const order: [string, number | null][] = [
    ['--retain-raw', retention.rawMs],
    ['--retain-minutes', retention.minuteMs],
    ['--retain-hours', retention.hourMs],
    ['--retain-days', retention.dayMs],
  ]
  for (let i = 1; i < order.length; i++) {
    const [finer, finerMs] = order[i - 1]!
    const [coarser, coarserMs] = order[i]!
    if (finerMs !== null && coarserMs !== null && coarserMs < finerMs) {
      errors.push(
        `${coarser} must be at least ${finer}: a coarser grain is kept at least as long as a finer one`,
      )
    }
  }
  if (errors.length > 0) throw new RetentionError(errors)
  return retention
}
