/**
 * Latency like a probe measures it, one value per run: the network time of its region
 * (40, 110 or 180 ms), a daily cycle of ±10 % (load), network jitter (5 % by default), a
 * retransmission now and then (0.5 % of runs take 1.5 to 3 times longer), and the jitter
 * measured against a loopback target on this machine (loopback-jitter.ts).
 */
import type { Random } from '../alerts/random.ts'

export const REGION_BASE_MS: Record<string, number> = {
  'eu-west': 40,
  'us-east': 110,
  'ap-south': 180,
}
export const REGIONS = Object.keys(REGION_BASE_MS)

const DAY_MS = 86_400_000

/** A standard normal draw (Box-Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())
}

/**
 * One run's latency in `region` at `at`, with its p50 multiplied by `factor`; `spread`
 * is the network jitter (the sigma of a log-normal factor).
 */
export function latencyAt(
  random: Random,
  jitter: readonly number[],
  region: string,
  at: number,
  factor = 1,
  spread = 0.05,
): number {
  const daily = 1 + 0.1 * Math.sin((2 * Math.PI * (at % DAY_MS)) / DAY_MS)
  let network = REGION_BASE_MS[region]! * daily * Math.exp(spread * gaussian(random))
  if (random() < 0.005) network *= 1.5 + 1.5 * random()
  const stack = jitter[Math.floor(random() * jitter.length)]!
  return (network + stack + 1) * factor
}
