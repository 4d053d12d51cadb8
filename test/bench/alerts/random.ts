/**
 * A seeded random source (mulberry32): the simulator must give the same table on
 * every run, so a changed number means a changed engine, not luck.
 */
export type Random = () => number

/**
 * Returns uniform numbers in [0, 1) determined by `seed`.
 * @example const random = seededRandom(42); random() // 0.6011037519201636
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A uniform number in [min, max). */
export function uniform(random: Random, min: number, max: number): number {
  return min + random() * (max - min)
}

/** Crockford's base32, the ULID alphabet. */
const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A ULID for `at` with its random part drawn from `random`: the same shape the probes
 * give result ids, but reproducible, and far cheaper than the ulid package's
 * crypto-random characters over hundreds of thousands of simulated runs.
 * @example seededUlid(Date.UTC(2026, 0, 1), seededRandom(1)) // '01KDWR...' (26 characters)
 */
export function seededUlid(at: number, random: Random): string {
  let time = ''
  for (let rest = at, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) {
    time = ULID_ALPHABET[rest % 32]! + time
  }
  let tail = ''
  for (let i = 0; i < 16; i++) tail += ULID_ALPHABET[Math.floor(random() * 32)]!
  return time + tail
}
