/**
 * The minute slices of each check, in memory, for SLOs: the last three days minute by
 * minute (what burn-rate windows read) and the last 90 days hour by hour (what error
 * budgets read), with running sums per window kept as minutes close, so evaluating ten
 * thousand SLOs every 30 seconds costs a few additions each.
 *
 * A series is one check (its quorum verdict), or one check judged by a latency bound.
 * The open minute is not in here: the evaluator adds it from the state roller.
 */
const MIN = 60_000
const HOUR = 60 * MIN

/** Minutes kept one by one: the longest burn-rate window (3 days) and the open hour. */
export const MINUTES_KEPT = 3 * 24 * 60 + 60
/** Hours kept: the longest objective window (90 days) and one more. */
export const HOURS_KEPT = 90 * 24 + 1

/**
 * Burn-rate windows, in minutes, that sums are kept for: each counts the open minute
 * (added by the evaluator) and the W − 1 closed minutes before it, so a bad minute
 * leaves a W-minute window W minutes after it began.
 */
export const SHORT_WINDOWS = [5, 30, 60, 120, 360, 1_440, 4_320] as const
/** Objective windows, in hours. */
export const LONG_WINDOWS = [7 * 24, 28 * 24, 30 * 24, 90 * 24] as const

const VALID = 1
const BAD = 2

export interface Sums {
  valid: number
  bad: number
}

/**
 * One series' slices and running sums. The rings are written in order, every minute and
 * hour of a gap with zeros, so a slot holds the minute (hour) its index says, or zeros
 * for one never seen: no stamp is needed, and a series costs about 13 KiB.
 */
class Series {
  readonly flags = new Uint8Array(MINUTES_KEPT)
  readonly hourValid = new Uint16Array(HOURS_KEPT)
  readonly hourBad = new Uint16Array(HOURS_KEPT)
  /** Per SHORT_WINDOWS entry: valid, bad over its W − 1 closed minutes ending at `lastMinute`. */
  readonly short = SHORT_WINDOWS.map(() => ({ valid: 0, bad: 0 }))
  /** Per LONG_WINDOWS entry: over the closed hours before `hour`. */
  readonly long = LONG_WINDOWS.map(() => ({ valid: 0, bad: 0 }))
  /** The open hour's closed minutes. */
  readonly hourSoFar = { valid: 0, bad: 0 }
  /** The newest closed minute (minute number), or -1. */
  lastMinute = -1
  /** The hour (hour number) that `hourSoFar` counts, or -1. */
  hour = -1
}

/**
 * @example
 * const ledger = new SloLedger()
 * ledger.add('api', minuteStart, { valid: true, bad: false })
 * ledger.minutes('api', 60, now) // { valid: 60, bad: 0 } over the last hour's closed minutes
 */
export class SloLedger {
  readonly #series = new Map<string, Series>()

  has(key: string): boolean {
    return this.#series.has(key)
  }

  keys(): IterableIterator<string> {
    return this.#series.keys()
  }

  delete(key: string): void {
    this.#series.delete(key)
  }

  /**
   * Records a closed minute. Minutes come in order; one older than the newest recorded is
   * ignored (it was loaded already), and a gap counts as minutes without a verdict.
   */
  add(key: string, minuteStart: number, slice: { valid: boolean; bad: boolean }): void {
    const series = this.#get(key)
    const minute = Math.floor(minuteStart / MIN)
    if (minute <= series.lastMinute) return
    this.#advanceTo(series, minute - 1)
    this.#put(series, minute, (slice.valid ? VALID : 0) | (slice.bad && slice.valid ? BAD : 0))
  }

  /**
   * Loads a whole past hour at once (from hour rollups, when the hub starts), older than
   * every minute this series holds.
   */
  addHour(key: string, hourStart: number, sums: Sums): void {
    const series = this.#get(key)
    const hour = Math.floor(hourStart / HOUR)
    if (series.lastMinute >= 0 && hour >= Math.floor((series.lastMinute * MIN) / HOUR)) return
    const i = hour % HOURS_KEPT
    series.hourValid[i] = Math.min(sums.valid, 0xffff)
    series.hourBad[i] = Math.min(sums.bad, 0xffff)
  }

  /** Recomputes the running sums after loading, as of the minute before `now`. */
  settle(key: string, now: number): void {
    const series = this.#series.get(key)
    if (!series) return
    const current = Math.floor(now / MIN) - 1
    if (series.lastMinute < current) this.#advanceTo(series, current)
    this.#recount(series)
  }

  /**
   * Valid and bad slices over the `minutes` − 1 closed minutes before `now`'s minute
   * (`minutes` one of SHORT_WINDOWS): with the open minute, a window `minutes` long.
   */
  minutes(key: string, minutes: number, now: number): Sums {
    const series = this.#series.get(key)
    if (!series) return { valid: 0, bad: 0 }
    this.#advanceTo(series, Math.floor(now / MIN) - 1)
    const index = SHORT_WINDOWS.indexOf(minutes as (typeof SHORT_WINDOWS)[number])
    if (index === -1) throw new RangeError(`no running sum for a ${minutes}-minute window`)
    return { ...series.short[index]! }
  }

  /**
   * Valid and bad slices over the `hours` closed hours before `now`'s hour plus the
   * closed minutes of `now`'s hour (`hours` one of LONG_WINDOWS).
   */
  hours(key: string, hours: number, now: number): Sums {
    const series = this.#series.get(key)
    if (!series) return { valid: 0, bad: 0 }
    this.#advanceTo(series, Math.floor(now / MIN) - 1)
    const openHour = Math.floor(now / HOUR)
    if (openHour > series.hour) {
      this.#closeHours(series, openHour)
      series.hour = openHour
    }
    const index = LONG_WINDOWS.indexOf(hours as (typeof LONG_WINDOWS)[number])
    if (index === -1) throw new RangeError(`no running sum for a ${hours}-hour window`)
    const long = series.long[index]!
    return { valid: long.valid + series.hourSoFar.valid, bad: long.bad + series.hourSoFar.bad }
  }

