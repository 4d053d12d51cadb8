import { describe, expect, it } from 'vitest'
import { checkAvailability, countAvailability, timeAvailability } from './availability.ts'
import { emptyCounts, type StatusCounts } from '../store/status-counts.ts'
import type { Outage } from '../alerts/alert-state.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const LAST_HOUR = { from: NOW - HOUR, to: NOW }

function counts(fields: Partial<StatusCounts>): StatusCounts {
  return { ...emptyCounts(), ...fields }
}

function outage(
  startedAt: number,
  endedAt: number | null,
  incidentId = `inc-${startedAt}`,
): Outage {
  return { incidentId, checkId: 'api', startedAt, endedAt }
}

describe('countAvailability', () => {
  it('is the share of conclusive runs that were up or degraded', () => {
    expect(countAvailability(counts({ up: 9, down: 1 }))).toBe(0.9)
    expect(countAvailability(counts({ up: 2, degraded: 2 }))).toBe(1)
    expect(countAvailability(counts({ up: 1, degraded: 1, down: 2 }))).toBe(0.5)
    expect(countAvailability(counts({ down: 3 }))).toBe(0)
  })

  it('ignores inconclusive runs', () => {
    expect(countAvailability(counts({ up: 3, down: 1, inconclusive: 100 }))).toBe(0.75)
  })

  it('is null with nothing conclusive', () => {
    expect(countAvailability(emptyCounts())).toBeNull()
    expect(countAvailability(counts({ inconclusive: 12 }))).toBeNull()
  })
})

describe('timeAvailability', () => {
  it('is 1 without outages', () => {
    expect(timeAvailability([], LAST_HOUR, 0)).toBe(1)
  })

  it('subtracts the time of an outage inside the window', () => {
    const sixMinutes = outage(NOW - 10 * MIN, NOW - 4 * MIN)
    expect(timeAvailability([sixMinutes], LAST_HOUR, 0)).toBeCloseTo(0.9, 12)
  })

  it('clips outages to the window at both ends', () => {
    const fromBefore = outage(NOW - 2 * HOUR, NOW - 45 * MIN)
    const pastTheEnd = outage(NOW - 15 * MIN, NOW + HOUR)
    expect(timeAvailability([fromBefore, pastTheEnd], LAST_HOUR, 0)).toBeCloseTo(0.5, 12)
  })

  it('ignores outages entirely outside the window', () => {
    const before = outage(NOW - 3 * HOUR, NOW - 2 * HOUR)
    const after = outage(NOW + MIN, NOW + 2 * MIN)
    const endsAtStart = outage(NOW - 2 * HOUR, NOW - HOUR)
    expect(timeAvailability([before, after, endsAtStart], LAST_HOUR, 0)).toBe(1)
  })

  it('runs an open outage to the end of the window', () => {
    expect(timeAvailability([outage(NOW - 15 * MIN, null)], LAST_HOUR, 0)).toBeCloseTo(0.75, 12)
    expect(timeAvailability([outage(NOW - 2 * HOUR, null)], LAST_HOUR, 0)).toBe(0)
  })

  it('counts overlapping outages once', () => {
    const a = outage(NOW - 30 * MIN, NOW - 20 * MIN)
    const b = outage(NOW - 25 * MIN, NOW - 10 * MIN)
    const inside = outage(NOW - 28 * MIN, NOW - 27 * MIN)
    // 20 minutes covered: 30..10 minutes ago
    expect(timeAvailability([b, inside, a], LAST_HOUR, 0)).toBeCloseTo(40 / 60, 12)
  })

  it('counts an open outage overlapping a closed one once', () => {
    const closed = outage(NOW - 20 * MIN, NOW - 5 * MIN)
    const open = outage(NOW - 10 * MIN, null)
    expect(timeAvailability([closed, open], LAST_HOUR, 0)).toBeCloseTo(40 / 60, 12)
  })

  it('adds up outages that touch without overlapping', () => {
    const a = outage(NOW - 30 * MIN, NOW - 20 * MIN)
    const b = outage(NOW - 20 * MIN, NOW - 10 * MIN)
    expect(timeAvailability([a, b], LAST_HOUR, 0)).toBeCloseTo(40 / 60, 12)
  })

  it('ignores zero-length and inverted outages', () => {
    const zero = outage(NOW - 30 * MIN, NOW - 30 * MIN)
    const inverted = outage(NOW - 10 * MIN, NOW - 20 * MIN)
    expect(timeAvailability([zero, inverted], LAST_HOUR, 0)).toBe(1)
  })

  it('starts the window when monitoring started', () => {
    // monitored for the last 20 minutes, 5 of them in an outage
    const fiveMinutes = outage(NOW - 10 * MIN, NOW - 5 * MIN)
    expect(timeAvailability([fiveMinutes], LAST_HOUR, NOW - 20 * MIN)).toBeCloseTo(0.75, 12)
  })

  it('clips outages that started before monitoring did', () => {
    expect(timeAvailability([outage(NOW - HOUR, null)], LAST_HOUR, NOW - 10 * MIN)).toBe(0)
  })

  it('is null before anything was monitored', () => {
    expect(timeAvailability([], LAST_HOUR, null)).toBeNull()
    expect(timeAvailability([], LAST_HOUR, NOW)).toBeNull()
    expect(timeAvailability([], LAST_HOUR, NOW + MIN)).toBeNull()
  })

  it('is null for an empty window', () => {
    expect(timeAvailability([], { from: NOW, to: NOW }, 0)).toBeNull()
  })
})

