import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../checks/alert-event.ts'
import type { CheckResult } from '../../checks/result.ts'
import { checkSpecSchema, type CheckSpec } from '../../checks/spec.ts'
import { ManualClock } from '../../lib/clock.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { LatencyWatch } from './latency-watch.ts'

const MIN = 60_000
const REGIONS = ['eu-west', 'us-east', 'ap-south']

function spec(overrides: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'http',
    id: 'api',
    url: 'https://api.example.com/health',
    regions: REGIONS,
    ...overrides,
  })
}

function result(region: string, at: number, durationMs: number, status = 'up'): CheckResult {
  return {
    id: '01KDX2Q4Q8M0N6V8S9T1ABCDEF',
    checkId: 'api',
    kind: 'http',
    configVersion: '1-abcdef12',
    probeId: `probe-${region}`,
    region,
    scheduledAt: at,
    startedAt: at,
    durationMs,
    status: status as CheckResult['status'],
    assertions: [],
    trigger: 'schedule',
  }
}

function bench(specs = [spec()], db = new Database(':memory:'), clock = new ManualClock()) {
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  const watch = new LatencyWatch({ db, clock, incidents, onEvent: (e) => events.push(e) })
  watch.setChecks(specs)
  let seed = 7
  const noise = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0
    return 1 + 0.1 * (seed / 2 ** 32 - 0.5)
  }
  /** Minutes of runs in every region, each region's latency from `ms`. */
  function run(minutes: number, ms: (region: string) => number, check = specs[0]!) {
    const reasons: Record<string, string[] | null> = {}
    for (let i = 0; i < minutes; i++) {
      clock.advance(MIN)
      for (const region of REGIONS) {
        reasons[region] = watch.observe(check, result(region, clock.now(), ms(region) * noise()))
      }
    }
    return reasons
  }
  return { db, clock, incidents, events, watch, run }
}

const BASE: Record<string, number> = { 'eu-west': 40, 'us-east': 110, 'ap-south': 180 }

describe('LatencyWatch', () => {
  it('marks the regions that slowed down and sends one ticket when two agree', () => {
    const { events, incidents, watch, run } = bench()
    run(2 * 1440, (region) => BASE[region]!)
    const slow = new Set(['eu-west', 'us-east'])
    const reasons = run(6, (region) => BASE[region]! * (slow.has(region) ? 2 : 1))
    expect(reasons['eu-west']).toEqual([expect.stringMatching(/^latency \d+ ms, expected \d+ ms/)])
    expect(reasons['ap-south']).toBeNull()
    expect(events).toMatchObject([
      { type: 'anomaly', checkId: 'api', regions: ['eu-west', 'us-east'], quorum: 2 },
    ])
    expect(incidents.openIncidents()).toMatchObject([{ kind: 'anomaly', checkId: 'api' }])
    const view = watch.describe('api')!
    expect(view['us-east']).toMatchObject({ anomaly: { baselineMs: expect.any(Number) } })
    expect(view['us-east']!.baselineMs!).toBeLessThan(view['us-east']!.currentMs)
    expect(view['ap-south']).toMatchObject({ reasons: [], anomaly: null })

    run(600, (region) => BASE[region]! * (slow.has(region) ? 2 : 1))
    expect(watch.reasons('api', 'eu-west')).toBeNull()
    expect(incidents.openIncidents()).toEqual([])
    expect(events).toHaveLength(1)
  })

  it('marks one slow region degraded and tells nobody', () => {
    const { events, watch, run } = bench()
    run(2 * 1440, (region) => BASE[region]!)
    run(6, (region) => BASE[region]! * (region === 'ap-south' ? 2 : 1))
    expect(watch.reasons('api', 'ap-south')).not.toBeNull()
    expect(events).toEqual([])
  })

  it('carries on after a restart without telling the same anomaly twice', () => {
    const db = new Database(':memory:')
    const clock = new ManualClock()
    const first = bench([spec()], db, clock)
    first.run(2 * 1440, (region) => BASE[region]!)
    first.run(6, (region) => BASE[region]! * (region === 'ap-south' ? 1 : 2))
    expect(first.events).toHaveLength(1)
    first.watch.flush(true)

    const second = bench([spec()], db, clock)
    expect(second.watch.reasons('api', 'eu-west')).not.toBeNull()
    second.run(3, (region) => BASE[region]! * (region === 'ap-south' ? 1 : 2))
    expect(second.events).toEqual([])
    expect(second.incidents.openIncidents()).toHaveLength(1)
  })

  it('judges expect.latency limits, and turns the detector off with anomaly: false', () => {
    const check = spec({ anomaly: false, expect: { latency: { p50: { above: '150ms' } } } })
    const { events, incidents, watch, run } = bench([check])
    run(30, (region) => (region === 'ap-south' ? 180 : 40), check)
    expect(watch.reasons('api', 'ap-south')).toEqual([
      expect.stringMatching(/^p50 1\d\d ms, above 150 ms$/),
    ])
    expect(watch.describe('api')!['eu-west']).toMatchObject({ score: null, baselineMs: null })
    expect(events).toEqual([])
    expect(incidents.openIncidents()).toEqual([])
  })

  it('closes an open ticket quietly when the check is removed', () => {
    const { incidents, watch, run } = bench()
    run(2 * 1440, (region) => BASE[region]!)
    run(6, (region) => BASE[region]! * 3)
    expect(incidents.openIncidents()).toHaveLength(1)
    watch.setChecks([])
    expect(incidents.openIncidents()).toEqual([])
    expect(watch.describe('api')).toBeUndefined()
  })

  it('learns nothing from failed runs', () => {
    const { watch, clock } = bench()
    const check = spec()
    clock.advance(MIN)
    expect(watch.observe(check, result('eu-west', clock.now(), 10_000, 'down'))).toBeNull()
    expect(watch.describe('api')).toBeUndefined()
  })
})
