/**
 * "Full in N hours" for host.disk: a least-squares line through recent samples of used
 * bytes, extrapolated to the free space. Least squares rather than first-to-last, so a
 * single burst (a temp file written and removed) moves the estimate little.
 *
 * Samples live in the probe's memory, per check and path: after a restart the
 * prediction waits for fresh samples rather than trusting old ones.
 */

export interface UsageSample {
  /** Epoch ms, from the run's injected clock. */
  at: number
  usedBytes: number
}

const HOUR_MS = 3_600_000
/**
 * A trend needs samples spanning at least this share of its window: a few minutes
 * extrapolated over a day mostly predict noise.
 */
export const MIN_SPAN_SHARE = 0.25
/** Per key, whatever the window: memory stays bounded for checks that run every second. */
const MAX_SAMPLES = 720

export class UsageHistory {
  readonly #samples = new Map<string, UsageSample[]>()

  /**
   * Adds a sample and returns the key's samples within `windowMs` of it, oldest first.
   * A sample older than the newest one (the clock stepped back) starts the history over.
   */
  add(key: string, sample: UsageSample, windowMs: number): UsageSample[] {
    let samples = this.#samples.get(key) ?? []
    const last = samples.at(-1)
    if (last && sample.at < last.at) samples = []
    samples.push(sample)
    samples = samples.filter((s) => s.at > sample.at - windowMs).slice(-MAX_SAMPLES)
    this.#samples.set(key, samples)
    return samples
  }
}

/** Bytes per hour by least squares, or undefined with fewer than two distinct times. */
export function growthPerHour(samples: UsageSample[]): number | undefined {
  if (samples.length < 2) return undefined
  const t0 = samples[0]!.at
  const xs = samples.map((s) => (s.at - t0) / HOUR_MS)
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length
  const meanY = samples.reduce((a, s) => a + s.usedBytes, 0) / samples.length
  let numerator = 0
  let denominator = 0
  samples.forEach((s, i) => {
    numerator += (xs[i]! - meanX) * (s.usedBytes - meanY)
    denominator += (xs[i]! - meanX) ** 2
  })
  return denominator === 0 ? undefined : numerator / denominator
}

export type Prediction =
  | { kind: 'full-in'; hours: number; bytesPerHour: number }
  | { kind: 'not-growing'; bytesPerHour: number }
  | { kind: 'learning'; needMs: number }

/**
 * When the disk will be full at the current growth rate.
 * @example predictFull(samples, 10e9, 6 * 3_600_000) // { kind: 'full-in', hours: 20, bytesPerHour: 5e8 }
 */
export function predictFull(
  samples: UsageSample[],
  freeBytes: number,
  windowMs: number,
): Prediction {
  const span = samples.length > 0 ? samples.at(-1)!.at - samples[0]!.at : 0
  const needMs = windowMs * MIN_SPAN_SHARE
  const rate = span >= needMs ? growthPerHour(samples) : undefined
  if (rate === undefined) return { kind: 'learning', needMs: needMs - span }
  if (rate <= 0) return { kind: 'not-growing', bytesPerHour: rate }
  return { kind: 'full-in', hours: freeBytes / rate, bytesPerHour: rate }
}
