/**
 * Flap detection as Nagios does it: the percent state change over a series' last 21
 * conclusive states (ok = up or degraded, problem = down), where newer changes weigh
 * more than older ones. A series starts flapping above the high threshold and stops
 * below the low one; the gap between the two keeps it from flapping about flapping.
 *
 * A target that toggles every run would otherwise open and close an incident on every
 * other failAfter: the engine uses this to send one "flapping" alert instead.
 */
import type { FlappingThresholds } from '../../../checks/spec.ts'

/** States kept per series: 21 states give the 20 transitions Nagios weighs. */
export const FLAP_HISTORY = 21

const TRANSITIONS = FLAP_HISTORY - 1
const OLDEST_WEIGHT = 0.75
const NEWEST_WEIGHT = 1.25

/**
 * The weighted percent of state changes in `problems` (true = a down result), oldest
 * first; only the newest 21 count. The oldest of 20 transitions weighs 0.75, the newest
 * 1.25, linearly in between. The sum is divided by 20 even when fewer states are known,
 * and a short history takes the newest positions, so a check that just started cannot
 * flap after two changes.
 *
 * @example percentStateChange([false, true]) // 6.25: one change, in the newest position
 */
export function percentStateChange(problems: readonly boolean[]): number {
  const start = Math.max(0, problems.length - FLAP_HISTORY)
  const known = problems.length - start
  // Position (0 = oldest of the 20) of the transition into states[start + 1].
  const firstPosition = TRANSITIONS - (known - 1)
  let weighted = 0
  for (let i = start + 1; i < problems.length; i++) {
    if (problems[i] === problems[i - 1]) continue
    const position = firstPosition + (i - start - 1)
    weighted += OLDEST_WEIGHT + (position * (NEWEST_WEIGHT - OLDEST_WEIGHT)) / (TRANSITIONS - 1)
  }
  return (100 * weighted) / TRANSITIONS
}

/**
 * One series' flap state: its last 21 states and whether it flaps.
 *
 * @example
 * const flaps = new FlapDetector()
 * if (flaps.record(result.status === 'down', { low: 20, high: 30 })) notice(flaps.flapping)
 */
export class FlapDetector {
  /** Oldest first, at most FLAP_HISTORY entries; true = problem. */
  readonly #problems: boolean[] = []
  #percent = 0
  #flapping = false

  /** True between crossing the high threshold and falling below the low one. */
  get flapping(): boolean {
    return this.#flapping
  }

  /** The percent state change over the states recorded so far. */
  get percentStateChange(): number {
    return this.#percent
  }

  /** How many states are recorded (at most FLAP_HISTORY). */
  get size(): number {
    return this.#problems.length
  }

  /**
   * Adds one conclusive state and re-judges the series; returns true when it started
   * or stopped flapping. `false` thresholds turn detection off (the history is still
   * kept, so turning it on again judges at once).
   */
  record(problem: boolean, thresholds: FlappingThresholds | false): boolean {
    this.#problems.push(problem)
    if (this.#problems.length > FLAP_HISTORY) this.#problems.shift()
    this.#percent = percentStateChange(this.#problems)
    return this.judge(thresholds)
  }

  /** Re-judges with (possibly new) thresholds; returns true when flapping changed. */
  judge(thresholds: FlappingThresholds | false): boolean {
    const before = this.#flapping
    if (thresholds === false) this.#flapping = false
    else if (this.#percent > thresholds.high) this.#flapping = true
    else if (this.#percent < thresholds.low) this.#flapping = false
    return this.#flapping !== before
  }
}

/** The thresholds in force for a check: its own `alert.flapping`, else the project's. */
export function flapThresholdsOf(
  spec: { alert: { flapping?: FlappingThresholds | false } },
  alerting: { flapping: FlappingThresholds | false },
): FlappingThresholds | false {
  return spec.alert.flapping ?? alerting.flapping
}
