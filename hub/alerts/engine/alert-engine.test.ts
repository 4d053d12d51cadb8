import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { AlertEngine } from './alert-engine.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import { MIN, REGIONS, refused, timeout, spec, result, setup } from './alert-engine.fixture.ts'

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

  it('closes a removed check’s incident with a resolve that says why', () => {
    const { engine, events, incidents, round } = setup([spec(), spec({ id: 'web' })])
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    const incidentId = events[0]!.incidentId

    engine.setChecks([spec({ id: 'web' })])
    expect(events.map((e) => [e.type, e.closedReason])).toEqual([
      ['fired', undefined],
      ['resolved', 'check removed'],
    ])
    expect(incidents.openIncidents()).toEqual([])
    expect(incidents.get(incidentId)).toMatchObject({ closedReason: 'check removed' })
    expect(incidents.get(incidentId)!.timeline.at(-1)).toMatchObject({
      type: 'resolved',
      detail: { closedReason: 'check removed' },
    })
    expect(engine.states().map((s) => s.checkId)).toEqual(['web'])
  })

  it('closes a disabled check’s incident the same way, saying it was disabled', () => {
    const { engine, events, round } = setup()
    round({ 'eu-west': 'down', 'us-east': 'down' })
    round({ 'eu-west': 'down', 'us-east': 'down' })
    engine.setChecks([spec({ enabled: false })])
    expect(events.at(-1)).toMatchObject({ type: 'resolved', closedReason: 'check disabled' })
  })

  it('closes an incident restored for a check that is no longer deployed, and says so', () => {
    const db = new Database(':memory:')
    const first = setup([spec()], db)
    first.round({ 'eu-west': 'down', 'us-east': 'down' })
    first.round({ 'eu-west': 'down', 'us-east': 'down' })
    const incidentId = first.events[0]!.incidentId

    const second = setup([spec({ id: 'web' })], db)
    expect(second.events).toMatchObject([
      { type: 'resolved', incidentId, checkId: 'api-health', closedReason: 'check removed' },
    ])
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
