import { describe, expect, it } from 'vitest'
import { monitoringConfig } from './dispatcher.fixture.ts'
import { channelsOf, groupKeyFor, monitoringChannels, routesFor } from './routing.ts'

const config = monitoringConfig({
  channels: ['slack', 'pagerduty', 'email', 'ops'],
  routes: [
    { match: { tags: ['payments'] }, channels: ['slack'], remindEvery: '30m' },
    {
      match: { checks: ['checkout'] },
      channels: ['email'],
      notifyOnResolve: false,
      escalate: [{ after: '10m', channels: ['pagerduty'] }],
    },
  ],
  checks: [{ id: 'checkout', tags: ['payments'], notify: ['ops'] }, { id: 'blog' }],
})

describe('routesFor', () => {
  it('takes the union of the check’s own notify and every route that matches it', () => {
    const routes = routesFor({ id: 'checkout', tags: ['payments'], notify: ['ops'] }, config)

    expect(routes.map((route) => route.key)).toEqual(['notify', 'routes[0]', 'routes[1]'])
    expect(channelsOf(routes)).toEqual(['ops', 'slack', 'email'])
    expect(routes[1]).toMatchObject({ remindEveryMs: 30 * 60_000, notifyOnResolve: true })
    expect(routes[2]).toMatchObject({
      notifyOnResolve: false,
      remindEveryMs: null,
      escalate: [{ afterMs: 10 * 60_000, channels: ['pagerduty'] }],
    })
  })

  it('matches routes by tag alone', () => {
    const routes = routesFor({ id: 'refunds', tags: ['payments'] }, config)

    expect(routes.map((route) => route.key)).toEqual(['routes[0]'])
    expect(channelsOf(routes)).toEqual(['slack'])
  })

  it('sends to every channel when neither notify nor any route applies', () => {
    const routes = routesFor({ id: 'blog', tags: [] }, config)

    expect(routes).toEqual([
      {
        key: 'default',
        channels: ['slack', 'pagerduty', 'email', 'ops'],
        notifyOnResolve: true,
        remindEveryMs: null,
        escalate: [],
      },
    ])
  })

  it('treats an empty notify list like none', () => {
    expect(routesFor({ id: 'blog', tags: [], notify: [] }, config)[0]?.key).toBe('default')
  })
})

describe('monitoringChannels', () => {
  it('uses alerting.notify, or every channel, and leaves the excluded one out', () => {
    expect(monitoringChannels(config)).toEqual(['slack', 'pagerduty', 'email', 'ops'])
    expect(monitoringChannels(config, 'slack')).toEqual(['pagerduty', 'email', 'ops'])

    const narrow = monitoringConfig({
      channels: ['slack', 'ops'],
      alerting: { notify: ['ops'] },
      checks: [],
    })
    expect(monitoringChannels(narrow)).toEqual(['ops'])
    expect(monitoringChannels(narrow, 'ops')).toEqual([])
  })
})

describe('groupKeyFor', () => {
  it('groups by sorted tags behind the event type; untagged checks share a group', () => {
    expect(groupKeyFor('fired', ['web', 'eu'], config)).toBe('fired:tags:eu,web')
    expect(groupKeyFor('resolved', ['eu', 'web'], config)).toBe('resolved:tags:eu,web')
    expect(groupKeyFor('fired', [], config)).toBe('fired:tags:')
  })

  it('never groups with groupBy none', () => {
    const none = monitoringConfig({ channels: ['ops'], alerting: { groupBy: 'none' }, checks: [] })
    expect(groupKeyFor('fired', ['web'], none)).toBeNull()
  })
})
