/** Alerts held back: silences and maintenance, dependencies, flapping. */
import { describe, expect, it } from 'vitest'
import {
  dispatcherFixture,
  expectNothingSent,
  MIN,
  monitoringConfig,
  summary,
} from './dispatcher.fixture.ts'

const config = monitoringConfig({
  channels: ['slack', 'ops'],
  routes: [{ match: { tags: ['web'] }, channels: ['slack'], remindEvery: '5m' }],
  checks: [
    { id: 'db-primary', tags: ['db'] },
    { id: 'api', tags: ['web'], dependsOn: ['db-primary'] },
    { id: 'blog', tags: ['web'] },
  ],
})

/** A flapping incident for `checkId`, opened as the engine would, and its two notifications. */
function flappingIncident(hub: ReturnType<typeof dispatcherFixture>, checkId: string) {
  const id = hub.incidents.open({ kind: 'flapping', checkId, at: 0, regions: [], firstError: null })
  const alert = {
    incidentId: id,
    checkId,
    checkName: checkId,
    at: 0,
    regions: [],
    quorum: 2,
    firstError: null,
  }
  return {
    id,
    started: { ...alert, type: 'flapping-started' as const },
    stopped: { ...alert, type: 'flapping-stopped' as const },
  }
}

describe('AlertDispatcher: silences and maintenance', () => {
  it('sends nothing for a silenced check and records why on the timeline', () => {
    const hub = dispatcherFixture(config)
    hub.silenced.set('blog', 'maintenance: weekly vacuum')
    const id = hub.fire('blog')
    hub.runFor(10 * MIN)

    expectNothingSent(hub.drain())
    expect(hub.incidents.get(id)?.timeline.at(-1)).toMatchObject({
      type: 'suppressed',
      detail: { reason: 'maintenance: weekly vacuum' },
    })
    expect(hub.dispatcher.describe(id)).toMatchObject({
      held: true,
      heldReason: 'maintenance: weekly vacuum',
      channels: [],
    })

    hub.resolve(id)
    expectNothingSent(hub.drain())
  })

  it('sends the fired alert when the silence ends while the incident is still open', () => {
    const hub = dispatcherFixture(config)
    hub.silenced.set('blog', 'silenced by alice')
    const id = hub.fire('blog')
    hub.runFor(3 * MIN)
    hub.silenced.delete('blog')
    hub.runFor(1_000)

    expect(summary(hub.drain())).toEqual([['fired', ['slack']]])
    expect(hub.dispatcher.describe(id)).toMatchObject({ held: false, firedSentAt: hub.clock.now() })
    hub.runFor(5 * MIN)
    expect(summary(hub.drain())).toEqual([['reminder', ['slack']]])
  })

  it('never sends a held alert once somebody acknowledged it', () => {
    const hub = dispatcherFixture(config)
    hub.silenced.set('blog', 'silenced by alice')
    const id = hub.fire('blog')
    expect(hub.dispatcher.acknowledge(id, 'alice').ok).toBe(true)
    hub.silenced.delete('blog')
    hub.runFor(10 * MIN)

    expectNothingSent(hub.drain())
  })

  it('applies silences to flapping notifications too', () => {
    const hub = dispatcherFixture(config)
    hub.silenced.set('blog', 'silenced by alice')
    const { id, started, stopped } = flappingIncident(hub, 'blog')
    hub.dispatcher.handle(started)
    hub.dispatcher.handle(stopped)

    expectNothingSent(hub.drain())
    expect(hub.timelineTypes(id)).toEqual(['suppressed', 'suppressed'])
  })
})

