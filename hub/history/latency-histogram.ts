/**
 * A latency histogram with fixed log buckets, mergeable across time and regions by
 * adding counts. Bucket 0 holds runs under 1 ms; bucket b ≥ 1 holds [1.1^(b-1), 1.1^b)
 * ms, so each bucket is 10 % wide and its geometric middle is within 5 % of any value in
 * it. 200 buckets reach past 40 hours, far beyond any check's timeout.
 */
import type { VarintReader, VarintWriter } from '../../lib/varint.ts'

/** Bucket index → runs. Sparse: an hour of a steady target fills a handful of buckets. */
export type Histogram = Map<number, number>

const GROWTH = 1.1
const LOG_GROWTH = Math.log(GROWTH)
const MAX_BUCKET = 200

/** The bucket of a duration in ms. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0
  return Math.min(MAX_BUCKET, 1 + Math.floor(Math.log(ms) / LOG_GROWTH + 1e-9))
}

/** The value a bucket stands for: its geometric middle (0 for bucket 0). */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return 0
  return Math.pow(GROWTH, bucket - 1) * Math.sqrt(GROWTH)
}

/** Adds `count` runs of `ms` to `into`. */
export function record(into: Histogram, ms: number, count = 1): void {
  const bucket = bucketOf(ms)
  into.set(bucket, (into.get(bucket) ?? 0) + count)
}

/** Adds every count of `from` into `into` (in place). */
export function mergeHistogram(into: Histogram, from: Histogram): void {
  for (const [bucket, count] of from) into.set(bucket, (into.get(bucket) ?? 0) + count)
}

/**
 * The nearest-rank quantile `q` (0 < q ≤ 1) as its bucket's middle, capped at `maxMs`
 * when given (the true maximum is kept exactly); null for an empty histogram.
 *
 * @example quantile(hist, 0.95, 812) // 790.6
 */
export function quantile(histogram: Histogram, q: number, maxMs?: number): number | null {
  let total = 0
  for (const count of histogram.values()) total += count
  if (total === 0) return null
  const rank = Math.max(1, Math.ceil(q * total - 1e-9))
  let seen = 0
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!
    if (seen >= rank) {
      const value = bucketValue(bucket)
      return maxMs === undefined ? value : Math.min(value, maxMs)
    }
  }
  return null
}

/**
 * Several nearest-rank quantiles (ascending `qs`) in one pass over the sorted buckets,
 * each capped at `maxMs`; nulls for an empty histogram.
 *
 * @example quantiles(hist, [0.5, 0.95, 0.99], 812) // [210.9, 716.3, 790.6]
 */
export function quantiles(
  histogram: Histogram,
  qs: readonly number[],
  maxMs?: number,
): (number | null)[] {
  let total = 0
  for (const count of histogram.values()) total += count
  if (total === 0) return qs.map(() => null)
  const out: (number | null)[] = []
  const buckets = [...histogram.keys()].sort((a, b) => a - b)
  let seen = 0
  let i = 0
  for (const q of qs) {
    const rank = Math.max(1, Math.ceil(q * total - 1e-9))
    while (seen < rank && i < buckets.length) seen += histogram.get(buckets[i++]!)!
    const value = bucketValue(buckets[Math.max(0, i - 1)]!)
    out.push(maxMs === undefined ? value : Math.min(value, maxMs))
  }
  return out
}

/** Writes the histogram: its bucket count, then each bucket as a delta and its count. */
export function writeHistogram(out: VarintWriter, histogram: Histogram): void {
  const buckets = [...histogram.keys()].filter((b) => histogram.get(b)! > 0).sort((a, b) => a - b)
  out.uint(buckets.length)
  let previous = 0
  for (const bucket of buckets) {
    out.uint(bucket - previous).uint(histogram.get(bucket)!)
    previous = bucket
  }
}

/** Reads past a histogram without keeping it (counts-only reads). */
export function skipHistogram(input: VarintReader): void {
  for (let n = input.uint(); n > 0; n--) {
    input.uint()
    input.uint()
  }
}

export function readHistogram(input: VarintReader): Histogram {
  const histogram: Histogram = new Map()
  let bucket = 0
  for (let n = input.uint(); n > 0; n--) {
    bucket += input.uint()
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + input.uint())
  }
  return histogram
}