describe('checkAvailability', () => {
  const base = { window: LAST_HOUR, monitoredSince: NOW - 2 * HOUR }

  it('is time-based overall and count-based per region', () => {
    const result = checkAvailability({
      ...base,
      regionCounts: {
        'eu-west': counts({ up: 50, down: 10 }),
        'us-east': counts({ up: 60 }),
      },
      // one region failing alone never confirmed an outage, so overall stays at 100%
      outages: [],
    })
    expect(result).toEqual({ overall: 1, regions: { 'eu-west': 50 / 60, 'us-east': 1 } })
  })

  it('takes confirmed outages off the overall figure', () => {
    const result = checkAvailability({
      ...base,
      regionCounts: {
        'eu-west': counts({ up: 54, down: 6 }),
        'us-east': counts({ up: 54, down: 6 }),
      },
      outages: [outage(NOW - 6 * MIN, NOW)],
    })
    expect(result.overall).toBeCloseTo(0.9, 12)
    expect(result.regions).toEqual({ 'eu-west': 0.9, 'us-east': 0.9 })
  })

  it('lists configured regions without data as null', () => {
    const result = checkAvailability({
      ...base,
      regions: ['eu-west', 'ap-south'],
      regionCounts: { 'eu-west': counts({ up: 1 }) },
      outages: [],
    })
    expect(result.regions).toEqual({ 'eu-west': 1, 'ap-south': null })
  })

  it('is null overall when every run was inconclusive and no outage touched the window', () => {
    const result = checkAvailability({
      ...base,
      regionCounts: { 'eu-west': counts({ inconclusive: 60 }) },
      outages: [outage(NOW - 3 * HOUR, NOW - 2 * HOUR)],
    })
    expect(result).toEqual({ overall: null, regions: { 'eu-west': null } })
  })

  it('still reports an open outage when the probes went inconclusive', () => {
    const result = checkAvailability({
      ...base,
      regionCounts: { 'eu-west': counts({ inconclusive: 60 }) },
      outages: [outage(NOW - 30 * MIN, null)],
    })
    expect(result.overall).toBeCloseTo(0.5, 12)
  })

  it('is null everywhere with no data at all', () => {
    const result = checkAvailability({
      window: LAST_HOUR,
      monitoredSince: null,
      regions: ['eu-west'],
      regionCounts: {},
      outages: [],
    })
    expect(result).toEqual({ overall: null, regions: { 'eu-west': null } })
  })
})

describe('maintenance', () => {
  const window = (from: number, to: number) => ({ from, to })

  it('takes maintenance time out of both the window and the outage time', () => {
    // 10 minutes of maintenance, 5 of them inside a 10-minute outage: 5 of 50 minutes lost
    const down = outage(NOW - 20 * MIN, NOW - 10 * MIN)
    const planned = window(NOW - 15 * MIN, NOW - 5 * MIN)
    expect(timeAvailability([down], LAST_HOUR, 0, [planned])).toBeCloseTo(45 / 50, 12)
  })

  it('leaves an outage entirely inside maintenance without effect', () => {
    const down = outage(NOW - 20 * MIN, NOW - 10 * MIN)
    const planned = window(NOW - 30 * MIN, NOW)
    expect(timeAvailability([down], LAST_HOUR, 0, [planned])).toBe(1)
  })

  it('counts overlapping windows once and clips them to what was monitored', () => {
    const down = outage(NOW - 10 * MIN, NOW)
    const planned = [window(NOW - 3 * HOUR, NOW - 50 * MIN), window(NOW - 55 * MIN, NOW - 40 * MIN)]
    // monitored for the last 50 minutes (the first 10 were maintenance): 10 of 40 down
    expect(timeAvailability([down], LAST_HOUR, NOW - 50 * MIN, planned)).toBeCloseTo(30 / 40, 12)
  })

  it('is null when the whole window was maintenance', () => {
    expect(timeAvailability([outage(NOW - HOUR, null)], LAST_HOUR, 0, [LAST_HOUR])).toBeNull()
  })

  it('changes nothing for a check whose down runs fell inside maintenance', () => {
    // The store rolled the down runs up as maintenance; the engine never saw them, so
    // there is no outage either: the check looks exactly as if the window had been quiet.
    const result = checkAvailability({
      window: LAST_HOUR,
      monitoredSince: NOW - 2 * HOUR,
      regionCounts: { 'eu-west': counts({ up: 50, maintenance: 10 }) },
      outages: [],
      maintenance: [window(NOW - 20 * MIN, NOW - 10 * MIN)],
    })
    expect(result).toEqual({ overall: 1, regions: { 'eu-west': 1 } })
  })

  it('keeps the overall figure of a real outage beside a maintenance window', () => {
    const result = checkAvailability({
      window: LAST_HOUR,
      monitoredSince: NOW - 2 * HOUR,
      regionCounts: { 'eu-west': counts({ up: 44, down: 6, maintenance: 10 }) },
      outages: [outage(NOW - 6 * MIN, NOW)],
      maintenance: [window(NOW - 30 * MIN, NOW - 20 * MIN)],
    })
    expect(result.overall).toBeCloseTo(44 / 50, 12)
    expect(result.regions['eu-west']).toBeCloseTo(44 / 50, 12)
  })
})
