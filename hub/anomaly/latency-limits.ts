/**
 * Judges a check's `expect.latency` limits in one region: the p50 or p95 of its last
 * runs against a fixed time, or against a multiple of the region's own median over the
 * baseline period. A limit is judged once the window holds `runs` runs and, for a
 * multiple, once the baseline is known (latency-window.ts).
 */
import { parseDuration } from '../../checks/duration.ts'
import {
  DEFAULT_BASELINE,
  parseRatio,
  type LatencyLimit,
} from '../../checks/specs/latency-window.ts'
import type { LatencyWindow } from '../../checks/specs/latency-window.ts'
import { baselineMedian, percentileOf, type LatencyWindowState } from './latency-window.ts'
import { formatMs, formatRatio, periodAdjective } from './latency-text.ts'

/** What the limits found: the figures shown in the API, and a reason per limit passed. */
export interface LimitsOutcome {
  reasons: string[]
  p50Ms?: number
  p95Ms?: number
  /** The median over the (longest) baseline period, when a limit is relative. */
  medianMs?: number
}

/** The longest baseline period among the limits that are multiples; null when none is. */
export function longestBaselineMs(limits: LatencyWindow | undefined): number | null {
  const periods = [limits?.p50, limits?.p95]
    .filter((limit): limit is LatencyLimit => limit !== undefined)
    .filter((limit) => parseRatio(limit.above) !== undefined)
    .map((limit) => parseDuration(limit.baseline ?? DEFAULT_BASELINE))
  return periods.length > 0 ? Math.max(...periods) : null
}

/** Judges each limit against the window at `now`. */
export function judgeLimits(
  limits: LatencyWindow | undefined,
  window: LatencyWindowState,
  now: number,
): LimitsOutcome {
  const outcome: LimitsOutcome = { reasons: [] }
  if (!limits) return outcome
  const full = window.recent.length >= limits.runs
  for (const [name, limit, p] of [
    ['p50', limits.p50, 50],
    ['p95', limits.p95, 95],
  ] as const) {
    if (!limit) continue
    const value = percentileOf(window, p)
    if (value === null) continue
    outcome[name === 'p50' ? 'p50Ms' : 'p95Ms'] = value
    const ratio = parseRatio(limit.above)
    if (ratio === undefined) {
      const limitMs = parseDuration(limit.above)
      if (full && value > limitMs) {
        outcome.reasons.push(`${name} ${formatMs(value)}, above ${formatMs(limitMs)}`)
      }
      continue
    }
    const periodMs = parseDuration(limit.baseline ?? DEFAULT_BASELINE)
    const median = baselineMedian(window, periodMs, now)
    if (median === null) continue
    outcome.medianMs ??= median
    if (full && median > 0 && value > ratio * median) {
      const times = formatRatio(value / median)
      const period = periodAdjective(periodMs)
      outcome.reasons.push(
        `${name} ${formatMs(value)}, ${times} its ${period} median (${formatMs(median)})`,
      )
    }
  }
  return outcome
}
