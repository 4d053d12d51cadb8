import { describe, expect, it } from 'vitest'
import { loadCorpus } from '../../../test/bench/nab/corpus.ts'
import { decodeDetectorState, encodeDetectorState } from './detector-state.ts'
import { DAY_MS } from './seasonal-profile.ts'
import { SeriesDetector, type Observation } from './series-detector.ts'

const MINUTE = 60_000
const START = Date.UTC(2026, 0, 5)
/** The score the hub treats as an anomaly (hub/anomaly/). */
const THRESHOLD = 0.52

/** A seeded uniform random number generator, so every run sees the same noise. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** Latencies around `base` ms with ±10 % noise, one a minute, `value(i)` changing them. */
function feed(
  detector: SeriesDetector,
  count: number,
  value: (i: number, noise: number) => number,
  from = 0,
): Observation[] {
  const next = random(from + 7)
  return Array.from({ length: count }, (_, k) => {
    const i = from + k
    return detector.observe(START + i * MINUTE, value(i, 1 + 0.2 * (next() - 0.5)))
  })
}

describe('SeriesDetector', () => {
  it('scores plain noise below the threshold once warmed up', () => {
    const detector = new SeriesDetector({ direction: 'up' })
    const scores = feed(detector, 3000, (_, noise) => 100 * noise).map((o) => o.score)
    expect(Math.max(...scores.slice(200))).toBeLessThan(THRESHOLD)
  })

  it('scores a spike high, and the same spike again lower: a burst fires once', () => {
    const detector = new SeriesDetector({ direction: 'up' })
    feed(detector, 2000, (_, noise) => 100 * noise)
    const first = detector.observe(START + 2000 * MINUTE, 400)
    feed(detector, 20, (_, noise) => 100 * noise, 2001)
    const again = detector.observe(START + 2021 * MINUTE, 400)
    expect(first.score).toBeGreaterThan(0.7)
    expect(again.score).toBeLessThan(first.score)
  })

  it('notices a 30 % step within a few values, then takes the new level as normal', () => {
    const detector = new SeriesDetector({ direction: 'up' })
    feed(detector, 3000, (_, noise) => 100 * noise)
    const after = feed(detector, 600, (_, noise) => 130 * noise, 3000)
    const first = after.findIndex((o) => o.score >= THRESHOLD)
    expect(first).toBeGreaterThanOrEqual(0)
    expect(first).toBeLessThan(15)
    expect(after[first]!.expected).toBeLessThan(110)
    const settled = after.slice(300)
    expect(Math.max(...settled.map((o) => o.score))).toBeLessThan(THRESHOLD)
    expect(settled.at(-1)!.expected).toBeGreaterThan(120)
    expect(settled.at(-1)!.shift).toBeLessThan(3)
  })

  it('ignores drops when it watches one direction', () => {
    const up = new SeriesDetector({ direction: 'up' })
    const both = new SeriesDetector()
    for (const detector of [up, both]) feed(detector, 2000, (_, noise) => 100 * noise)
    expect(up.observe(START + 2000 * MINUTE, 10).score).toBe(0)
    expect(both.observe(START + 2000 * MINUTE, 10).score).toBeGreaterThan(THRESHOLD)
  })

  it('learns a daily cycle and expects the evening peak', () => {
    const detector = new SeriesDetector({ direction: 'up' })
    const daily = (i: number) => 100 + 60 * Math.sin((2 * Math.PI * (i * MINUTE)) / DAY_MS)
    const seen = feed(detector, 5 * 1440, (i, noise) => daily(i) * noise)
    expect(seen.at(-1)!.forecast).toBe('daily')
    const peak = Math.round(1440 / 4)
    const atPeak = detector.observe(START + (5 * 1440 + peak) * MINUTE, daily(peak))
    expect(Math.abs(atPeak.expected - daily(peak)) / daily(peak)).toBeLessThan(0.1)
    expect(atPeak.score).toBeLessThan(THRESHOLD)
  })

  it('learns a week with quiet weekends once it has seen more than a week', () => {
    const detector = new SeriesDetector({ direction: 'up' })
    const weekly = (i: number) => {
      const day = new Date(START + i * MINUTE).getUTCDay()
      const daily = 1 + 0.5 * Math.sin((2 * Math.PI * (i * MINUTE)) / DAY_MS)
      return (day === 0 || day === 6 ? 40 : 100) * daily
    }
    const seen = feed(detector, 16 * 1440, (i, noise) => weekly(i) * noise)
    expect(seen.at(-1)!.forecast).toBe('weekly')
  })

  it('skips values that are not numbers', () => {
    const detector = new SeriesDetector()
    feed(detector, 100, (_, noise) => 100 * noise)
    expect(detector.observe(START + 100 * MINUTE, Number.NaN).score).toBe(0)
    expect(detector.state.count).toBe(100)
  })

  it('goes on after a restart exactly as if it had never stopped', () => {
    const uninterrupted = new SeriesDetector({ direction: 'up' })
    const restarted = new SeriesDetector({ direction: 'up' })
    const value = (i: number, noise: number) => (i > 3500 ? 140 : 100) * noise
    feed(uninterrupted, 3000, value)
    feed(restarted, 3000, value)
    const bytes = encodeDetectorState(restarted.state)
    expect(bytes.length).toBeLessThanOrEqual(1024)
    const revived = new SeriesDetector({ direction: 'up' }, decodeDetectorState(bytes)!)
    const expected = feed(uninterrupted, 1000, value, 3000)
    expect(feed(revived, 1000, value, 3000)).toEqual(expected)
  })

  it('finds the failure in NAB’s EC2 request latency series', () => {
    const [file] = loadCorpus(
      new URL('../../../test/fixtures/nab', import.meta.url).pathname,
    ).filter((f) => f.name.includes('ec2_request_latency'))
    const detector = new SeriesDetector()
    const scores = file!.values.map((v, i) => detector.observe(file!.timestamps[i]!, v).score)
    const hits = file!.windows.filter(([first, last]) =>
      scores.slice(first, last + 1).some((score) => score >= THRESHOLD),
    )
    expect(hits.length).toBe(file!.windows.length)
  })
})
