import Database from 'better-sqlite3'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { checkSpecSchema, type CheckSpec } from '../../checks/spec.ts'
import { ManualClock } from '../../lib/clock.ts'
import { DEFAULT_ALERTING } from '../../checks/alerting.ts'
import type { AlertEvent, ProbeInfo } from '../types.ts'
import { AlertEngine, type AlertEngineOptions } from './alert-engine.ts'
import { IncidentStore } from './incident-store.ts'

const MIN = 60_000
const REGIONS = ['eu-west', 'us-east', 'ap-south']
const refused = { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' }
const timeout = { code: 'TIMEOUT', message: 'no response within 10s' }

function spec(overrides: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'http',
    id: 'api-health',
    url: 'http://127.0.0.1:8081/health',
    regions: REGIONS,
    ...overrides,
  })
}

function result(
  region: string,
  status: CheckStatus,
  scheduledAt: number,
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id: ulid(scheduledAt),
    checkId: 'api-health',
    kind: 'http',
    configVersion: '1-abcdef12',
    probeId: `probe-${region}`,
    region,
    scheduledAt,
    startedAt: scheduledAt,
    durationMs: 12,
    status,
    ...(status === 'down' ? { error: refused } : {}),
    assertions: [],
    trigger: 'schedule',
    ...extra,
  }
}

/** A real engine on a real in-memory SQLite store, driven in virtual time. */
function setup(
  specs: CheckSpec[] = [spec()],
  db = new Database(':memory:'),
  options: Partial<AlertEngineOptions> = {},
) {
  const clock = new ManualClock()
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  const engine = new AlertEngine({
    clock,
    incidents,
    onEvent: (e) => events.push(e),
    ...options,
  })
  engine.setChecks(specs)
  /** One scheduled round: the clock moves a minute, then each listed region reports. */
  function round(statuses: Record<string, CheckStatus>, extra: Partial<CheckResult> = {}) {
    clock.advance(MIN)
    for (const [region, status] of Object.entries(statuses)) {
      engine.observe(result(region, status, clock.now(), extra))
    }
  }
  return { db, clock, incidents, events, engine, round }
}

