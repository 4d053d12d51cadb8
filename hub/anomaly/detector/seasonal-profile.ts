/**
 * A seasonal profile: the typical offset from the level for each bucket of a period
 * (an hour of the day, an hour of the week), read and learned with linear
 * interpolation between bucket centres so a smooth daily curve has no steps. A bucket
 * never visited holds NaN and reads as 0.
 */

export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS
export const WEEK_MS = 7 * DAY_MS

/** The two buckets around `at` and the weight of the second one. */
function neighbours(buckets: number, periodMs: number, at: number): [number, number, number] {
  const phase = (((at % periodMs) + periodMs) % periodMs) / periodMs
  const position = phase * buckets - 0.5
  const below = Math.floor(position)
  const first = ((below % buckets) + buckets) % buckets
  return [first, (first + 1) % buckets, position - below]
}

/** The profile's offset at `at`. */
export function profileAt(profile: Float32Array, periodMs: number, at: number): number {
  const [a, b, weight] = neighbours(profile.length, periodMs, at)
  const first = profile[a]!
  const second = profile[b]!
  return (
    (Number.isNaN(first) ? 0 : first) * (1 - weight) + (Number.isNaN(second) ? 0 : second) * weight
  )
}

/**
 * Moves the two buckets around `at` toward `offset`, each by its share of `rate`; a
 * bucket seen for the first time takes the offset as it is.
 */
export function learnProfile(
  profile: Float32Array,
  periodMs: number,
  at: number,
  offset: number,
  rate: number,
): void {
  const [a, b, weight] = neighbours(profile.length, periodMs, at)
  for (const [bucket, share] of [
    [a, 1 - weight],
    [b, weight],
  ] as const) {
    const current = profile[bucket]!
    if (Number.isNaN(current)) {
      if (share >= 0.5) profile[bucket] = offset
    } else {
      profile[bucket] = current + rate * share * (offset - current)
    }
  }
}

/** A profile with every bucket unvisited. */
export function emptyProfile(buckets: number): Float32Array {
  return new Float32Array(buckets).fill(NaN)
}
