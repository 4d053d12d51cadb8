/**
 * The tail of the standard normal distribution in double precision, without a
 * dependency: the windowedGaussian baseline scores with it.
 */

const SQRT_PI = Math.sqrt(Math.PI)

/** erf(x) by its Taylor series; accurate to about 1e-15 for |x| < 2. */
function erfSeries(x: number): number {
  const x2 = x * x
  let term = x
  let sum = x
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n
    const next = term / (2 * n + 1)
    sum += next
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break
  }
  return (2 / SQRT_PI) * sum
}

/** erfc(x) for x >= 2 by its continued fraction (modified Lentz). */
function erfcFraction(x: number): number {
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
  const tiny = 1e-300
  let f = x
  let c = x
  let d = 0
  for (let n = 1; n < 200; n++) {
    const a = n / 2
    d = x + a * d
    d = d === 0 ? tiny : d
    c = x + a / c
    c = c === 0 ? tiny : c
    d = 1 / d
    const delta = c * d
    f *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(-x * x) / SQRT_PI / f
}

/** The complementary error function. @example erfc(0) // 1 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN
  if (x < 0) return 2 - erfc(-x)
  if (x < 2) return 1 - erfSeries(x)
  if (x > 27) return 0
  return erfcFraction(x)
}

/** P(Z > z) for a standard normal Z (the Q-function). @example normalTail(1.96) // ≈ 0.025 */
export function normalTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2)
}
