import { describe, expect, it } from 'vitest'
import { addToMedian, medianOf, newMedian } from './streaming-median.ts'

describe('the streaming median', () => {
  it('is exact for up to five values', () => {
    const state = newMedian()
    expect(medianOf(state)).toBeNull()
    for (const value of [9, 1, 5, 3]) addToMedian(state, value)
    expect(medianOf(state)).toBe(4)
    addToMedian(state, 7)
    expect(medianOf(state)).toBe(5)
  })

  it('stays close to the true median of a long skewed stream', () => {
    const state = newMedian()
    const values: number[] = []
    let seed = 42
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1664525 + 1013904223) >>> 0
      const value = 100 * Math.exp((seed / 2 ** 32 - 0.5) * 2)
      values.push(value)
      addToMedian(state, value)
    }
    const exact = values.sort((a, b) => a - b)[2500]!
    expect(Math.abs(medianOf(state)! - exact) / exact).toBeLessThan(0.03)
  })

  it('survives a trip through JSON', () => {
    const state = newMedian()
    for (let i = 0; i < 50; i++) addToMedian(state, i)
    const copy = JSON.parse(JSON.stringify(state))
    addToMedian(state, 100)
    addToMedian(copy, 100)
    expect(medianOf(copy)).toBe(medianOf(state))
  })
})
