/**
 * What `expect.latency` is judged on, per check and region: the last runs' latencies
 * (for p50 and p95), and the medians of time buckets over the longest baseline period
 * (for "2× its 7-day median"). The period is cut into at most 168 buckets (an hour each
 * for 7 days), each summed up by a streaming median, so a month of history is a few
 * hundred numbers. Everything is plain JSON for the hub's SQLite.
 */
import { addToMedian, medianOf, newMedian, type MedianState } from './streaming-median.ts'

/** Buckets per baseline period: hourly for the default 7 days. */
export const BASELINE_BUCKETS = 168

export interface LatencyWindowState {
  /** The latest runs' latencies (ms), oldest first. */
  recent: number[]
  /** Length of a baseline bucket (ms); 0 without a relative limit. */
  bucketMs: number
  /** Finished buckets: [start, median ms], oldest first, within the longest period. */
  buckets: [number, number][]
  /** The bucket being filled. */
  current: { start: number; median: MedianState } | null
}

export function newLatencyWindow(): LatencyWindowState {
  return { recent: [], bucketMs: 0, buckets: [], current: null }
}

/**
 * Adds one run: keeps the last `runs` latencies and, when `baselineMs` is set (the
 * longest baseline period of the check's limits), feeds the bucket of `at`. A new
 * period length starts the buckets over.
 */
export function addToWindow(
  window: LatencyWindowState,
  at: number,
  ms: number,
  runs: number,
  baselineMs: number | null,
): void {
  window.recent.push(ms)
  if (window.recent.length > runs) window.recent.splice(0, window.recent.length - runs)
  if (baselineMs === null) {
    Object.assign(window, { bucketMs: 0, buckets: [], current: null })
    return
  }
  const bucketMs = Math.ceil(baselineMs / BASELINE_BUCKETS)
  if (window.bucketMs !== bucketMs) Object.assign(window, { bucketMs, buckets: [], current: null })
  const start = Math.floor(at / bucketMs) * bucketMs
  if (window.current && window.current.start !== start) {
    const median = medianOf(window.current.median)
    if (median !== null && start > window.current.start) {
      window.buckets.push([window.current.start, median])
    }
    window.current = null
  }
  window.current ??= { start, median: newMedian() }
  addToMedian(window.current.median, ms)
  const oldest = start - baselineMs
  while (window.buckets.length > 0 && window.buckets[0]![0] < oldest) window.buckets.shift()
}

/** The p-th percentile (0-100) of the last runs, linearly interpolated; null when empty. */
export function percentileOf(window: LatencyWindowState, p: number): number | null {
  if (window.recent.length === 0) return null
  const sorted = [...window.recent].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const below = Math.floor(rank)
  const above = Math.min(sorted.length - 1, below + 1)
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below)
}

/**
 * The median latency over the `periodMs` before `now`: the median of the finished
 * buckets in it. Null until they cover a fourteenth of the period (12 hours of 7 days),
 * and at least three: a baseline of a few minutes says nothing about a week.
 */
export function baselineMedian(
  window: LatencyWindowState,
  periodMs: number,
  now: number,
): number | null {
  if (window.bucketMs === 0) return null
  const medians = window.buckets
    .filter(([start]) => start >= now - periodMs)
    .map(([, median]) => median)
    .sort((a, b) => a - b)
  const needed = Math.max(3, Math.ceil(periodMs / window.bucketMs / 14))
  if (medians.length < needed) return null
  const middle = (medians.length - 1) / 2
  return (medians[Math.floor(middle)]! + medians[Math.ceil(middle)]!) / 2
}
