import { describe, expect, it } from 'vitest'
import { FLAP_HISTORY, FlapDetector, percentStateChange } from './flap-detector.ts'

const steady = (n: number, problem = false): boolean[] => Array<boolean>(n).fill(problem)
const alternating = (n: number): boolean[] => Array.from({ length: n }, (_, i) => i % 2 === 1)
const thresholds = { low: 20, high: 30 }

describe('percentStateChange', () => {
  it('is 0 for a steady series and 100 when every one of 21 states changes', () => {
    expect(percentStateChange(steady(21))).toBe(0)
    expect(percentStateChange(steady(21, true))).toBe(0)
    expect(percentStateChange(alternating(21))).toBeCloseTo(100, 10)
  })

  it('weighs the newest change 1.25 and the one before it 0.75 + 18 × 0.5 / 19', () => {
    // One change, in the newest of the 20 transitions: 100 × 1.25 / 20.
    expect(percentStateChange([...steady(20), true])).toBeCloseTo(6.25, 10)
    // Two changes, positions 18 and 19: 100 × (1.2236842… + 1.25) / 20.
    expect(percentStateChange([...steady(19), true, false])).toBeCloseTo(12.368421, 5)
    // The oldest transition alone weighs 0.75: 100 × 0.75 / 20.
    expect(percentStateChange([true, ...steady(20)])).toBeCloseTo(3.75, 10)
  })

  it('divides by 20 while fewer states are known, the known ones taking the newest positions', () => {
    // Three changes at positions 17, 18 and 19 of 20.
    const weights = [17, 18, 19].map((p) => 0.75 + (p * 0.5) / 19)
    const expected = (100 * weights.reduce((a, b) => a + b)) / 20
    expect(percentStateChange([false, true, false, true])).toBeCloseTo(expected, 10)
    expect(expected).toBeLessThan(20)
    expect(percentStateChange([true])).toBe(0)
    expect(percentStateChange([])).toBe(0)
  })

  it('counts only the newest 21 states', () => {
    expect(percentStateChange([true, ...steady(21)])).toBe(0)
    expect(percentStateChange([...alternating(30), ...steady(21)])).toBe(0)
  })
})

describe('FlapDetector', () => {
  it('keeps at most 21 states', () => {
    const flaps = new FlapDetector()
    for (let i = 0; i < 40; i++) flaps.record(false, thresholds)
    expect(flaps.size).toBe(FLAP_HISTORY)
  })

  it('starts above high, not before, and reports the change once', () => {
    const flaps = new FlapDetector()
    for (const problem of steady(21)) flaps.record(problem, thresholds)
    const changes: number[] = []
    for (let i = 0; i < 20; i++) {
      if (flaps.record(i % 2 === 0, thresholds)) changes.push(flaps.percentStateChange)
      if (!flaps.flapping) expect(flaps.percentStateChange).toBeLessThanOrEqual(30)
    }
    expect(changes).toHaveLength(1)
    expect(changes[0]).toBeGreaterThan(30)
    expect(flaps.flapping).toBe(true)
  })

  it('stays flapping between the thresholds and stops only below low (hysteresis)', () => {
    const flaps = new FlapDetector()
    for (const problem of alternating(21)) flaps.record(problem, thresholds)
    expect(flaps.flapping).toBe(true)
    const seen: { percent: number; flapping: boolean }[] = []
    for (let i = 0; i < 21; i++) {
      flaps.record(false, thresholds)
      seen.push({ percent: flaps.percentStateChange, flapping: flaps.flapping })
    }
    const between = seen.filter((s) => s.percent >= 20 && s.percent <= 30)
    expect(between.length).toBeGreaterThan(0)
    expect(between.every((s) => s.flapping)).toBe(true)
    const firstStable = seen.findIndex((s) => !s.flapping)
    expect(seen[firstStable]!.percent).toBeLessThan(20)
    expect(seen[firstStable - 1]!.percent).toBeGreaterThanOrEqual(20)
    expect(seen.slice(firstStable).every((s) => !s.flapping)).toBe(true)
  })

  it('never flaps on a short history of a few changes', () => {
    const flaps = new FlapDetector()
    for (const problem of [false, true, false, true, false]) flaps.record(problem, thresholds)
    expect(flaps.percentStateChange).toBeLessThan(30)
    expect(flaps.flapping).toBe(false)
  })

  it('turns off with false thresholds, and judges again when they come back', () => {
    const flaps = new FlapDetector()
    for (const problem of alternating(21)) flaps.record(problem, false)
    expect(flaps.flapping).toBe(false)
    expect(flaps.judge(thresholds)).toBe(true)
    expect(flaps.flapping).toBe(true)
    expect(flaps.judge(false)).toBe(true)
    expect(flaps.flapping).toBe(false)
  })
})
