/**
 * What perfect accounting predicts for the SLO benchmark's periodic worlds: one bad
 * minute every `every` minutes, each costing exactly one bad SLI minute, after a history
 * of good minutes. The bench prints it next to what the real engine did, so a goal is
 * judged against the arithmetic of the burn-rate pairs, not against a hope.
 */
import {
  BURN_RATE_PAIRS,
  DEFAULT_MIN_BAD_MINUTES,
  type AlertSeverity,
  type BurnRatePair,
} from '../../../checks/slo.ts'

const MIN = 60_000

/** When a pair of `severity` first fires, counted from the first bad minute. */
export interface Prediction {
  pair: BurnRatePair
  /** Bad minutes its long window needs. */
  needed: number
  /** Minutes from the first bad minute to the one that fires it. */
  afterFirstMin: number
}

/** Bad minutes a window of `ms` needs to burn at `rate` (as checks/slo.ts badMinutesToPage counts). */
function needed(rate: number, budget: number, ms: number, atLeast: number): number {
  return Math.max(atLeast, Math.ceil(rate * budget * (ms / MIN) - 1e-9))
}

/**
 * The first pair of `severity` to fire, or null when none ever can: a window fires once
 * it holds the bad minutes it needs, so `needed` of them, `every` minutes apart, must fit.
 * A paging pair's long window needs at least `minBadMinutes` (the SLO's alerts option).
 *
 * @example predictPeriodic(99.9, 200, 'ticket') // 1d/2h, 5 bad minutes, 800 min after the first
 */
export function predictPeriodic(
  target: number,
  every: number,
  severity: AlertSeverity,
  minBadMinutes = DEFAULT_MIN_BAD_MINUTES,
): Prediction | null {
  const budget = 1 - target / 100
  let best: Prediction | null = null
  for (const pair of BURN_RATE_PAIRS) {
    if (pair.severity !== severity) continue
    const long = needed(pair.burnRate, budget, pair.longMs, severity === 'page' ? minBadMinutes : 1)
    const short = needed(pair.burnRate, budget, pair.shortMs, 1)
    const fits = (count: number, ms: number) => (count - 1) * every < ms / MIN
    if (!fits(long, pair.longMs) || !fits(short, pair.shortMs)) continue
    const afterFirstMin = (Math.max(long, short) - 1) * every
    if (!best || afterFirstMin < best.afterFirstMin) best = { pair, needed: long, afterFirstMin }
  }
  return best
}

/** The burn rate of `bad` minutes over a window of `ms`, at `target`. */
export function burnOf(bad: number, ms: number, target: number): number {
  return bad / (ms / MIN) / (1 - target / 100)
}
