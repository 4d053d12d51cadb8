/**
 * Web Vitals as browser checks report them: the names, Google's thresholds for
 * good / needs improvement / poor, and budgets (`expect: { lcp: { below: '2.5s' } }`)
 * turned into graded assertions. Pure, so the hub and tests read the same rules.
 *
 * Thresholds (web.dev/articles/vitals and Lighthouse for TBT): a value at or below
 * `good` is good, above `poor` is poor, in between needs improvement.
 */
import { parseDuration } from '../duration.ts'

export const VITAL_NAMES = ['lcp', 'cls', 'fcp', 'ttfb', 'inp', 'tbt'] as const
export type VitalName = (typeof VITAL_NAMES)[number]
export type VitalRating = 'good' | 'needs-improvement' | 'poor'

export const VITAL_THRESHOLDS: Record<VitalName, { good: number; poor: number }> = {
  lcp: { good: 2_500, poor: 4_000 },
  cls: { good: 0.1, poor: 0.25 },
  fcp: { good: 1_800, poor: 3_000 },
  ttfb: { good: 800, poor: 1_800 },
  inp: { good: 200, poor: 500 },
  tbt: { good: 200, poor: 600 },
}

/** Labels as people know them. */
export const VITAL_LABELS: Record<VitalName, string> = {
  lcp: 'LCP',
  cls: 'CLS',
  fcp: 'FCP',
  ttfb: 'TTFB',
  inp: 'INP',
  tbt: 'TBT',
}

/**
 * @example rateVital('lcp', 2_400) // 'good'
 * @example rateVital('cls', 0.3) // 'poor'
 */
export function rateVital(name: VitalName, value: number): VitalRating {
  const { good, poor } = VITAL_THRESHOLDS[name]
  if (value <= good) return 'good'
  if (value <= poor) return 'needs-improvement'
  return 'poor'
}

/** A vital's value as text: `850ms` or `3.1s` for timings, 3 decimals for CLS. */
export function formatVital(name: VitalName, value: number): string {
  if (name === 'cls') return String(Number(value.toFixed(3)))
  return value < 1_000 ? `${Math.round(value)}ms` : `${Number((value / 1_000).toFixed(2))}s`
}

/** A page's measured vitals, each with its rating. */
export type PageVitals = Partial<Record<VitalName, { value: number; rating: VitalRating }>>

/** The budgets of a spec, in their validated form. */
export type VitalBudgets = Partial<
  Record<VitalName, { below: string | number; status: 'degraded' | 'down' }>
>

/** An AssertionResult (checks/result.ts), which imports this module's names. */
interface BudgetAssertion {
  name: string
  ok: boolean
  expected: string
  actual: string
}

export interface BudgetVerdict {
  status: 'up' | 'degraded' | 'down'
  assertions: BudgetAssertion[]
}

/**
 * Judges every budget against the worst page of the run. A vital no page measured (INP
 * without an interaction, say) is not judged: the assertion says so and passes.
 * @example judgeBudgets({ lcp: { below: '2.5s', status: 'down' } }, [{ lcp: { value: 3_100, rating: 'needs-improvement' } }])
 * // { status: 'down', assertions: [{ name: 'LCP budget', ok: false, expected: '< 2.5s', actual: '3.1s' }] }
 */
export function judgeBudgets(budgets: VitalBudgets, pages: PageVitals[]): BudgetVerdict {
  let status: BudgetVerdict['status'] = 'up'
  const assertions: BudgetAssertion[] = []
  for (const name of VITAL_NAMES) {
    const budget = budgets[name]
    if (!budget) continue
    const limit = typeof budget.below === 'number' ? budget.below : parseDuration(budget.below)
    const values = pages.flatMap((page) => (page[name] ? [page[name].value] : []))
    const expected = `< ${budget.below}`
    const label = `${VITAL_LABELS[name]} budget`
    if (values.length === 0) {
      assertions.push({ name: label, ok: true, expected, actual: 'not measured' })
      continue
    }
    const worst = Math.max(...values)
    const ok = worst < limit
    assertions.push({ name: label, ok, expected, actual: formatVital(name, worst) })
    if (!ok && (budget.status === 'down' || status === 'up')) status = budget.status
  }
  return { status, assertions }
}
