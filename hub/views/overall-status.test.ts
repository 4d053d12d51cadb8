import { describe, expect, it } from 'vitest'
import { overallStatus } from './overall-status.ts'

describe('overallStatus', () => {
  it('is operational when every known check is up', () => {
    expect(overallStatus(['up', 'up'])).toBe('operational')
    expect(overallStatus(['up', 'unknown'])).toBe('operational')
  })

  it('is a partial outage when some checks are down or partially failing', () => {
    expect(overallStatus(['up', 'partial'])).toBe('partial')
    expect(overallStatus(['up', 'down', 'unknown'])).toBe('partial')
    expect(overallStatus(['partial', 'partial'])).toBe('partial')
  })

  it('is a major outage when everything that reports is down', () => {
    expect(overallStatus(['down', 'down'])).toBe('major')
    expect(overallStatus(['down', 'unknown'])).toBe('major')
  })

  it('is unknown without any known state', () => {
    expect(overallStatus([])).toBe('unknown')
    expect(overallStatus(['unknown', 'unknown'])).toBe('unknown')
  })
})