describe('AlertEngine', () => {
  it('shows a single failing region as partial and sends nothing', () => {
    const { engine, events, round } = setup()
    round({ 'eu-west': 'down', 'us-east': 'up', 'ap-south': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'up', 'ap-south': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'degraded', 'ap-south': 'up' })

    expect(events).toEqual([])
    expect(engine.state('api-health')).toMatchObject({
      status: 'partial',
      failingRegions: ['eu-west'],
      regions: { 'eu-west': 'failing', 'us-east': 'passing', 'ap-south': 'passing' },
      incidentId: null,
    })
  })

  it('fires once when 2 of 3 regions fail, with the regions and the first error', () => {
    const { engine, events, incidents, clock, round } = setup()
    round({ 'eu-west': 'up', 'us-east': 'up', 'ap-south': 'up' })
    round({ 'us-east': 'down' }, { error: timeout })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(events).toEqual([])
    round({ 'eu-west': 'down' })

    expect(events).toEqual([
      {
        type: 'fired',
        incidentId: expect.any(String),
        checkId: 'api-health',
        checkName: 'api-health',
        at: clock.now(),
        regions: ['eu-west', 'us-east'],
        quorum: 2,
        firstError: timeout,
        severity: 'down',
        tags: [],
      },
    ])
    const firedAt = clock.now()
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'down' })

    expect(events).toHaveLength(1)
    const incidentId = events[0]!.incidentId
    expect(engine.state('api-health')).toMatchObject({
      status: 'down',
      since: firedAt,
      incidentId,
      failingRegions: REGIONS,
    })
    expect(incidents.openFor('api-health')).toMatchObject({
      incidentId,
      startedAt: firedAt,
      regions: ['eu-west', 'us-east'],
      firstError: timeout,
    })
  })

  it('records result times in the timeline and event times from the clock', () => {
    const { events, incidents, clock, round, engine } = setup()
    round({ 'eu-west': 'down', 'us-east': 'down' })
    clock.advance(MIN)
    // Measured a little before the hub saw it: the result keeps its own time.
    const measuredAt = clock.now() - 3_000
    engine.observe(result('eu-west', 'down', measuredAt))
    engine.observe(result('us-east', 'down', measuredAt))

    const timeline = incidents.get(events[0]!.incidentId)!.timeline
    expect(timeline).toEqual([
      {
        at: clock.now(),
        type: 'fired',
        detail: expect.objectContaining({
          regions: ['eu-west', 'us-east'],
          quorum: 2,
          result: expect.objectContaining({ region: 'us-east', scheduledAt: measuredAt }),
        }),
      },
    ])
  })

  it('needs failAfter consecutive downs in a region; an up in between restarts the count', () => {
    const { events, round } = setup([spec({ alert: { failAfter: 3, recoverAfter: 2 } })])
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(events).toEqual([])

    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(events.map((e) => e.type)).toEqual(['fired'])
  })

  it('needs recoverAfter consecutive ups in a region to pass again', () => {
    const { engine, events, round } = setup([spec({ alert: { failAfter: 1, recoverAfter: 3 } })])
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'eu-west': 'up', 'us-east': 'down' })
    expect(events.map((e) => e.type)).toEqual(['fired'])
    expect(engine.state('api-health').regions['eu-west']).toBe('failing')

    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'us-east': 'up' })
    expect(engine.state('api-health').regions).toMatchObject({
      'eu-west': 'passing',
      'us-east': 'failing',
    })
    // One region still failing is below the quorum of 2: the incident is over.
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved'])
    expect(engine.state('api-health').status).toBe('partial')

    round({ 'us-east': 'up' })
    expect(engine.state('api-health')).toMatchObject({ status: 'up', failingRegions: [] })
  })

  it('resolves once, with the duration from the clock, and closes the incident', () => {
    const { engine, events, incidents, clock, round } = setup()
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    const firedAt = clock.now()
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'up', 'us-east': 'up' })
    clock.advance(30_000)
    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'eu-west': 'up', 'us-east': 'up', 'ap-south': 'up' })

    const [fired, resolved] = events
    expect(events).toHaveLength(2)
    expect(resolved).toEqual({
      type: 'resolved',
      incidentId: fired!.incidentId,
      checkId: 'api-health',
      checkName: 'api-health',
      at: firedAt + 3 * MIN + 30_000,
      regions: ['eu-west', 'us-east'],
      quorum: 2,
      firstError: refused,
      durationMs: 3 * MIN + 30_000,
      severity: 'down',
      tags: [],
    })
    expect(engine.state('api-health')).toMatchObject({ status: 'up', incidentId: null })
    expect(incidents.openIncidents()).toEqual([])
    expect(incidents.outages('api-health', 0, clock.now())).toEqual([
      {
        incidentId: fired!.incidentId,
        checkId: 'api-health',
        startedAt: firedAt,
        endedAt: resolved!.at,
      },
    ])
    expect(incidents.get(fired!.incidentId)!.timeline.map((t) => t.type)).toEqual([
      'fired',
      'region',
      'resolved',
    ])
  })

  it('judges nothing on inconclusive results: they neither count as down nor break a streak', () => {
    const { engine, events, round } = setup()
    for (let i = 0; i < 5; i++) round({ 'eu-west': 'inconclusive', 'us-east': 'inconclusive' })
    expect(events).toEqual([])
    expect(engine.state('api-health')).toMatchObject({
      status: 'insufficient',
      regions: { 'eu-west': 'inconclusive', 'us-east': 'inconclusive', 'ap-south': 'unknown' },
    })

    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'inconclusive', 'us-east': 'inconclusive' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(events.map((e) => e.type)).toEqual(['fired'])

    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'eu-west': 'inconclusive', 'us-east': 'inconclusive' })
    round({ 'eu-west': 'up', 'us-east': 'up' })
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved'])
  })

  it('ignores late and replayed results, so old failures never fire', () => {
    const { engine, events, clock, round } = setup()
    round({ 'eu-west': 'up', 'us-east': 'up' })
    const outageStart = clock.now()
    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'eu-west': 'up', 'us-east': 'up' })
    // A probe that was cut off replays what it measured a minute or two ago.
    engine.observe(result('eu-west', 'down', outageStart + 10_000))
    engine.observe(result('eu-west', 'down', outageStart + 20_000))
    engine.observe(result('us-east', 'down', outageStart + 10_000))
    engine.observe(result('us-east', 'down', outageStart + 20_000))
    // The same result delivered twice is not newer than itself either.
    const duplicate = result('us-east', 'down', clock.now() + 1)
    engine.observe(duplicate)
    engine.observe(duplicate)

    expect(events).toEqual([])
    expect(engine.state('api-health').failingRegions).toEqual([])
  })

  it('ignores results measured longer ago than maxResultAgeMs', () => {
    const clock = new ManualClock()
    const events: AlertEvent[] = []
    const incidents = new IncidentStore(new Database(':memory:'))
    const engine = new AlertEngine({
      clock,
      incidents,
      onEvent: (e) => events.push(e),
      maxResultAgeMs: 5 * MIN,
    })
    engine.setChecks([spec()])
    // A restarted hub receives an outbox replay from half an hour ago, oldest first.
    for (const minutesAgo of [30, 29, 28]) {
      engine.observe(result('eu-west', 'down', clock.now() - minutesAgo * MIN))
      engine.observe(result('us-east', 'down', clock.now() - minutesAgo * MIN))
    }
    expect(events).toEqual([])
    expect(engine.state('api-health').status).toBe('unknown')
  })

  it('ignores regions the check does not run in and checks that are not deployed', () => {
    const { engine, events, round } = setup()
    round({ 'sa-east': 'down', 'eu-west': 'down' })
    round({ 'sa-east': 'down', 'eu-west': 'down' })
    round({ 'sa-east': 'down', 'eu-west': 'down' }, { checkId: 'unknown-check' })

    expect(events).toEqual([])
    expect(engine.state('api-health').regions).not.toHaveProperty('sa-east')
    expect(engine.state('api-health').failingRegions).toEqual(['eu-west'])
    expect(engine.state('unknown-check')).toMatchObject({ status: 'unknown', regions: {} })
  })

  it('uses a quorum of 1 for a single-region check', () => {
    const { engine, events, round } = setup([spec({ regions: ['eu-west'] })])
    round({ 'eu-west': 'down' })
    round({ 'eu-west': 'down' })

    expect(events).toMatchObject([{ type: 'fired', regions: ['eu-west'], quorum: 1 }])
    expect(engine.state('api-health').status).toBe('down')
  })

  it('uses the name in events when the check has one', () => {
    const { events, round } = setup([spec({ name: 'API health', regions: ['eu-west'] })])
    round({ 'eu-west': 'down' })
    round({ 'eu-west': 'down' })
    expect(events[0]).toMatchObject({ checkId: 'api-health', checkName: 'API health' })
  })

  it('after a hub restart, restores the open incident without firing again', () => {
    const db = new Database(':memory:')
    const first = setup([spec()], db)
    first.round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    first.round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    const [fired] = first.events
    expect(fired).toMatchObject({ type: 'fired' })

    const second = setup([spec()], db)
    second.clock.set(first.clock.now())
    expect(second.engine.state('api-health')).toMatchObject({
      status: 'down',
      incidentId: fired!.incidentId,
      since: fired!.at,
      regions: { 'eu-west': 'failing', 'us-east': 'failing', 'ap-south': 'unknown' },
    })
    second.round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    second.round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    expect(second.events).toEqual([])

    // Recovery still takes recoverAfter (2) ups in each restored region.
    second.round({ 'eu-west': 'up', 'us-east': 'up' })
    expect(second.events).toEqual([])
    second.round({ 'eu-west': 'up', 'us-east': 'up' })
    expect(second.events).toMatchObject([
      {
        type: 'resolved',
        incidentId: fired!.incidentId,
        durationMs: second.clock.now() - fired!.at,
        regions: ['eu-west', 'us-east'],
        firstError: refused,
      },
    ])
  })

  it('closes a removed check’s incident quietly, with a note in the timeline', () => {
    const { engine, events, incidents, round } = setup([spec(), spec({ id: 'web' })])
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    const incidentId = events[0]!.incidentId

    engine.setChecks([spec({ id: 'web' })])
    expect(events).toHaveLength(1)
    expect(incidents.openIncidents()).toEqual([])
    expect(incidents.get(incidentId)!.timeline.at(-1)).toMatchObject({
      type: 'note',
      detail: { message: expect.stringContaining('removed') },
    })
    expect(engine.states().map((s) => s.checkId)).toEqual(['web'])
  })

  it('closes quietly an incident restored for a check that is no longer deployed', () => {
    const db = new Database(':memory:')
    const first = setup([spec()], db)
    first.round({ 'eu-west': 'down', 'us-east': 'down' })
    first.round({ 'eu-west': 'down', 'us-east': 'down' })

    const second = setup([spec({ id: 'web' })], db)
    expect(second.events).toEqual([])
    expect(second.incidents.openIncidents()).toEqual([])
  })

  it('keeps region state across a redeploy and fires when a lower quorum is now met', () => {
    const { engine, events, round } = setup()
    round({ 'eu-west': 'down', 'us-east': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'up' })
    expect(engine.state('api-health').status).toBe('partial')

    engine.setChecks([spec({ alert: { quorum: 1, failAfter: 2, recoverAfter: 2 } })])
    expect(events).toMatchObject([{ type: 'fired', regions: ['eu-west'], quorum: 1 }])
    engine.setChecks([spec({ alert: { quorum: 1, failAfter: 2, recoverAfter: 2 } })])
    expect(events).toHaveLength(1)
  })
})

