import { describe, expect, it } from 'vitest'
import {
  dispatcherFixture,
  expectNothingSent,
  MIN,
  monitoringConfig,
  summary,
} from './dispatcher.fixture.ts'

const config = monitoringConfig({
  channels: ['slack', 'pagerduty', 'email', 'ops'],
  routes: [
    { match: { tags: ['payments'] }, channels: ['slack'] },
    { match: { checks: ['checkout'] }, channels: ['email'], notifyOnResolve: false },
  ],
  checks: [
    { id: 'checkout', tags: ['payments', 'eu'], notify: ['ops'] },
    { id: 'refunds', tags: ['payments'] },
    { id: 'blog' },
  ],
})

describe('AlertDispatcher: fired and resolved', () => {
  it('sends a fired alert to the union of the check’s routes, grouped by its tags', () => {
    const hub = dispatcherFixture(config)
    hub.fire('checkout')

    expect(hub.drain().map((s) => [s.event.type, s.channels, s.groupKey])).toEqual([
      ['fired', ['ops', 'slack', 'email'], 'fired:tags:eu,payments'],
    ])
  })

  it('sends an unrouted check to every channel', () => {
    const hub = dispatcherFixture(config)
    hub.fire('blog')

    expect(summary(hub.drain())).toEqual([['fired', ['slack', 'pagerduty', 'email', 'ops']]])
  })

  it('tells only channels whose route has notifyOnResolve about the resolve', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.drain()
    hub.clock.advance(5 * MIN)
    hub.resolve(id)

    const [resolved] = hub.drain()
    expect(resolved?.channels).toEqual(['ops', 'slack'])
    expect(resolved?.groupKey).toBe('resolved:tags:eu,payments')
    expect(resolved?.event.durationMs).toBe(5 * MIN)
  })

  it('gives fired and resolved of checks with the same tags the same group, and none with groupBy none', () => {
    const hub = dispatcherFixture(config)
    hub.fire('refunds')
    const other = monitoringConfig({
      channels: ['ops'],
      alerting: { groupBy: 'none' },
      checks: [{ id: 'api', tags: ['web'] }],
    })
    const ungrouped = dispatcherFixture(other)
    const id = ungrouped.fire('api')
    ungrouped.resolve(id)

    expect(hub.drain().map((s) => s.groupKey)).toEqual(['fired:tags:payments'])
    expect(ungrouped.drain().map((s) => s.groupKey)).toEqual([null, null])
  })

  it('sends a fired alert once even when handed twice', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('blog')
    const [first] = hub.drain()
    hub.dispatcher.handle(first!.event)

    expectNothingSent(hub.drain())
    expect(hub.dispatcher.describe(id)).toMatchObject({ held: false, channels: first!.channels })
  })

  it('ignores a resolve for an incident it never saw', () => {
    const hub = dispatcherFixture(config)
    const id = hub.incidents.open({
      checkId: 'blog',
      at: hub.clock.now(),
      regions: [],
      firstError: null,
    })
    hub.resolve(id)

    expectNothingSent(hub.drain())
  })

  it('never throws out of handle() or tick(), even when the config cannot be read', () => {
    const hub = dispatcherFixture(config)
    hub.fire('blog')
    const [fired] = hub.drain()
    hub.setConfig({
      ...config,
      get checks(): never {
        throw new Error('config unreadable')
      },
    })
    const id = hub.incidents.open({ checkId: 'refunds', at: 0, regions: [], firstError: null })

    expect(() => hub.dispatcher.handle({ ...fired!.event, incidentId: id })).not.toThrow()
    expect(() => hub.runFor(5_000)).not.toThrow()
    expectNothingSent(hub.drain())
  })
})

