import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { DEFAULT_SLO } from '../../checks/alerting.ts'
import type { CheckResult } from '../../checks/result.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { IncidentResults } from './incident-results.ts'
import { ResultStore } from '../store/result-store.ts'
import { computeImpact, incidentSamples, SAMPLE_LEAD_IN_MS } from './incident-impact.ts'
import { IncidentStore, type IncidentKind } from './incident-store.ts'

const MIN = 60_000
const DAY = 24 * 60 * MIN
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0)

function setup() {
  const db = new Database(':memory:')
  const incidents = new IncidentStore(db)
  const store = new ResultStore(db)
  const results = new IncidentResults(db)
  const sources = (now: number, slo = DEFAULT_SLO) => ({
    results,
    slo,
    outages: (checkId: string, from: number, to: number) => incidents.outages(checkId, from, to),
    now,
  })
  return { incidents, store, results, sources }
}

/** One run a minute in each region from `fromMinute` to `toMinute` (exclusive) after T0. */
function runs(
  region: string,
  fromMinute: number,
  toMinute: number,
  status: CheckResult['status'],
): CheckResult[] {
  const list: CheckResult[] = []
  for (let m = fromMinute; m < toMinute; m++) {
    list.push(makeResult({ checkId: 'api', region, scheduledAt: T0 + m * MIN + 500, status }))
  }
  return list
}

function openDown(incidents: IncidentStore, at: number, kind: IncidentKind = 'down'): string {
  return incidents.open({ kind, checkId: 'api', at, regions: ['eu-west'], firstError: null })
}

describe('computeImpact', () => {
  it('a 43-minute outage against 99.9 % over 30 days consumes 99.5 % of the 43.2-minute budget', () => {
    const { incidents, store, sources } = setup()
    store.insert(runs('eu-west', -60 * 24 * 10, -60 * 24 * 10 + 1, 'up'))
    const id = openDown(incidents, T0)
    incidents.resolve(id, T0 + 43 * MIN)

    const impact = computeImpact(incidents.get(id)!, sources(T0 + 2 * DAY))

    expect(impact.durationMs).toBe(43 * MIN)
    expect(impact.errorBudget.target).toBe(99.9)
    expect(impact.errorBudget.windowMs).toBe(30 * DAY)
    expect(impact.errorBudget.allowedDowntimeMs).toBeCloseTo(43.2 * MIN, 3)
    expect(impact.errorBudget.consumedMs).toBeCloseTo(43 * MIN, 3)
    expect(impact.errorBudget.consumedShare).toBeCloseTo(43 / 43.2, 6)
    expect(impact.errorBudget.remainingShare).toBeCloseTo(1 - 43 / 43.2, 6)
    // Monitored for the last 10 days of the window ending at the incident's end.
    const monitored = 10 * DAY + 43 * MIN - 500
    expect(impact.availability).toBeCloseTo(1 - (43 * MIN) / monitored, 9)
  })

  it('runs an open incident to now, and counts earlier outages in the remaining budget', () => {
    const { incidents, sources } = setup()
    const earlier = openDown(incidents, T0 - 5 * DAY)
    incidents.resolve(earlier, T0 - 5 * DAY + 30 * MIN)
    const id = openDown(incidents, T0)

    const impact = computeImpact(incidents.get(id)!, sources(T0 + 20 * MIN))

    expect(impact.durationMs).toBe(20 * MIN)
    expect(impact.errorBudget.consumedShare).toBeCloseTo(20 / 43.2, 6)
    expect(impact.errorBudget.remainingShare).toBeCloseTo(1 - 50 / 43.2, 6)
    expect(impact.errorBudget.remainingShare).toBeLessThan(0)
  })

  it('counts only the part of the incident inside the SLO window', () => {
    const { incidents, sources } = setup()
    const id = openDown(incidents, T0)
    incidents.resolve(id, T0 + 2 * 60 * MIN)

    const impact = computeImpact(
      incidents.get(id)!,
      sources(T0 + DAY, { target: 99, window: '1h' }),
    )

    expect(impact.durationMs).toBe(120 * MIN)
    expect(impact.errorBudget.allowedDowntimeMs).toBeCloseTo(0.6 * MIN, 6)
    expect(impact.errorBudget.consumedMs).toBeCloseTo(60 * MIN, 6)
    expect(impact.availability).toBeCloseTo(0, 9)
  })

  it('leaves maintenance out of the availability when the hub knows the windows', () => {
    const { incidents, store, sources } = setup()
    store.insert(runs('eu-west', -120, -119, 'up'))
    const id = openDown(incidents, T0)
    incidents.resolve(id, T0 + 6 * MIN)
    const hour = { target: 99, window: '1h' }
    const maintenance = () => [{ from: T0 - 30 * MIN, to: T0 }]

    const without = computeImpact(incidents.get(id)!, sources(T0 + DAY, hour))
    const withWindows = computeImpact(incidents.get(id)!, {
      ...sources(T0 + DAY, hour),
      maintenance,
    })

    expect(without.availability).toBeCloseTo(0.9, 9)
    expect(withWindows.availability).toBeCloseTo(1 - 6 / 30, 9)
  })

  it('costs no budget for incidents that are not outages', () => {
    const { incidents, sources } = setup()
    const id = openDown(incidents, T0, 'degraded')
    incidents.resolve(id, T0 + 10 * MIN)
    const probe = incidents.open({
      kind: 'probe',
      checkId: 'probe:eu-west-1',
      at: T0,
      regions: ['eu-west'],
      firstError: null,
    })

    const degraded = computeImpact(incidents.get(id)!, sources(T0 + 60 * MIN))
    expect(degraded.errorBudget).toMatchObject({
      consumedMs: 0,
      consumedShare: 0,
      remainingShare: 1,
    })
    expect(degraded.availability).toBe(1)
    expect(computeImpact(incidents.get(probe)!, sources(T0 + 60 * MIN)).availability).toBeNull()
  })

  it('counts failed and conclusive runs during the incident and every region that failed', () => {
    const { incidents, store, sources } = setup()
    store.insert([
      ...runs('eu-west', 0, 10, 'up'),
      ...runs('eu-west', 10, 20, 'down'),
      ...runs('us-east', 10, 14, 'up'),
      ...runs('us-east', 14, 20, 'down'),
      ...runs('ap-south', 10, 20, 'inconclusive'),
    ])
    const id = incidents.open({
      checkId: 'api',
      at: T0 + 10 * MIN,
      regions: ['eu-west'],
      firstError: null,
    })
    incidents.addEvent(id, T0 + 14 * MIN, 'region', { region: 'us-east', state: 'failing' })
    incidents.addEvent(id, T0 + 15 * MIN, 'region', { region: 'eu-west', state: 'passing' })
    incidents.addEvent(id, T0 + 16 * MIN, 'region', { region: 'ap-south', state: 'inconclusive' })
    incidents.resolve(id, T0 + 20 * MIN)

    const impact = computeImpact(incidents.get(id)!, sources(T0 + 30 * MIN))

    expect(impact.regions).toEqual(['eu-west', 'us-east'])
    expect(impact.failedRuns).toBe(16)
    expect(impact.totalRuns).toBe(20)
  })
})

