import { describe, expect, it } from 'vitest'
import { StateTimeRing } from './state-time-ring.ts'

const HOUR = 3_600_000

describe('StateTimeRing', () => {
  it('keeps each check’s times per period, and a claimed place starts from zero', () => {
    const ring = new StateTimeRing(HOUR, 3, 2)
    expect(ring.claim(0, 2)).toBe(true)
    expect(ring.claim(0, 2)).toBe(false)
    ring.set(0, 0, [1, 2, 3, 4])
    ring.set(1, 0, [5, 6, 7, 8])
    expect(ring.get(1, 0, 2)).toBe(7)
    expect([...ring.row(0, 2)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    // Three hours later the same place holds another hour, zeroed.
    expect(ring.holds(3 * HOUR)).toBe(false)
    ring.claim(3 * HOUR, 2)
    expect(ring.holds(0)).toBe(false)
    expect([...ring.row(3 * HOUR, 2)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0])
  })

  it('keeps what it holds when it grows for more checks', () => {
    const ring = new StateTimeRing(HOUR, 2, 1)
    ring.claim(HOUR, 1)
    ring.set(0, HOUR, [9, 0, 1, 0])
    ring.grow(5)
    ring.set(4, HOUR, [1, 1, 1, 1])
    expect(ring.get(0, HOUR, 0)).toBe(9)
    expect(ring.get(4, HOUR, 3)).toBe(1)
  })
})
