/**
 * The SLI's minute slice: how one minute of a check's state time becomes good, bad or
 * not counted. The one rule the state roller (closed and open minutes), the history
 * reader and the SLO loader (which rebuilds slices from rollups after a restart) share.
 *
 * A minute is **valid** with any judged time (up, degraded, partial or down) outside
 * maintenance, and **bad** when DOWN covers at least half of its judged time. Why half,
 * not "any DOWN time": an outage of the target spans clock minutes as it pleases, so a
 * 60 s outage touches two of them, and charging each minute it touches would charge it
 * twice. With the majority rule a DOWN span of L ≥ 30 s costs L / 60 bad minutes on
 * average wherever it falls (a 60 s span exactly one), so the budget and the burn rates
 * measure the outage, not its alignment. The price: DOWN spans shorter than 30 s cost
 * nothing, as any time-slice SLI forgives what is shorter than its slice's threshold;
 * check availability (time-based) and incidents still see them.
 */

/** Index of DOWN time in a state-time row (STATE_TIME_KEYS order: up, degraded, partial, down, …). */
const DOWN = 3

/** A minute slice of a check as a whole. */
export interface Slice {
  valid: boolean
  bad: boolean
}

/** Judged time: up, degraded, partial and down; not insufficient, unknown or maintenance. */
function judgedMs(time: readonly number[]): number {
  return time[0]! + time[1]! + time[2]! + time[DOWN]!
}

/**
 * The slice of a closed minute from its time per state.
 *
 * @example
 * sliceOf([20_000, 0, 0, 40_000, 0, 0, 0]) // { valid: true, bad: true }
 * sliceOf([40_000, 0, 0, 20_000, 0, 0, 0]) // { valid: true, bad: false }
 */
export function sliceOf(time: readonly number[]): Slice {
  const judged = judgedMs(time)
  return { valid: judged > 0, bad: judged > 0 && 2 * time[DOWN]! >= judged }
}

/**
 * The slice of the open minute so far, `remainingMs` before it closes: bad only once it
 * must close bad whatever the rest of it holds (DOWN already covers half of the most
 * judged time it can end with), so a burn-rate alert never fires on a minute that then
 * closes good. A minute DOWN from its start is bad after 30 s; valid as soon as it has
 * any judged time. With `remainingMs` 0 it is sliceOf.
 *
 * @example
 * openSliceOf([0, 0, 0, 20_000, 0, 0, 0], 40_000) // { valid: true, bad: false }: not yet
 * openSliceOf([0, 0, 0, 30_000, 0, 0, 0], 30_000) // { valid: true, bad: true }
 */
export function openSliceOf(time: readonly number[], remainingMs: number): Slice {
  const judged = judgedMs(time)
  return { valid: judged > 0, bad: judged > 0 && 2 * time[DOWN]! >= judged + remainingMs }
}