function probe(region: string, state: ProbeInfo['state'] = 'online'): ProbeInfo {
  return {
    probeId: `probe-${region}`,
    state,
    region,
    labels: {},
    capabilities: [],
    version: '1.0.0',
    lastSeen: 0,
  }
}

const everyRegion = (status: CheckStatus) =>
  Object.fromEntries(REGIONS.map((region) => [region, status]))

describe('AlertEngine quorum', () => {
  it('fires on k of n: a quorum of 3 needs all 3 regions failing', () => {
    const { engine, events, round } = setup([spec({ alert: { quorum: 3 } })])
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    expect(events).toEqual([])
    expect(engine.state('api-health')).toMatchObject({ status: 'partial', quorum: 3 })

    round({ 'ap-south': 'down' })
    round({ 'ap-south': 'down' })
    expect(events).toMatchObject([{ type: 'fired', regions: REGIONS, quorum: 3 }])
  })

  it('resolves a percentage against the region count: 50% of 4 is 2', () => {
    const regions = [...REGIONS, 'sa-east']
    const { events, round } = setup([spec({ regions, alert: { quorum: '50%' } })])
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up', 'sa-east': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up', 'sa-east': 'up' })
    expect(events).toMatchObject([{ type: 'fired', regions: ['eu-west', 'us-east'], quorum: 2 }])
  })

  it('defaults to a majority: 2 of 3 regions, 3 of 4', () => {
    expect(setup().engine.state('api-health').quorum).toBe(2)
    const regions = [...REGIONS, 'sa-east']
    const { engine, events, round } = setup([spec({ regions })])
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up', 'sa-east': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up', 'sa-east': 'up' })
    expect(events).toEqual([])
    expect(engine.state('api-health')).toMatchObject({ status: 'partial', quorum: 3 })

    round({ 'ap-south': 'down' })
    round({ 'ap-south': 'down' })
    expect(events).toMatchObject([{ type: 'fired', regions: REGIONS, quorum: 3 }])
  })
})

