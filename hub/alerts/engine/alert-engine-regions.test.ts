import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { MIN, timeout, spec, result, setup } from './alert-engine.fixture.ts'

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