  /** Per closed minute in [from, to): valid and bad, for reports (at most MINUTES_KEPT back). */
  slices(
    key: string,
    from: number,
    to: number,
  ): { minute: number; valid: boolean; bad: boolean }[] {
    const series = this.#series.get(key)
    if (!series) return []
    const out: { minute: number; valid: boolean; bad: boolean }[] = []
    const oldest = series.lastMinute - MINUTES_KEPT + 1
    for (
      let m = Math.max(Math.ceil(from / MIN), oldest);
      m * MIN < to && m <= series.lastMinute;
      m++
    ) {
      const i = m % MINUTES_KEPT
      const f = series.flags[i]!
      out.push({ minute: m * MIN, valid: (f & VALID) !== 0, bad: (f & BAD) !== 0 })
    }
    return out
  }

  #get(key: string): Series {
    let series = this.#series.get(key)
    if (!series) {
      series = new Series()
      this.#series.set(key, series)
    }
    return series
  }

  /** Closes minutes without a verdict up to `minute` (capped: a long gap just clears). */
  #advanceTo(series: Series, minute: number): void {
    if (series.lastMinute < 0) {
      // Nothing before: the next minute starts the open hour.
      series.lastMinute = minute
      series.hour = Math.floor(((minute + 1) * MIN) / HOUR)
      return
    }
    const gap = minute - series.lastMinute
    if (gap <= 0) return
    if (gap > MINUTES_KEPT) {
      // Further than any window reaches: start over from there.
      series.lastMinute = minute - MINUTES_KEPT
      series.hour = Math.floor((series.lastMinute * MIN) / HOUR)
      this.#recount(series)
    }
    for (let m = series.lastMinute + 1; m <= minute; m++) this.#put(series, m, 0)
  }

  #put(series: Series, minute: number, flags: number): void {
    const hour = Math.floor((minute * MIN) / HOUR)
    if (hour !== series.hour && series.hour >= 0) this.#closeHours(series, hour)
    series.hour = hour
    const i = minute % MINUTES_KEPT
    series.flags[i] = flags
    series.lastMinute = minute
    const valid = flags & VALID ? 1 : 0
    const bad = flags & BAD ? 1 : 0
    series.hourSoFar.valid += valid
    series.hourSoFar.bad += bad
    SHORT_WINDOWS.forEach((length, w) => {
      const sums = series.short[w]!
      sums.valid += valid
      sums.bad += bad
      const leaving = minute - (length - 1)
      const j = ((leaving % MINUTES_KEPT) + MINUTES_KEPT) % MINUTES_KEPT
      if (leaving >= 0) {
        const f = series.flags[j]!
        sums.valid -= f & VALID ? 1 : 0
        sums.bad -= f & BAD ? 1 : 0
      }
    })
  }

  /** Moves the open hour into the hour ring and the long sums, up to `nextHour`. */
  #closeHours(series: Series, nextHour: number): void {
    for (let h = series.hour; h < nextHour; h++) {
      const i = h % HOURS_KEPT
      const closing = h === series.hour ? series.hourSoFar : { valid: 0, bad: 0 }
      series.hourValid[i] = Math.min(closing.valid, 0xffff)
      series.hourBad[i] = Math.min(closing.bad, 0xffff)
      LONG_WINDOWS.forEach((length, w) => {
        const sums = series.long[w]!
        sums.valid += closing.valid
        sums.bad += closing.bad
        const leaving = h - length
        const j = ((leaving % HOURS_KEPT) + HOURS_KEPT) % HOURS_KEPT
        if (leaving >= 0) {
          sums.valid -= series.hourValid[j]!
          sums.bad -= series.hourBad[j]!
        }
      })
      series.hourSoFar.valid = 0
      series.hourSoFar.bad = 0
      if (nextHour - h > HOURS_KEPT) break
    }
  }

  /** Running sums from scratch, after loading. */
  #recount(series: Series): void {
    const last = series.lastMinute
    SHORT_WINDOWS.forEach((length, w) => {
      const sums = { valid: 0, bad: 0 }
      for (let m = last - length + 2; m <= last; m++) {
        const i = ((m % MINUTES_KEPT) + MINUTES_KEPT) % MINUTES_KEPT
        if (m < 0) continue
        sums.valid += series.flags[i]! & VALID ? 1 : 0
        sums.bad += series.flags[i]! & BAD ? 1 : 0
      }
      series.short[w] = sums
    })
    const hour = series.hour
    series.hourSoFar.valid = 0
    series.hourSoFar.bad = 0
    for (let m = hour * 60; m <= last; m++) {
      const i = m % MINUTES_KEPT
      series.hourSoFar.valid += series.flags[i]! & VALID ? 1 : 0
      series.hourSoFar.bad += series.flags[i]! & BAD ? 1 : 0
    }
    LONG_WINDOWS.forEach((length, w) => {
      const sums = { valid: 0, bad: 0 }
      for (let h = hour - length; h < hour; h++) {
        const i = ((h % HOURS_KEPT) + HOURS_KEPT) % HOURS_KEPT
        if (h < 0) continue
        sums.valid += series.hourValid[i]!
        sums.bad += series.hourBad[i]!
      }
      series.long[w] = sums
    })
  }
}