describe('AlertDispatcher: dependencies', () => {
  /** api's own recoverAfter (2) × every (1m): how long it gets to recover with its dependency. */
  const API_RECOVERY_MS = 2 * MIN

  it('holds a dependent while its dependency is down, then for its own recovery time', () => {
    const hub = dispatcherFixture(config)
    const db = hub.fire('db-primary')
    hub.clock.advance(10_000)
    const api = hub.fire('api')
    expect(summary(hub.drain())).toEqual([['fired', ['slack', 'ops']]])
    expect(hub.incidents.get(api)?.timeline.at(-1)).toMatchObject({
      type: 'suppressed',
      detail: { reason: 'dependency down: db-primary' },
    })

    hub.runFor(3 * MIN)
    expectNothingSent(hub.drain())
    hub.resolve(db)
    expect(summary(hub.drain())).toEqual([['resolved', ['slack', 'ops']]])
    hub.runFor(API_RECOVERY_MS - 1_000)
    expectNothingSent(hub.drain())
    hub.runFor(1_000)

    const [fired] = hub.drain()
    expect(fired?.event).toMatchObject({ type: 'fired', incidentId: api })
    // The alert says when it went out, not when it was first held.
    expect(fired?.event.at).toBe(hub.clock.now())
    expect(fired?.channels).toEqual(['slack'])
    expect(fired?.groupKey).toBe('fired:tags:web')
    hub.resolve(api)
    expect(summary(hub.drain())).toEqual([['resolved', ['slack']]])
  })

  it('pages once per outage: a dependent that recovers within its recovery time is never heard of', () => {
    const hub = dispatcherFixture(config)
    const db = hub.fire('db-primary')
    const api = hub.fire('api')
    hub.runFor(MIN)
    hub.resolve(db)
    hub.runFor(API_RECOVERY_MS / 2)
    hub.resolve(api)
    hub.runFor(5 * MIN)

    expect(summary(hub.drain())).toEqual([
      ['fired', ['slack', 'ops']],
      ['resolved', ['slack', 'ops']],
    ])
    expect(hub.dispatcher.describe(api)).toMatchObject({ held: true, channels: [] })
  })

  it('holds a dependent while its dependency fails somewhere but is not DOWN yet', () => {
    const hub = dispatcherFixture(config)
    hub.status.set('db-primary', 'partial')
    const api = hub.fire('api')
    expectNothingSent(hub.drain())
    expect(hub.incidents.get(api)?.timeline.at(-1)).toMatchObject({
      type: 'suppressed',
      detail: { reason: 'dependency failing: db-primary' },
    })

    // The dependency crosses its quorum: the hold becomes a plain dependency hold.
    hub.status.set('db-primary', 'down')
    hub.runFor(5 * MIN)
    expectNothingSent(hub.drain())
  })

  it('holds a dependent while its dependency has one down result somewhere, before any verdict', () => {
    const hub = dispatcherFixture(config)
    hub.failingSomewhere.add('db-primary')
    const api = hub.fire('api')
    expectNothingSent(hub.drain())
    expect(hub.incidents.get(api)?.timeline.at(-1)).toMatchObject({
      detail: { reason: 'dependency failing: db-primary' },
    })
  })

  it('asks a dependency that was not measured since the dependent fired to run now, and waits for it', () => {
    const hub = dispatcherFixture(config)
    hub.measuredAt.set('db-primary', hub.clock.now() - 30_000)
    const api = hub.fire('api')
    expectNothingSent(hub.drain())
    expect(hub.confirmed).toEqual(['db-primary'])
    expect(hub.incidents.get(api)?.timeline.at(-1)).toMatchObject({
      detail: { reason: 'confirming dependency: db-primary' },
    })
    hub.runFor(3_000)
    // Asked once, not on every tick.
    expect(hub.confirmed).toEqual(['db-primary'])

    // Its runs come back up: the dependent's outage is its own, and pages at once.
    hub.measuredAt.set('db-primary', hub.clock.now())
    hub.runFor(1_000)
    expect(hub.drain().map((s) => [s.event.type, s.event.incidentId])).toEqual([['fired', api]])
  })

  it('pages a dependent whose dependency fails somewhere longer than it would need to go DOWN', () => {
    const hub = dispatcherFixture(config)
    hub.status.set('db-primary', 'partial')
    const api = hub.fire('api')
    // db-primary: failAfter 2 × every 1m + timeout 10s + 30s margin.
    hub.runFor(2 * MIN + 39_000)
    expectNothingSent(hub.drain())
    hub.runFor(1_000)
    const [fired] = hub.drain()
    expect(fired?.event).toMatchObject({ type: 'fired', incidentId: api })
  })

  it('sends nothing for a dependent that recovers before its dependency', () => {
    const hub = dispatcherFixture(config)
    const db = hub.fire('db-primary')
    const api = hub.fire('api')
    hub.drain()
    hub.runFor(MIN)
    hub.resolve(api)
    hub.runFor(MIN)
    hub.resolve(db)
    hub.runFor(MIN)

    expect(summary(hub.drain())).toEqual([['resolved', ['slack', 'ops']]])
    expect(hub.dispatcher.describe(api)).toMatchObject({ held: true, channels: [] })
  })

  it('keeps holding across a restart, and the recovery time with it', () => {
    const hub = dispatcherFixture(config)
    const db = hub.fire('db-primary')
    const api = hub.fire('api')
    hub.drain()
    hub.restart()
    hub.runFor(MIN)
    expectNothingSent(hub.drain())

    hub.resolve(db)
    hub.runFor(MIN)
    hub.restart()
    hub.runFor(MIN - 1_000)
    expect(hub.drain().map((s) => [s.event.type, s.event.incidentId])).toEqual([['resolved', db]])
    hub.runFor(1_000)
    expect(hub.drain().map((s) => [s.event.type, s.event.incidentId])).toEqual([['fired', api]])
  })
})

