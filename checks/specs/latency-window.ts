/**
 * Latency thresholds over a window of runs (`expect.latency`), judged by the hub per
 * region: the p50 or p95 of the last `runs` runs above a fixed time (`'1.5s'`) or above
 * a multiple of the region's own median over a baseline period (`'2x'` of `'7d'`). A
 * region past one is degraded, never down. Probes never see them (checks/bundle.ts).
 */
import { z } from 'zod'
import { isDuration, parseDuration } from '../duration.ts'

const RATIO = /^(\d+(?:\.\d+)?)x$/
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** The factor of a relative limit, `'2x'` -> 2; undefined for anything else. */
export function parseRatio(text: string): number | undefined {
  const match = RATIO.exec(text.trim())
  return match ? Number(match[1]) : undefined
}

/** The baseline period when a relative limit leaves it out. */
export const DEFAULT_BASELINE = '7d'
/** Shortest and longest baseline periods: an hour says little, a month is plenty. */
export const MIN_BASELINE_MS = HOUR_MS
export const MAX_BASELINE_MS = 30 * DAY_MS

const limitSchema = z
  .strictObject({
    /** A time (`'1.5s'`) or a multiple of the baseline median above 1 (`'2x'`). */
    above: z.string(),
    /** The period whose median a relative limit multiplies. Default `'7d'`. */
    baseline: z.string().optional(),
  })
  .check((ctx) => {
    const { above, baseline } = ctx.value
    const issue = (path: string, message: string) =>
      ctx.issues.push({ code: 'custom', path: [path], message, input: ctx.value })
    const ratio = parseRatio(above)
    if (ratio === undefined && !isDuration(above)) {
      issue('above', `${JSON.stringify(above)} is neither a time (1.5s) nor a multiple (2x)`)
    } else if (ratio !== undefined && (ratio <= 1 || ratio > 100)) {
      issue('above', `${JSON.stringify(above)} must be a multiple above 1x and at most 100x`)
    }
    if (baseline === undefined) return
    if (ratio === undefined) {
      issue('baseline', 'a baseline goes with a multiple like "2x", not with a fixed time')
    } else if (!isDuration(baseline)) {
      issue('baseline', `${JSON.stringify(baseline)} is not a duration (use e.g. 24h, 7d)`)
    } else {
      const ms = parseDuration(baseline)
      if (ms < MIN_BASELINE_MS || ms > MAX_BASELINE_MS) {
        issue('baseline', `${JSON.stringify(baseline)} must be between 1h and 30d`)
      }
    }
  })
export type LatencyLimit = z.infer<typeof limitSchema>

export const latencyWindowSchema = z
  .strictObject({
    p50: limitSchema.optional(),
    p95: limitSchema.optional(),
    /** The window: the last this many runs of the region. Default 20. */
    runs: z.int().min(5).max(200).default(20),
  })
  .refine((window) => window.p50 !== undefined || window.p95 !== undefined, {
    error: 'give p50, p95 or both',
  })
export type LatencyWindow = z.infer<typeof latencyWindowSchema>