describe('AlertDispatcher: region, probe and channel alerts', () => {
  const narrow = monitoringConfig({
    channels: ['slack', 'ops', 'hook'],
    alerting: { notify: ['ops', 'hook'] },
    checks: [],
  })

  function monitoringEvent(
    subject: 'region' | 'probe' | 'channel',
    checkId: string,
    incidentId: string,
  ) {
    return {
      type: 'fired' as const,
      subject,
      incidentId,
      checkId,
      checkName: checkId,
      at: 0,
      regions: [],
      quorum: 0,
      firstError: null,
    }
  }

  /** Opens a region, probe or channel incident as the engine would, and hands over its alert. */
  function fireMonitoring(
    hub: ReturnType<typeof dispatcherFixture>,
    subject: 'region' | 'probe' | 'channel',
    checkId: string,
    regions: string[] = [],
  ): string {
    const id = hub.incidents.open({ kind: subject, checkId, at: 0, regions, firstError: null })
    hub.dispatcher.handle(monitoringEvent(subject, checkId, id))
    return id
  }

  it('sends them to alerting.notify, ungrouped, and their resolve to the same channels', () => {
    const hub = dispatcherFixture(narrow)
    const id = fireMonitoring(hub, 'region', 'region:eu', ['eu'])
    hub.incidents.resolve(id, hub.clock.now())
    hub.dispatcher.handle({ ...monitoringEvent('region', 'region:eu', id), type: 'resolved' })

    expect(hub.drain().map((s) => [s.event.type, s.channels, s.groupKey])).toEqual([
      ['fired', ['ops', 'hook'], null],
      ['resolved', ['ops', 'hook'], null],
    ])
  })

  it('never sends a channel alert to the failing channel itself', () => {
    const hub = dispatcherFixture(narrow)
    fireMonitoring(hub, 'channel', 'channel:hook')

    expect(summary(hub.drain())).toEqual([['fired', ['ops']]])
  })

  it('records a suppressed entry when the failing channel is the only one left', () => {
    const only = monitoringConfig({ channels: ['hook'], checks: [] })
    const hub = dispatcherFixture(only)
    const id = fireMonitoring(hub, 'channel', 'channel:hook')

    expectNothingSent(hub.drain())
    expect(hub.incidents.get(id)?.timeline).toEqual([
      expect.objectContaining({
        type: 'suppressed',
        detail: { reason: expect.stringContaining('no channel left') },
      }),
    ])
  })
})

describe('AlertDispatcher: acknowledgements', () => {
  it('sends acknowledged to every channel that got the fired alert, ungrouped', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.drain()
    hub.clock.advance(MIN)

    const outcome = hub.dispatcher.acknowledge(id, 'alice', 'looking')

    expect(outcome).toMatchObject({
      ok: true,
      incident: { incidentId: id, ackedBy: 'alice', ackedAt: hub.clock.now() },
    })
    const [ack] = hub.drain()
    expect(ack?.event).toMatchObject({
      type: 'acknowledged',
      ackedBy: 'alice',
      comment: 'looking',
      incidentId: id,
    })
    expect(ack?.channels).toEqual(['ops', 'slack', 'email'])
    expect(ack?.groupKey).toBeNull()
    expect(hub.incidents.get(id)?.timeline.at(-1)).toMatchObject({
      type: 'ack',
      detail: { by: 'alice', comment: 'looking' },
    })
  })

  it('answers 409 to a second acknowledgement and to a resolved incident, 404 to an unknown one', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('blog')
    expect(hub.dispatcher.acknowledge(id, 'alice').ok).toBe(true)
    hub.drain()

    expect(hub.dispatcher.acknowledge(id, 'bob')).toEqual({
      ok: false,
      status: 409,
      error: `incident ${id} was already acknowledged by alice`,
    })
    const other = hub.fire('refunds')
    hub.resolve(other)
    expect(hub.dispatcher.acknowledge(other, 'bob')).toMatchObject({ ok: false, status: 409 })
    expect(hub.dispatcher.acknowledge('01NOPE', 'bob')).toMatchObject({ ok: false, status: 404 })
    expect(summary(hub.drain())).toEqual([
      ['fired', ['slack']],
      ['resolved', ['slack']],
    ])
  })

  it('describes what it did for an incident', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('refunds')
    hub.dispatcher.acknowledge(id, 'alice')

    expect(hub.dispatcher.describe(id)).toMatchObject({
      channels: ['slack'],
      firedSentAt: hub.clock.now(),
      held: false,
      heldReason: null,
      acknowledged: true,
      ackedBy: 'alice',
      escalationLevel: 0,
    })
    expect(hub.dispatcher.describe('01NOPE')).toBeNull()
  })
})