describe('AlertEngine with offline and inconclusive regions', () => {
  it('does not resolve an outage because a failing region went offline or inconclusive', () => {
    const { engine, events, round } = setup()
    engine.setProbes(REGIONS.map((r) => probe(r)))
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    expect(events.map((e) => e.type)).toEqual(['fired'])

    engine.setProbes([probe('eu-west', 'offline'), probe('us-east'), probe('ap-south')])
    round({ 'us-east': 'down', 'ap-south': 'up' })
    round({ 'us-east': 'inconclusive', 'ap-south': 'up' })
    expect(engine.state('api-health')).toMatchObject({
      status: 'down',
      regions: { 'eu-west': 'offline', 'us-east': 'inconclusive', 'ap-south': 'passing' },
    })
    expect(events.map((e) => e.type)).toEqual(['fired'])

    // Once the region still reporting recovers, at most one region (the silent one) fails.
    round({ 'us-east': 'up', 'ap-south': 'up' })
    round({ 'us-east': 'up', 'ap-south': 'up' })
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved'])
  })

  it('is insufficient, and pages nothing, when two of three regions are offline or inconclusive', () => {
    const { engine, events, round } = setup()
    engine.setProbes([probe('eu-west'), probe('us-east')])
    for (let i = 0; i < 4; i++) round({ 'eu-west': 'down', 'us-east': 'inconclusive' })

    expect(events).toEqual([])
    expect(engine.state('api-health')).toMatchObject({
      status: 'insufficient',
      regions: { 'eu-west': 'failing', 'us-east': 'inconclusive', 'ap-south': 'offline' },
    })
  })

  it('shows a region back online as unknown until its next conclusive result', () => {
    const { engine, round } = setup()
    engine.setProbes([probe('eu-west'), probe('us-east')])
    round({ 'eu-west': 'up', 'us-east': 'up' })
    expect(engine.state('api-health').regions['ap-south']).toBe('offline')

    engine.setProbes(REGIONS.map((r) => probe(r)))
    expect(engine.state('api-health').regions['ap-south']).toBe('unknown')
    round({ 'ap-south': 'inconclusive' })
    expect(engine.state('api-health').regions['ap-south']).toBe('inconclusive')
    round({ 'ap-south': 'up' })
    expect(engine.state('api-health')).toMatchObject({
      status: 'up',
      regions: { 'eu-west': 'passing', 'us-east': 'passing', 'ap-south': 'passing' },
    })
  })
})

