/**
 * NAB's windowedGaussian baseline, re-implemented from its description
 * (nab/detectors/gaussian/windowedGaussian_detector.py, numenta/NAB, MIT licence) to
 * prove the scorer port: it must score 39.6 on the standard profile.
 *
 * A value's score is 1 − Q(|z|), z measured against the mean and population standard
 * deviation of the values before it: all of them up to 6,400, then a window of 6,400
 * that slides forward 100 values at a time. The first row scores 0.
 */
import { normalTail } from './normal-tail.ts'

const WINDOW_SIZE = 6400
const STEP_SIZE = 100

/** Mean and population standard deviation (0 becomes 1e-6, as in NAB). */
function stats(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length
  return { mean, std: Math.sqrt(variance) || 0.000001 }
}

/** The windowedGaussian scores of a series, one per value. */
export function windowedGaussianScores(values: readonly number[]): number[] {
  const scores: number[] = []
  let window: number[] = []
  let step: number[] = []
  // While the window grows it is updated on every value: Welford's running mean and M2.
  let mean = 0
  let m2 = 0
  let std = 1
  for (const value of values) {
    scores.push(window.length > 0 ? 1 - normalTail(Math.abs(value - mean) / std) : 0)
    if (window.length < WINDOW_SIZE) {
      window.push(value)
      const delta = value - mean
      mean += delta / window.length
      m2 += delta * (value - mean)
      std = Math.sqrt(m2 / window.length) || 0.000001
    } else {
      step.push(value)
      if (step.length === STEP_SIZE) {
        window = [...window.slice(STEP_SIZE), ...step]
        step = []
        ;({ mean, std } = stats(window))
      }
    }
  }
  return scores
}