describe('incidentSamples', () => {
  it('looks a little before the incident fired, up to its end', () => {
    const { incidents, store, results } = setup()
    store.insert([
      ...runs('eu-west', -10, -6, 'down'),
      ...runs('eu-west', -2, 3, 'down'),
      ...runs('eu-west', 3, 6, 'up'),
    ])
    const id = openDown(incidents, T0)
    incidents.resolve(id, T0 + 3 * MIN)

    const samples = incidentSamples(results, incidents.get(id)!, 10, T0 + 60 * MIN)

    expect(SAMPLE_LEAD_IN_MS).toBe(5 * MIN)
    expect(samples.map((s) => (s.scheduledAt - T0 - 500) / MIN)).toEqual([-2, -1, 0, 1, 2])
  })

  it("starts at the incident's own failure episode, not an earlier contained one", () => {
    const { incidents, store, results } = setup()
    store.insert([
      // An earlier failure in another region, contained and passed before this outage.
      ...runs('ap-south', -4, -2, 'down'),
      ...runs('eu-west', -1, 3, 'down'),
    ])
    const failingSince = T0 - MIN + 500
    const id = incidents.open({
      checkId: 'api',
      at: T0,
      regions: ['eu-west'],
      firstError: null,
      failingSince,
    })
    incidents.resolve(id, T0 + 3 * MIN)

    const samples = incidentSamples(results, incidents.get(id)!, 10, T0 + 60 * MIN)

    expect(samples.map((s) => s.region)).toEqual(['eu-west', 'eu-west', 'eu-west', 'eu-west'])
    expect(samples[0]!.scheduledAt).toBe(failingSince)
  })
})
