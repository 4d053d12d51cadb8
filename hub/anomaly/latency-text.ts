/** How the latency watch words its reasons: "p50 412 ms, 2.3× its 7-day median (180 ms)". */

/** 412 -> '412 ms', 1620 -> '1.62 s', as the status page shows latencies. */
export function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`
}

const PERIOD_UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
] as const

/** A baseline period as an adjective: 7 days -> '7-day', 12 hours -> '12-hour'. */
export function periodAdjective(ms: number): string {
  for (const [unit, size] of PERIOD_UNITS) {
    if (ms >= size && ms % size === 0) return `${ms / size}-${unit}`
  }
  return `${Math.round(ms / 60_000)}-minute`
}

/** 2.345 -> '2.3×'. */
export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(1)}×`
}