describe('AlertEngine DEGRADED', () => {
  it('shows a quorum of degraded regions as degraded without paging by default', () => {
    const { engine, events, incidents, round } = setup()
    round({ 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'up' })
    round({ 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'up' })

    expect(engine.state('api-health')).toMatchObject({
      status: 'degraded',
      regions: { 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'passing' },
      incidentId: null,
    })
    expect(events).toEqual([])
    expect(incidents.openIncidents()).toEqual([])
  })

  it('pages DEGRADED with pageOnDegraded, as its own incident kind', () => {
    const { engine, events, incidents, round } = setup([spec({ alert: { pageOnDegraded: true } })])
    round({ 'eu-west': 'degraded', 'us-east': 'up', 'ap-south': 'up' })
    round({ 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'up' })
    expect(events).toEqual([])
    round({ 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'up' })

    expect(events).toMatchObject([
      { type: 'fired', severity: 'degraded', regions: ['eu-west', 'us-east'], quorum: 2 },
    ])
    const incidentId = events[0]!.incidentId
    expect(incidents.openFor('api-health', 'degraded')).toMatchObject({ incidentId })
    expect(incidents.openFor('api-health')).toBeNull()
    expect(engine.state('api-health')).toMatchObject({ status: 'degraded', incidentId })

    round(everyRegion('up'))
    round(everyRegion('up'))
    expect(events.map((e) => [e.type, e.severity])).toEqual([
      ['fired', 'degraded'],
      ['resolved', 'degraded'],
    ])
    expect(engine.state('api-health').status).toBe('up')
  })

  it('turns a DEGRADED incident into a DOWN one without a resolve in between', () => {
    const { events, incidents, round } = setup([spec({ alert: { pageOnDegraded: true } })])
    round({ 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'up' })
    round({ 'eu-west': 'degraded', 'us-east': 'degraded', 'ap-south': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })

    expect(events.map((e) => [e.type, e.severity])).toEqual([
      ['fired', 'degraded'],
      ['fired', 'down'],
    ])
    expect(incidents.get(events[0]!.incidentId)).toMatchObject({
      endedAt: expect.any(Number),
      timeline: expect.arrayContaining([
        expect.objectContaining({
          type: 'note',
          detail: { message: expect.stringContaining('DOWN') },
        }),
      ]),
    })
    expect(incidents.openIncidents().map((i) => i.kind)).toEqual(['down'])
  })
})

