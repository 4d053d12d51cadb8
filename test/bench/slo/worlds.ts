/** The SLO benchmark's scripted truths, on the alerting benchmark's World contract. */
import type { World } from '../alerts/network.ts'
import { seededRandom } from '../alerts/random.ts'

const MIN = 60_000
const HOUR = 60 * MIN

/** Every target down from `from` to `until`, up otherwise. */
export function outage(from: number, until = Infinity): World {
  return { isUp: ({ at }) => at < from || at >= until, probeOnline: () => true }
}

/** From `from` on, one whole minute in every `every` is down everywhere, at a fixed phase. */
export function badMinutes(from: number, every: number, phase: number): World {
  return {
    isUp: ({ at }) => at < from || Math.floor((at - from) / MIN) % every !== phase,
    probeOnline: () => true,
  }
}

/**
 * From `from` on, each hour up to three unrelated single-region failures: one region
 * fails every run for one minute; the other regions see the target up. Unrelated: no two
 * failures of an hour are closer than five minutes, so none of them is a shared outage.
 */
export function singleRegionFailures(from: number, regions: string[], seed: number): World {
  const random = seededRandom(seed)
  const failing = new Set<string>()
  for (let hour = 0; hour < 24 * 8; hour++) {
    const count = Math.floor(random() * 4)
    const taken: number[] = []
    while (taken.length < count) {
      const minute = Math.floor(random() * 55)
      if (taken.some((other) => Math.abs(other - minute) < 5)) continue
      taken.push(minute)
      const region = regions[Math.floor(random() * regions.length)]!
      failing.add(`${region}/${hour * 60 + minute}`)
    }
  }
  return {
    isUp: ({ region, at }) => {
      if (at < from) return true
      const minute = Math.floor((at - from) / MIN)
      return !failing.has(`${region}/${minute}`) || minute >= 24 * 8 * 60 + HOUR
    },
    probeOnline: () => true,
  }
}
