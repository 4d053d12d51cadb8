/** Reminders, escalation and what a restart keeps of them. */
import { describe, expect, it } from 'vitest'
import {
  dispatcherFixture,
  expectNothingSent,
  MIN,
  monitoringConfig,
  summary,
} from './dispatcher.fixture.ts'

const config = monitoringConfig({
  channels: ['slack', 'pagerduty', 'phone', 'ops'],
  routes: [
    {
      match: { tags: ['payments'] },
      channels: ['slack'],
      notifyOnResolve: false,
      remindEvery: '30m',
      escalate: [
        { after: '10m', channels: ['pagerduty'] },
        { after: '20m', channels: ['phone'] },
      ],
    },
  ],
  checks: [{ id: 'checkout', tags: ['payments'] }, { id: 'blog' }],
})

describe('AlertDispatcher: reminders', () => {
  it('reminds the route’s channels every remindEvery while unacknowledged', () => {
    const plain = monitoringConfig({
      channels: ['slack', 'ops'],
      routes: [{ match: { tags: ['payments'] }, channels: ['slack'], remindEvery: '30m' }],
      checks: [{ id: 'checkout', tags: ['payments'] }],
    })
    const hub = dispatcherFixture(plain)
    const id = hub.fire('checkout')
    hub.drain()

    hub.runFor(29 * MIN)
    expectNothingSent(hub.drain())
    hub.runFor(MIN)
    const [first] = hub.drain()
    expect(first).toMatchObject({ channels: ['slack'], groupKey: null })
    expect(first?.event).toMatchObject({ type: 'reminder', incidentId: id, at: hub.clock.now() })

    hub.runFor(30 * MIN)
    expect(summary(hub.drain())).toEqual([['reminder', ['slack']]])
    expect(hub.timelineTypes(id).filter((type) => type === 'reminder')).toHaveLength(2)
  })

  it('stops reminding once acknowledged, and once resolved', () => {
    const plain = monitoringConfig({
      channels: ['slack'],
      routes: [{ channels: ['slack'], remindEvery: '5m' }],
      checks: [{ id: 'a' }, { id: 'b' }],
    })
    const hub = dispatcherFixture(plain)
    const acked = hub.fire('a')
    const resolved = hub.fire('b')
    hub.runFor(5 * MIN)
    expect(summary(hub.drain())).toEqual([
      ['fired', ['slack']],
      ['fired', ['slack']],
      ['reminder', ['slack']],
      ['reminder', ['slack']],
    ])

    hub.dispatcher.acknowledge(acked, 'alice')
    hub.resolve(resolved)
    hub.drain()
    hub.runFor(30 * MIN)
    expectNothingSent(hub.drain())
  })

  it('holds reminders during a silence and sends one when it ends', () => {
    const plain = monitoringConfig({
      channels: ['slack'],
      routes: [{ channels: ['slack'], remindEvery: '5m' }],
      checks: [{ id: 'a' }],
    })
    const hub = dispatcherFixture(plain)
    hub.fire('a')
    hub.drain()
    hub.silenced.set('a', 'silenced by alice')
    hub.runFor(20 * MIN)
    expectNothingSent(hub.drain())

    hub.silenced.delete('a')
    hub.runFor(1_000)
    expect(summary(hub.drain())).toEqual([['reminder', ['slack']]])
  })
})

describe('AlertDispatcher: escalation', () => {
  it('escalates level by level to the next channels while unacknowledged', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    expect(summary(hub.drain())).toEqual([['fired', ['slack']]])

    hub.runFor(10 * MIN - 1_000)
    expectNothingSent(hub.drain())
    hub.runFor(1_000)
    const [escalated] = hub.drain()
    expect(escalated?.channels).toEqual(['pagerduty'])
    expect(escalated?.event).toMatchObject({ type: 'escalated', level: 1, incidentId: id })

    hub.runFor(10 * MIN)
    expect(hub.drain().map((s) => [s.event.type, s.event.level, s.channels])).toEqual([
      ['escalated', 2, ['phone']],
    ])
    expect(hub.dispatcher.describe(id)).toMatchObject({ escalationLevel: 2 })
    expect(hub.incidents.get(id)?.timeline.filter((e) => e.type === 'escalation')).toEqual([
      expect.objectContaining({
        detail: { level: 1, route: 'routes[0]', channels: ['pagerduty'] },
      }),
      expect.objectContaining({ detail: { level: 2, route: 'routes[0]', channels: ['phone'] } }),
    ])
  })

  it('tells the escalation channels about the resolve, even when the route does not', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.runFor(12 * MIN)
    hub.drain()
    hub.resolve(id)

    expect(summary(hub.drain())).toEqual([['resolved', ['pagerduty']]])
  })

  it('tells escalation channels about an acknowledgement, and escalates no further', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.runFor(12 * MIN)
    hub.drain()
    hub.dispatcher.acknowledge(id, 'alice')

    expect(summary(hub.drain())).toEqual([['acknowledged', ['slack', 'pagerduty']]])
    hub.runFor(60 * MIN)
    expectNothingSent(hub.drain())
  })

  it('never escalates an acknowledged incident', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.runFor(5 * MIN)
    hub.dispatcher.acknowledge(id, 'alice')
    hub.drain()
    hub.runFor(60 * MIN)

    expectNothingSent(hub.drain())
  })
})

describe('AlertDispatcher: restart and incidents closed without a resolve', () => {
  it('keeps counting reminders and escalations from the persisted times, and never resends fired', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.runFor(11 * MIN)
    expect(summary(hub.drain())).toEqual([
      ['fired', ['slack']],
      ['escalated', ['pagerduty']],
    ])

    hub.restart()
    hub.runFor(8 * MIN)
    expectNothingSent(hub.drain())
    hub.runFor(MIN)
    expect(summary(hub.drain())).toEqual([['escalated', ['phone']]])
    hub.runFor(10 * MIN)
    expect(summary(hub.drain())).toEqual([['reminder', ['slack']]])

    hub.restart()
    hub.resolve(id)
    expect(summary(hub.drain())).toEqual([['resolved', ['pagerduty', 'phone']]])
  })

  it('tells every channel that got the alert when its check is removed, whatever the routes say about resolves', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    const fired = hub.drain()
    hub.incidents.resolve(id, hub.clock.now(), 'check removed')
    hub.dispatcher.handle({
      ...fired[0]!.event,
      type: 'resolved',
      at: hub.clock.now(),
      closedReason: 'check removed',
    })
    const channels = (sent: { channels: string[] }[]) => sent.flatMap((s) => s.channels).sort()
    const [resolved, ...rest] = hub.drain()
    expect(rest).toEqual([])
    expect(resolved?.event).toMatchObject({ type: 'resolved', closedReason: 'check removed' })
    expect(channels([resolved!])).toEqual(channels(fired))
  })

  it('stops following an incident the engine closed quietly (check removed)', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.drain()
    hub.incidents.resolve(id, hub.clock.now())
    hub.runFor(60 * MIN)

    expectNothingSent(hub.drain())
    expect(hub.dispatcher.describe(id)).toMatchObject({
      closedAt: hub.clock.now() - 60 * MIN + 1_000,
    })
  })

  it('drops records of incidents that ended while the hub was down', () => {
    const hub = dispatcherFixture(config)
    const id = hub.fire('checkout')
    hub.incidents.resolve(id, hub.clock.now())
    hub.restart()
    hub.drain()
    hub.runFor(60 * MIN)

    expectNothingSent(hub.drain())
    expect(hub.dispatcher.describe(id)).toMatchObject({ closedAt: expect.any(Number) })
  })
})
