import { describe, expect, it } from 'vitest'
import { ClockOffset } from './clock-offset.ts'

describe('ClockOffset', () => {
  it('is unknown until the first ack', () => {
    expect(new ClockOffset().offsetMs()).toBeUndefined()
  })

  it('takes the hub reading at the midpoint of the round trip', () => {
    const offset = new ClockOffset()
    // Sent at 1,000, acked at 1,100 local time; the hub read 9,050: the clocks differ by 8,000.
    offset.observe(1_000, 1_100, 9_050)
    expect(offset.offsetMs()).toBe(8_000)
  })

  it('is negative when the probe runs ahead of the hub', () => {
    const offset = new ClockOffset()
    offset.observe(10_000, 10_020, 7_010)
    expect(offset.offsetMs()).toBe(-3_000)
  })

  it('smooths samples so one outlier moves the estimate only a little', () => {
    const offset = new ClockOffset({ smoothing: 0.2 })
    for (let i = 0; i < 10; i++) offset.observe(i * 1_000, i * 1_000 + 10, i * 1_000 + 5)
    expect(offset.offsetMs()).toBe(0)
    offset.observe(20_000, 20_010, 20_005 + 1_000)
    expect(offset.offsetMs()).toBe(200)
  })

  it('follows a real clock step within a few dozen acks', () => {
    const offset = new ClockOffset()
    offset.observe(0, 10, 5)
    for (let i = 1; i <= 30; i++) offset.observe(i * 1_000, i * 1_000 + 10, i * 1_000 + 5 + 4_000)
    expect(offset.offsetMs()).toBeGreaterThan(3_950)
  })

  it('ignores samples whose round trip makes them too imprecise', () => {
    const offset = new ClockOffset({ maxRoundTripMs: 2_000 })
    expect(offset.observe(0, 30_000, 60_000)).toBe(false)
    expect(offset.offsetMs()).toBeUndefined()
    expect(offset.observe(5_000, 4_000, 0)).toBe(false)
    expect(offset.observe(0, 100, 50)).toBe(true)
    expect(offset.offsetMs()).toBe(0)
  })
})
