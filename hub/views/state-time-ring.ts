/**
 * Each check's time by verdict (up, degraded, down, maintenance, in ms) per period of
 * `unit` (an hour or a UTC day), for the last `size` periods, in one flat Int32Array: a
 * ring whose tags say which period each place holds. The read model keeps one for hours
 * and one for days.
 *
 * @example
 * const days = new StateTimeRing(DAY, 92)
 * days.claim(day, checks) // the place is this day's now, zeroed for every check
 * days.set(i, day, [up, degraded, down, maintenance])
 * days.get(i, day, 2) // down ms
 */
import { growArray } from './grow-array.ts'
import type { VerdictTimes } from './read-model-days.ts'

/** Times per check and period: up, degraded, down, maintenance. */
export const TIMES = 4

export class StateTimeRing {
  #times: Int32Array
  readonly #tags: Float64Array

  constructor(
    readonly unit: number,
    readonly size: number,
    checks = 1024,
  ) {
    this.#times = new Int32Array(checks * size * TIMES)
    this.#tags = new Float64Array(size).fill(Number.NaN)
  }

  /** Makes room for `checks` checks. */
  grow(checks: number): void {
    this.#times = growArray(this.#times, checks * this.size * TIMES)
  }

  /** True when the ring holds the period starting at `start`. */
  holds(start: number): boolean {
    return this.#tags[this.#ring(start)] === start
  }

  /** Gives the period's place to `start`, zeroed for the first `checks` checks; false when it held it already. */
  claim(start: number, checks: number): boolean {
    const ring = this.#ring(start)
    if (this.#tags[ring] === start) return false
    this.#tags[ring] = start
    for (let i = 0; i < checks; i++) this.#times.fill(0, this.#at(i, ring), this.#at(i, ring + 1))
    return true
  }

  set(i: number, start: number, times: VerdictTimes): void {
    const at = this.#at(i, this.#ring(start))
    for (let k = 0; k < TIMES; k++) this.#times[at + k] = times[k]!
  }

  /** Time `k` (0 up … 3 maintenance) of check `i` in the period starting at `start`. */
  get(i: number, start: number, k: number): number {
    return this.#times[this.#at(i, this.#ring(start)) + k]!
  }

  /** The period's times of the first `checks` checks, TIMES each, as a copy. */
  row(start: number, checks: number): Int32Array {
    const ring = this.#ring(start)
    const out = new Int32Array(checks * TIMES)
    for (let i = 0; i < checks; i++) {
      out.set(this.#times.subarray(this.#at(i, ring), this.#at(i, ring + 1)), i * TIMES)
    }
    return out
  }

  #ring(start: number): number {
    return (start / this.unit) % this.size
  }

  #at(i: number, ring: number): number {
    return (i * this.size + ring) * TIMES
  }
}
