/**
 * A fixed-bucket Prometheus histogram in base units (seconds), kept as plain counts:
 * one per check, region and phase when a check opts in, so it must be small and cheap
 * to observe and to render.
 */
import { formatValue, type ExpositionWriter } from './prometheus-text.ts'

/**
 * Upper bounds in seconds: from a fast loopback connect (5 ms) to a slow page (10 s),
 * roughly ×2.5 apart, which is what a latency heatmap needs to tell ordinary from slow.
 */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

/** Bucket bounds as labels, rendered once for every histogram. */
const LE_TEXT = [...LATENCY_BUCKETS.map((bound) => formatValue(bound)), '+Inf']

export class Histogram {
  /** Per bucket (not cumulative), the last one for values above every bound. */
  readonly #counts: Float64Array
  #sum = 0
  #count = 0

  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS) {
    this.#counts = new Float64Array(bounds.length + 1)
  }

  observe(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) return
    let index = 0
    while (index < this.bounds.length && seconds > this.bounds[index]!) index += 1
    this.#counts[index]! += 1
    this.#sum += seconds
    this.#count += 1
  }

  get count(): number {
    return this.#count
  }

  /**
   * Writes `<name>_bucket{<labels>,le="..."}` (cumulative), `<name>_sum` and `<name>_count`.
   * `labelText` is the series' rendered labels without `le`.
   */
  write(out: ExpositionWriter, name: string, labelText: string): void {
    const prefix = labelText ? `${labelText},` : ''
    const bounds = this.bounds === LATENCY_BUCKETS ? LE_TEXT : null
    let cumulative = 0
    let lines = ''
    for (let i = 0; i < this.#counts.length; i += 1) {
      cumulative += this.#counts[i]!
      const le = bounds
        ? bounds[i]!
        : i < this.bounds.length
          ? formatValue(this.bounds[i]!)
          : '+Inf'
      lines += `${name}_bucket{${prefix}le="${le}"} ${cumulative}\n`
    }
    const braces = labelText ? `{${labelText}}` : ''
    lines += `${name}_sum${braces} ${formatValue(this.#sum)}\n${name}_count${braces} ${this.#count}\n`
    out.raw(lines)
  }
}
