/**
 * The median of a stream in five numbers: the P² algorithm (Jain and Chlamtac, 1985).
 * Five markers hold the minimum, the quartiles, the median and the maximum, and move
 * along a parabola as values come, so an hour of runs needs no buffer. Exact for the
 * first five values.
 */

/** Marker heights and positions; plain numbers, so the state can be stored as JSON. */
export interface MedianState {
  count: number
  heights: number[]
  positions: number[]
}

const DESIRED_STEP = [0, 0.25, 0.5, 0.75, 1]

export function newMedian(): MedianState {
  return { count: 0, heights: [], positions: [1, 2, 3, 4, 5] }
}

/** Adds one value to the estimate (in place). */
export function addToMedian(state: MedianState, value: number): void {
  const h = state.heights
  const n = state.positions
  state.count += 1
  if (state.count <= 5) {
    h.push(value)
    h.sort((a, b) => a - b)
    return
  }
  let cell: number
  if (value < h[0]!) {
    h[0] = value
    cell = 0
  } else if (value >= h[4]!) {
    h[4] = value
    cell = 3
  } else {
    cell = 0
    while (value >= h[cell + 1]!) cell += 1
  }
  for (let i = cell + 1; i < 5; i++) n[i]! += 1
  const desired = DESIRED_STEP.map((step) => 1 + (state.count - 1) * step)
  for (let i = 1; i < 4; i++) {
    const offset = desired[i]! - n[i]!
    if ((offset >= 1 && n[i + 1]! - n[i]! > 1) || (offset <= -1 && n[i - 1]! - n[i]! < -1)) {
      const d = Math.sign(offset)
      const parabolic =
        h[i]! +
        (d / (n[i + 1]! - n[i - 1]!)) *
          ((n[i]! - n[i - 1]! + d) * ((h[i + 1]! - h[i]!) / (n[i + 1]! - n[i]!)) +
            (n[i + 1]! - n[i]! - d) * ((h[i]! - h[i - 1]!) / (n[i]! - n[i - 1]!)))
      h[i] =
        h[i - 1]! < parabolic && parabolic < h[i + 1]!
          ? parabolic
          : h[i]! + (d * (h[i + d]! - h[i]!)) / (n[i + d]! - n[i]!)
      n[i]! += d
    }
  }
}

/** The median so far; null before the first value. */
export function medianOf(state: MedianState): number | null {
  if (state.count === 0) return null
  if (state.count <= 5) {
    const sorted = state.heights
    const middle = (sorted.length - 1) / 2
    return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2
  }
  return state.heights[2]!
}