describe('AlertDispatcher: a check that fails in one region alone', () => {
  const regions = ['eu', 'us', 'ap']
  const quorumOne = monitoringConfig({
    channels: ['ops'],
    checks: [
      { id: 'api', regions, every: '30s', alert: { quorum: 1 } },
      { id: 'web', regions, every: '1m' },
      { id: 'dns', regions, every: '30s' },
    ],
  })
  const apOnly = {
    failingRegions: ['ap'],
    regions: { eu: 'passing', us: 'passing', ap: 'failing' } as const,
  }

  it('waits for the region’s verdict, and sends nothing when the region is set aside meanwhile', () => {
    const hub = dispatcherFixture(quorumOne)
    hub.stateOf.set('api', apOnly)
    const api = hub.fire('api')
    expectNothingSent(hub.drain())
    expect(hub.incidents.get(api)?.timeline.at(-1)).toMatchObject({
      detail: { reason: 'only ap fails: waiting for its connectivity verdict' },
    })
    // Region loss sets ap aside: the engine resolves the check's incident.
    hub.runFor(30_000)
    hub.resolve(api)
    hub.runFor(5 * MIN)
    expectNothingSent(hub.drain())
  })

  it('pages once every check of the region could have shown a loss: the longest interval and a margin', () => {
    const hub = dispatcherFixture(quorumOne)
    hub.stateOf.set('api', apOnly)
    const api = hub.fire('api')
    hub.runFor(MIN + 14_000)
    expectNothingSent(hub.drain())
    hub.runFor(1_000)
    expect(hub.drain().map((s) => [s.event.type, s.event.incidentId])).toEqual([['fired', api]])
  })

  it('does not wait where too few checks run for a region loss to be detected', () => {
    const hub = dispatcherFixture(
      monitoringConfig({
        channels: ['ops'],
        checks: [{ id: 'api', regions, alert: { quorum: 1 } }],
      }),
    )
    hub.stateOf.set('api', apOnly)
    hub.fire('api')
    expect(summary(hub.drain())).toEqual([['fired', ['ops']]])
  })
})

describe('AlertDispatcher: flapping', () => {
  it('holds a fired alert while the check flaps and sends nothing when it resolves', () => {
    const hub = dispatcherFixture(config)
    hub.flapping.add('blog')
    for (let round = 0; round < 5; round += 1) {
      const id = hub.fire('blog')
      hub.runFor(MIN)
      hub.resolve(id)
      hub.runFor(MIN)
      expect(hub.incidents.get(id)?.timeline.at(0)).toMatchObject({
        type: 'suppressed',
        detail: { reason: 'flapping' },
      })
    }

    expectNothingSent(hub.drain())
  })

  it('sends flapping-started and flapping-stopped to the check’s channels, ungrouped', () => {
    const hub = dispatcherFixture(config)
    const { id, started, stopped } = flappingIncident(hub, 'blog')
    hub.dispatcher.handle(started)
    hub.runFor(10 * MIN)
    hub.incidents.resolve(id, hub.clock.now())
    hub.dispatcher.handle(stopped)

    expect(hub.drain().map((s) => [s.event.type, s.channels, s.groupKey])).toEqual([
      ['flapping-started', ['slack'], null],
      ['flapping-stopped', ['slack'], null],
    ])
  })

  it('pages an outage that is still open when the flapping settles', () => {
    const hub = dispatcherFixture(config)
    hub.flapping.add('blog')
    hub.fire('blog')
    hub.runFor(MIN)
    expectNothingSent(hub.drain())

    hub.flapping.delete('blog')
    hub.runFor(1_000)
    expect(summary(hub.drain())).toEqual([['fired', ['slack']]])
  })
})

describe('AlertDispatcher: a DOWN alert soon after the last outage ended', () => {
  it('holds it for recoverAfter × every, and sends nothing when the outage is over by then', () => {
    const hub = dispatcherFixture(config)
    const first = hub.fire('blog')
    hub.runFor(MIN)
    hub.resolve(first)
    expect(summary(hub.drain())).toEqual([
      ['fired', ['slack']],
      ['resolved', ['slack']],
    ])

    // Back for a minute, down for a minute: the engine confirmed both within seconds.
    hub.runFor(MIN)
    const second = hub.fire('blog')
    hub.runFor(MIN)
    hub.resolve(second)
    expectNothingSent(hub.drain())
    expect(hub.incidents.get(second)?.timeline.at(0)).toMatchObject({
      type: 'suppressed',
      detail: { reason: 'fired 60 s after the last outage ended: waiting 120 s to see it hold' },
    })
  })

  it('pages an outage that holds, recoverAfter × every after it fired', () => {
    const hub = dispatcherFixture(config)
    hub.resolve(hub.fire('blog'))
    hub.drain()
    hub.runFor(30_000)
    hub.fire('blog')
    hub.runFor(2 * MIN - 1_000)
    expectNothingSent(hub.drain())
    hub.runFor(1_000)
    expect(summary(hub.drain())).toEqual([['fired', ['slack']]])
  })

  it('pages at once once the last outage ended longer ago than that, or never did', () => {
    const hub = dispatcherFixture(config)
    hub.resolve(hub.fire('blog'))
    hub.drain()
    hub.runFor(2 * MIN)
    hub.fire('blog')
    expect(summary(hub.drain())).toEqual([['fired', ['slack']]])
  })
})
