/**
 * The arithmetic of SLOs, pure: burn rates, multiwindow alert rules and error budgets,
 * all over slices summed first (a ratio of sums, never an average of ratios).
 */
import { BURN_RATE_PAIRS, type BurnRatePair } from '../../checks/slo.ts'

export interface Sums {
  valid: number
  bad: number
}

/** 1 − target: the share of slices the objective allows to be bad. */
export function errorRate(target: number): number {
  return 1 - target / 100
}

/**
 * How fast a window spends the budget: its bad share over the allowed share. 1 spends
 * the budget exactly over the objective's window; 0 with no valid slice.
 *
 * @example burnRate({ valid: 60, bad: 1 }, 99.9) // 16.67
 */
export function burnRate(sums: Sums, target: number): number {
  if (sums.valid === 0) return 0
  return sums.bad / sums.valid / errorRate(target)
}

/** Adds sums (the slices of several checks, or windows). */
export function addSums(...all: Sums[]): Sums {
  return all.reduce((acc, s) => ({ valid: acc.valid + s.valid, bad: acc.bad + s.bad }), {
    valid: 0,
    bad: 0,
  })
}

/** One burn-rate rule judged now. */
export interface PairState {
  pair: BurnRatePair
  long: Sums & { burnRate: number }
  short: Sums & { burnRate: number }
  firing: boolean
}

/**
 * Judges every rule: a pair fires while both of its windows burn at least its rate, and a
 * paging pair only once its long window holds `minBadMinutes` bad slices (a single bad
 * minute is already a page-worthy burn at high targets; see checks/slo.ts).
 *
 * @example judgePairs((ms) => sumsOver(ms), 99.9).filter((p) => p.firing)
 */
export function judgePairs(
  sumsOver: (ms: number) => Sums,
  target: number,
  minBadMinutes = 1,
  pairs: readonly BurnRatePair[] = BURN_RATE_PAIRS,
): PairState[] {
  return pairs.map((pair) => {
    const long = sumsOver(pair.longMs)
    const short = sumsOver(pair.shortMs)
    const longRate = burnRate(long, target)
    const shortRate = burnRate(short, target)
    return {
      pair,
      long: { ...long, burnRate: longRate },
      short: { ...short, burnRate: shortRate },
      firing:
        long.bad >= (pair.severity === 'page' ? Math.max(1, minBadMinutes) : 1) &&
        longRate >= pair.burnRate &&
        shortRate >= pair.burnRate,
    }
  })
}

/** The error budget of an objective over its window. */
export interface ErrorBudget {
  target: number
  validMinutes: number
  badMinutes: number
  /** Bad minutes the target allows over the valid ones: errorRate × valid. */
  allowedMinutes: number
  /** allowed − bad; negative once overspent. */
  remainingMinutes: number
  /** remaining / allowed: 1 untouched, 0 spent, negative overspent. */
  remainingShare: number
  /** bad / allowed. */
  consumedShare: number
}

/**
 * @example errorBudget({ valid: 43_200, bad: 20 }, 99.9) // 43.2 allowed, 23.2 left (53.7 %)
 */
export function errorBudget(sums: Sums, target: number): ErrorBudget {
  const allowed = errorRate(target) * sums.valid
  const consumed = allowed > 0 ? sums.bad / allowed : sums.bad > 0 ? Infinity : 0
  return {
    target,
    validMinutes: sums.valid,
    badMinutes: sums.bad,
    allowedMinutes: allowed,
    remainingMinutes: allowed - sums.bad,
    remainingShare: 1 - consumed,
    consumedShare: consumed,
  }
}