describe('AlertEngine maintenance', () => {
  it('ignores results measured in maintenance: no up, no down, no streak change', () => {
    const calls: unknown[][] = []
    let window = { from: Infinity, to: Infinity }
    const inMaintenance = (checkId: string, tags: string[], at: number) => {
      calls.push([checkId, tags, at])
      return at >= window.from && at < window.to
    }
    const { engine, events, clock, round } = setup([spec({ tags: ['payments'] })], undefined, {
      inMaintenance,
    })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    window = { from: clock.now() + 1, to: clock.now() + 3 * MIN + 1 }
    // An up would break the streak; two more downs would reach failAfter.
    round({ 'eu-west': 'up', 'us-east': 'up' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(events).toEqual([])
    expect(engine.state('api-health').status).toBe('unknown')
    expect(calls[0]).toEqual(['api-health', ['payments'], clock.now() - 3 * MIN])

    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(events.map((e) => e.type)).toEqual(['fired'])
  })
})

/** Two downs then two ups in every region, `rounds` times: DOWN every other failAfter. */
function toggle(round: (statuses: Record<string, CheckStatus>) => void, rounds: number) {
  for (let i = 0; i < rounds; i++) round(everyRegion(Math.floor(i / 2) % 2 === 0 ? 'down' : 'up'))
}

describe('AlertEngine flapping', () => {
  function flappingSetup(options: Partial<AlertEngineOptions> = {}, db = new Database(':memory:')) {
    const seen: { type: string; flapping: boolean | undefined }[] = []
    const ctx = setup([spec()], db, {
      ...options,
      onEvent: (event) => {
        ctx.events.push(event)
        seen.push({ type: event.type, flapping: ctx.engine.state(event.checkId).flapping })
      },
    })
    return { ...ctx, seen }
  }

  it('sends one flapping-started and one flapping-stopped for a toggling target', () => {
    const { engine, events, incidents, seen, round } = flappingSetup()
    toggle(round, 40)
    expect(engine.state('api-health').flapping).toBe(true)
    for (let i = 0; i < 25; i++) round(everyRegion('up'))

    const flapEvents = events.filter((e) => e.type.startsWith('flapping'))
    expect(flapEvents).toMatchObject([
      { type: 'flapping-started', checkId: 'api-health', tags: [], quorum: 2 },
      { type: 'flapping-stopped', summary: 'now up', durationMs: expect.any(Number) },
    ])
    expect(flapEvents[1]!.incidentId).toBe(flapEvents[0]!.incidentId)
    expect(engine.state('api-health').flapping).toBe(false)
    // DOWN incidents still open and close during the episode; listeners see the flag.
    const started = seen.findIndex((s) => s.type === 'flapping-started')
    const stopped = seen.findIndex((s) => s.type === 'flapping-stopped')
    const during = seen.slice(started + 1, stopped)
    expect(during.some((s) => s.type === 'fired')).toBe(true)
    expect(during.every((s) => s.flapping === true)).toBe(true)
    expect(seen[started]!.flapping).toBe(true)

    const flapIncident = incidents.get(flapEvents[0]!.incidentId)!
    expect(flapIncident).toMatchObject({ kind: 'flapping', endedAt: expect.any(Number) })
    expect(flapIncident.timeline.map((t) => [t.type, t.detail['flapping']])).toEqual([
      ['flapping', true],
      ['flapping', false],
    ])
    expect(incidents.outages('api-health', 0, Infinity).length).toBeGreaterThan(0)
  })

  it('does not detect flapping when the project turns it off', () => {
    const { engine, events, round } = flappingSetup({
      alerting: () => ({ ...DEFAULT_ALERTING, flapping: false }),
    })
    toggle(round, 40)
    expect(events.filter((e) => e.type.startsWith('flapping'))).toEqual([])
    expect(engine.state('api-health').flapping).toBe(false)
  })

  it('restores a flapping episode after a restart and closes it quietly once settled', () => {
    const db = new Database(':memory:')
    const first = flappingSetup({}, db)
    toggle(first.round, 40)
    const episode = first.events.find((e) => e.type === 'flapping-started')!

    const second = flappingSetup({}, db)
    second.clock.set(first.clock.now())
    expect(second.engine.state('api-health').flapping).toBe(true)
    for (let i = 0; i < 20; i++) second.round(everyRegion('up'))
    expect(second.engine.state('api-health').flapping).toBe(true)
    second.round(everyRegion('up'))

    expect(second.engine.state('api-health').flapping).toBe(false)
    expect(second.events.filter((e) => e.type.startsWith('flapping'))).toEqual([])
    expect(second.incidents.get(episode.incidentId)).toMatchObject({
      endedAt: second.clock.now(),
      timeline: expect.arrayContaining([expect.objectContaining({ type: 'note' })]),
    })
  })
})

describe('AlertEngine region connectivity', () => {
  const ZONES = ['a', 'b', 'c']
  const servicesWith = (alert: Record<string, unknown>) =>
    Array.from({ length: 10 }, (_, i) => spec({ id: `svc-${i}`, regions: ZONES, alert }))
  const services = servicesWith({ quorum: 1 })

  /** One round over every service: region c fails for the services `failsInC` picks. */
  function roundAll(
    ctx: ReturnType<typeof setup>,
    failsInC: number | ((i: number) => boolean),
    list = services,
  ) {
    const fails = typeof failsInC === 'number' ? (i: number) => i < failsInC : failsInC
    ctx.clock.advance(MIN)
    list.forEach((service, i) => {
      for (const zone of ZONES) {
        const down = zone === 'c' && fails(i)
        const extra = { checkId: service.id, ...(down && i < 5 ? { error: timeout } : {}) }
        ctx.engine.observe(result(zone, down ? 'down' : 'up', ctx.clock.now(), extra))
      }
    })
  }

  const regionC = (ctx: ReturnType<typeof setup>) =>
    ctx.engine.regionStates().find((r) => r.region === 'c')

  it('sends one region alert after the second failing round and no check alerts, then resolves once', () => {
    const ctx = setup(services)
    roundAll(ctx, 0)
    roundAll(ctx, 8)
    // One failing round: set aside at once, so no check can page through it, but no alert.
    expect(ctx.events).toEqual([])
    expect(regionC(ctx)).toMatchObject({ lost: true, alerted: false, incidentId: null })
    expect(ctx.engine.state('svc-0').inhibitedRegions).toEqual(['c'])
    for (let i = 0; i < 2; i++) roundAll(ctx, 8)

    expect(ctx.events).toEqual([
      {
        type: 'fired',
        subject: 'region',
        incidentId: expect.any(String),
        checkId: 'region:c',
        checkName: 'Region c connectivity',
        at: ctx.clock.now() - MIN,
        regions: ['c'],
        quorum: 0,
        firstError: timeout,
        summary: '8 of 10 checks fail in c and pass elsewhere',
      },
    ])
    const incidentId = ctx.events[0]!.incidentId
    expect(ctx.engine.state('svc-0')).toMatchObject({
      status: 'up',
      regions: { a: 'passing', b: 'passing', c: 'failing' },
      inhibitedRegions: ['c'],
      incidentId: null,
    })
    expect(ctx.engine.regionStates()).toEqual([
      { region: 'a', lost: false, alerted: false, failing: 0, checks: 10, incidentId: null },
      { region: 'b', lost: false, alerted: false, failing: 0, checks: 10, incidentId: null },
      { region: 'c', lost: true, alerted: true, failing: 8, checks: 10, incidentId },
    ])
    expect(ctx.incidents.openFor('region:c', 'region')).toMatchObject({ incidentId })

    roundAll(ctx, 0)
    roundAll(ctx, 0)
    expect(ctx.events.map((e) => [e.type, e.subject])).toEqual([
      ['fired', 'region'],
      ['resolved', 'region'],
    ])
    expect(ctx.incidents.openIncidents()).toEqual([])
    expect(ctx.engine.state('svc-7')).toMatchObject({ status: 'up', inhibitedRegions: [] })
  })

  it.each([
    ['quorum-1 checks', { quorum: 1 }],
    ['default-quorum checks', {}],
    ['quorum-1 checks with failAfter 3', { quorum: 1, failAfter: 3 }],
  ])('fires exactly one region event and no check events for a real loss (%s)', (_, alert) => {
    const list = servicesWith(alert)
    const pending: string[] = []
    const ctx = setup(list, undefined, {
      onPendingFailure: (checkId, series) => pending.push(`${checkId}@${series}`),
    })
    roundAll(ctx, 0, list)
    roundAll(ctx, 10, list)
    expect(ctx.events).toEqual([])
    roundAll(ctx, 10, list)
    expect(ctx.events).toMatchObject([{ type: 'fired', subject: 'region', checkId: 'region:c' }])
    for (let i = 0; i < 5; i++) roundAll(ctx, 10, list)

    expect(ctx.events).toHaveLength(1)
    expect(ctx.engine.states().every((s) => s.status === 'up' && s.incidentId === null)).toBe(true)
    expect(ctx.incidents.openIncidents().map((i) => i.kind)).toEqual(['region'])
    // A failure seen in one region alone is not corroborated: no follow-up runs either.
    expect(pending).toEqual([])
  })

  it('sets aside a noisy region whose single failures line up for one round, and clears it without any event', () => {
    const ctx = setup(services)
    roundAll(ctx, 0)
    // Single failures in c, never the same check twice in a row; in the third round five
    // of them happen together.
    const noise = [[1, 2], [6], [0, 3, 5, 7, 8], [4, 6], [9], [2, 5]]
    const lostAfterRound: boolean[] = []
    for (const failing of noise) {
      roundAll(ctx, (i) => failing.includes(i))
      lostAfterRound.push(regionC(ctx)!.lost)
    }

    expect(lostAfterRound).toEqual([false, false, true, false, false, false])
    expect(ctx.events).toEqual([])
    expect(ctx.incidents.openIncidents()).toEqual([])
    expect(regionC(ctx)).toMatchObject({ lost: false, alerted: false, incidentId: null })
    expect(ctx.engine.state('svc-0').inhibitedRegions).toEqual([])
  })

  it('keeps an alerted region lost across a hub restart without alerting again', () => {
    const db = new Database(':memory:')
    const first = setup(services, db)
    roundAll(first, 0)
    roundAll(first, 8)
    roundAll(first, 8)
    const [lost] = first.events
    expect(lost).toMatchObject({ type: 'fired', subject: 'region' })

    const second = setup(services, db)
    second.clock.set(first.clock.now())
    expect(regionC(second)).toMatchObject({
      lost: true,
      alerted: true,
      incidentId: lost!.incidentId,
    })
    for (let i = 0; i < 3; i++) roundAll(second, 8)
    expect(second.events).toEqual([])
    expect(second.engine.states().every((s) => s.status === 'up')).toBe(true)

    roundAll(second, 0)
    expect(second.events).toMatchObject([
      { type: 'resolved', subject: 'region', incidentId: lost!.incidentId },
    ])
    expect(second.incidents.openIncidents()).toEqual([])
  })
})

describe('AlertEngine confirmation rounds', () => {
  it('puts a round sent before the check fired on its timeline, before fired', () => {
    const { engine, events, incidents, clock, round } = setup()
    round({ 'eu-west': 'down', 'us-east': 'down', 'ap-south': 'up' })
    const sentAt = clock.now()
    engine.recordConfirmation('api-health', sentAt, { regions: ['us-east', 'ap-south'], probes: 2 })
    clock.advance(4_000)
    engine.observe(result('eu-west', 'down', clock.now(), { trigger: 'confirm' }))
    engine.observe(result('us-east', 'down', clock.now(), { trigger: 'confirm' }))
    expect(events.map((e) => e.type)).toEqual(['fired'])

    const incidentId = events[0]!.incidentId
    engine.recordConfirmation('api-health', clock.now(), { after: 'remediation', probes: 2 })
    expect(incidents.get(incidentId)!.timeline).toEqual([
      { at: sentAt, type: 'confirmation', detail: { regions: ['us-east', 'ap-south'], probes: 2 } },
      {
        at: clock.now(),
        type: 'fired',
        detail: expect.objectContaining({
          result: expect.objectContaining({ region: 'us-east', trigger: 'confirm' }),
        }),
      },
      { at: clock.now(), type: 'confirmation', detail: { after: 'remediation', probes: 2 } },
    ])
  })

  it('forgets rounds sent more than five minutes before the check fired', () => {
    const { engine, events, incidents, clock, round } = setup()
    engine.recordConfirmation('api-health', clock.now(), { probes: 2 })
    clock.advance(5 * MIN)
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    expect(incidents.get(events[0]!.incidentId)!.timeline.map((t) => t.type)).toEqual(['fired'])
  })
})

describe('AlertEngine restart', () => {
  it('leaves probe and channel incidents to their owners', () => {
    const db = new Database(':memory:')
    const incidents = new IncidentStore(db)
    const at = Date.UTC(2026, 0, 1)
    incidents.open({
      kind: 'probe',
      checkId: 'probe:p1',
      at,
      regions: ['eu-west'],
      firstError: null,
    })
    incidents.open({ kind: 'channel', checkId: 'channel:ops', at, regions: [], firstError: null })

    const { events } = setup([spec()], db)
    expect(events).toEqual([])
    expect(incidents.openIncidents().map((i) => i.kind)).toEqual(['probe', 'channel'])
  })
})
