/**
 * The scripted truths of the scenarios: what each run finds and which probes live.
 * Times are virtual epoch ms; each world is pure apart from the random source the
 * network passes in, so a seed reproduces a run exactly.
 */
import type { World } from './network.ts'

/** Every target up, every probe alive, until `outageAt`; from then every target is down. */
export function fullOutage(outageAt: number): World {
  return {
    isUp: ({ at }) => at < outageAt,
    probeOnline: () => true,
  }
}

/**
 * From `from` on: `noisy` fails `failureRate` of its runs at random, `cutOff` cannot
 * reach any target, the other regions see everything up. With `cutOffProbeDies`, the
 * cut-off region's probe goes offline instead, so that region sends nothing at all.
 */
export function noisyAndCutOff(options: {
  from: number
  noisy: string
  failureRate: number
  cutOff: string
  cutOffProbeDies: boolean
}): World {
  const { from, noisy, failureRate, cutOff, cutOffProbeDies } = options
  return {
    isUp: ({ region, at }, random) => {
      if (at < from) return true
      if (region === cutOff) return false
      return region !== noisy || random() >= failureRate
    },
    probeOnline: (region, at) => !(cutOffProbeDies && region === cutOff && at >= from),
  }
}

/** Up until `from`, then down and up again every `periodMs` until `until`, then up. */
export function toggling(from: number, until: number, periodMs: number): World {
  return {
    isUp: ({ at }) => at < from || at >= until || Math.floor((at - from) / periodMs) % 2 === 1,
    probeOnline: () => true,
  }
}

/** From `from` on, `region` reaches none of the targets; the other regions reach all. */
export function regionLoss(region: string, from: number): World {
  return {
    isUp: (run) => run.region !== region || run.at < from,
    probeOnline: () => true,
  }
}

/** From `diesAt` on, the only probe of `region` is gone; every target stays up. */
export function probeDies(region: string, diesAt: number): World {
  return {
    isUp: () => true,
    probeOnline: (r, at) => r !== region || at < diesAt,
  }
}
