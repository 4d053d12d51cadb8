import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { Silences } from '../silences/silences.ts'
import { HubState } from '../store/hub-state.ts'
import { openDatabase } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { emptyCounts } from '../store/status-counts.ts'
import { buildCheckView, checkTarget, worstStatus, type CheckView } from './check-view.ts'

describe('worstStatus', () => {
  it('shows down over degraded over up', () => {
    expect(worstStatus({ ...emptyCounts(), up: 5, degraded: 1, down: 1 })).toBe('down')
    expect(worstStatus({ ...emptyCounts(), up: 5, degraded: 1 })).toBe('degraded')
    expect(worstStatus({ ...emptyCounts(), up: 5, inconclusive: 3 })).toBe('up')
  })

  it('shows inconclusive only when nothing conclusive ran, and null without results', () => {
    expect(worstStatus({ ...emptyCounts(), inconclusive: 2 })).toBe('inconclusive')
    expect(worstStatus(emptyCounts())).toBeNull()
  })
})

describe('checkTarget', () => {
  it('is the URL of an HTTP check and the host of a ping', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west'] },
      checks: [
        { kind: 'http', id: 'site', url: 'https://example.com/health' },
        { kind: 'ping', id: 'gw', host: 'gw.example.com' },
      ],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    expect(outcome.config.checks.map(checkTarget)).toEqual([
      'https://example.com/health',
      'gw.example.com',
    ])
  })

  it('is host:port for TCP and the query with its resolver for DNS', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west'] },
      checks: [
        { kind: 'tcp', id: 'smtp', host: 'mail.example.com', port: 25 },
        { kind: 'tcp', id: 'v6', host: '2001:db8::25', port: 25 },
        { kind: 'dns', id: 'api-a', name: 'api.example.com' },
        { kind: 'dns', id: 'mx', name: 'example.com', type: 'MX', server: '[2001:db8::53]:53' },
      ],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    expect(outcome.config.checks.map(checkTarget)).toEqual([
      'mail.example.com:25',
      '[2001:db8::25]:25',
      'api.example.com A',
      'example.com MX @[2001:db8::53]:53',
    ])
  })
})

describe('buildCheckView during maintenance', () => {
  const MIN = 60_000
  const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
  const cleanups: Array<() => void> = []
  afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()))

  /** A check's availability after an hour of up runs, with the given minutes down. */
  async function availabilityWith(downMinutes: number[]): Promise<CheckView['availability']> {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west'] },
      maintenance: [
        { match: { tags: ['db'] }, start: '2026-01-01T11:30:00Z', end: '2026-01-01T11:40:00Z' },
      ],
      checks: [{ kind: 'http', id: 'api', url: 'https://example.com', tags: ['db'] }],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const { config } = outcome
    const dir = mkdtempSync(join(tmpdir(), 'vantage-check-view-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const silences = await Silences.open(await HubState.open(dir), {
      clock: new ManualClock(NOW),
      config: () => config,
    })
    const db = openDatabase(':memory:')
    cleanups.push(() => db.close())
    const results = new ResultStore(db)
    const history = [...Array(60).keys()].map((m) =>
      makeResult({
        checkId: 'api',
        scheduledAt: NOW - 60 * MIN + m * MIN,
        status: downMinutes.includes(m) ? 'down' : 'up',
      }),
    )
    results.insert(history, { inMaintenance: silences.resultPredicate(() => config.checks) })
    const view = buildCheckView(
      {
        results,
        alertState: () => ({
          checkId: 'api',
          status: 'up',
          regions: {},
          failingRegions: [],
          since: null,
          incidentId: null,
        }),
        outages: () => [],
        maintenanceWindows: (check, from, to) => silences.maintenanceWindows(check, from, to),
      },
      config.checks[0]!,
      NOW,
    )
    return view.availability
  }

  it('a down result inside a maintenance window changes nothing', async () => {
    const quiet = await availabilityWith([])
    // minutes 30 to 39 are the window (11:30 to 11:40)
    const inside = await availabilityWith([31, 32, 35])
    expect(inside).toEqual(quiet)
    expect(inside['1h'].regions['eu-west']).toBe(1)
  })

  it('a down result outside it still counts', async () => {
    const outside = await availabilityWith([45])
    expect(outside['1h'].regions['eu-west']).toBeCloseTo(49 / 50, 12)
  })
})

describe('buildCheckView with the latency watch', () => {
  it('shows each region’s latency against its baseline, and why it is slow', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west', 'us-east'] },
      checks: [{ kind: 'http', id: 'api', url: 'https://example.com' }],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const db = openDatabase(':memory:')
    const slow = {
      currentMs: 412,
      at: 0,
      baselineMs: 180,
      score: 0.83,
      reasons: ['latency 412 ms, expected 180 ms, anomaly score 0.83'],
      anomaly: { since: 0, baselineMs: 180, peakScore: 0.83 },
    }
    const view = buildCheckView(
      {
        results: new ResultStore(db),
        alertState: () => ({
          checkId: 'api',
          status: 'up',
          regions: { 'eu-west': 'degraded', 'us-east': 'passing' },
          failingRegions: [],
          since: null,
          incidentId: null,
          latency: { 'eu-west': slow },
        }),
        outages: () => [],
      },
      outcome.config.checks[0]!,
      Date.UTC(2026, 0, 1),
    )
    db.close()
    expect(view.regions['eu-west']).toMatchObject({ state: 'degraded', latency: slow })
    expect(view.regions['us-east']).not.toHaveProperty('latency')
  })
})
