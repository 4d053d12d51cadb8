import { describe, expect, it } from 'vitest'
import { DAY_MS, HOUR_MS, emptyProfile, learnProfile, profileAt } from './seasonal-profile.ts'

describe('seasonal profiles', () => {
  it('reads 0 before anything is learned', () => {
    expect(profileAt(emptyProfile(24), DAY_MS, 5 * HOUR_MS)).toBe(0)
  })

  it('takes a first visit as it is and interpolates between bucket centres', () => {
    const profile = emptyProfile(24)
    learnProfile(profile, DAY_MS, 2.5 * HOUR_MS, 10, 0.1) // the centre of bucket 2
    learnProfile(profile, DAY_MS, 3.5 * HOUR_MS, 20, 0.1)
    expect(profileAt(profile, DAY_MS, 2.5 * HOUR_MS)).toBeCloseTo(10)
    expect(profileAt(profile, DAY_MS, 3 * HOUR_MS)).toBeCloseTo(15)
  })

  it('moves a known bucket toward a new offset by its rate', () => {
    const profile = emptyProfile(24)
    learnProfile(profile, DAY_MS, 2.5 * HOUR_MS, 10, 0.5)
    learnProfile(profile, DAY_MS, 2.5 * HOUR_MS, 20, 0.5)
    expect(profileAt(profile, DAY_MS, 2.5 * HOUR_MS)).toBeCloseTo(15)
  })

  it('wraps around midnight and repeats every period', () => {
    const profile = emptyProfile(24)
    learnProfile(profile, DAY_MS, 23.5 * HOUR_MS, 8, 0.1)
    learnProfile(profile, DAY_MS, 0.5 * HOUR_MS, 4, 0.1)
    expect(profileAt(profile, DAY_MS, 0)).toBeCloseTo(6)
    expect(profileAt(profile, DAY_MS, 3 * DAY_MS)).toBeCloseTo(6)
  })
})
