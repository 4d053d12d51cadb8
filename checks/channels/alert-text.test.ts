import { describe, expect, it } from 'vitest'
import {
  acknowledged,
  anomaly,
  channelFailing,
  ctx,
  degraded,
  escalated,
  fired,
  flappingStarted,
  flappingStopped,
  group,
  probeOffline,
  regionDown,
  reminder,
  resolved,
} from './alert-events.fixture.ts'
import type { AlertEvent } from '../alert-event.ts'
import { facts, headline, plainText, tone, type Tone } from './alert-text.ts'

describe('headline', () => {
  it.each([
    ['fired', fired, 'DOWN: API health (api-health) in eu-west, us-east'],
    ['degraded', degraded, 'DEGRADED: API health (api-health) in eu-west, us-east'],
    ['resolved', resolved, 'RESOLVED: API health (api-health) after 2m30s'],
    ['reminder', reminder, 'REMINDER: still DOWN: API health (api-health) in eu-west, us-east'],
    [
      'escalated',
      escalated,
      'ESCALATED (level 2): DOWN: API health (api-health) in eu-west, us-east',
    ],
    ['acknowledged', acknowledged, 'ACKNOWLEDGED by alice: API health (api-health): looking'],
    [
      'flapping-started',
      flappingStarted,
      'FLAPPING: API health (api-health) changes state too often; alerts wait until it settles',
    ],
    ['flapping-stopped', flappingStopped, 'STOPPED FLAPPING: API health (api-health)'],
    ['anomaly', anomaly, 'SLOWER THAN USUAL: API health (api-health) in eu-west, us-east'],
    [
      'a region alert',
      regionDown,
      'REGION DOWN: eu-west: 12 of 20 checks fail in eu-west while other regions pass',
    ],
    [
      'a probe alert',
      probeOffline,
      'PROBE OFFLINE: eu-west-1: no status from probe eu-west-1 for 1m',
    ],
    [
      'a channel alert',
      channelFailing,
      'CHANNEL FAILING: slack: 3 deliveries in a row failed: HTTP 500',
    ],
    [
      'a resolved probe alert',
      { ...probeOffline, type: 'resolved', durationMs: 90_000 },
      'RESOLVED: eu-west-1 after 1m30s',
    ],
  ] as const)('says what happened for %s', (_name, event, text) => {
    expect(headline(event)).toBe(text)
  })

  it('lists every alert of a group', () => {
    expect(headline(group)).toBe(
      '3 alerts: DOWN: API health (api-health) in eu-west, us-east; DOWN: Shop (shop) in eu-west; DOWN: login in us-east',
    )
  })

  it('names an acknowledgement without a comment or a name', () => {
    const bare = { ...acknowledged, ackedBy: undefined, comment: undefined }
    expect(headline(bare)).toBe('ACKNOWLEDGED by someone: API health (api-health)')
  })

  it('cuts a long region list', () => {
    const regions = ['a', 'b', 'c', 'd', 'e', 'f', 'g']
    expect(headline({ ...fired, regions })).toBe(
      'DOWN: API health (api-health) in a, b, c, d, e +2 more',
    )
  })
})

describe('facts', () => {
  it('adds who acknowledged and why', () => {
    expect(facts(acknowledged, ctx)).toEqual(
      expect.arrayContaining([
        ['State', 'DOWN'],
        ['Acknowledged by', 'alice'],
        ['Comment', 'looking'],
      ]),
    )
  })

  it('adds the escalation level, the summary and the tags', () => {
    expect(facts(escalated, ctx)).toContainEqual(['Level', '2'])
    expect(facts(probeOffline, ctx)).toEqual(
      expect.arrayContaining([
        ['State', 'OFFLINE'],
        ['Summary', 'no status from probe eu-west-1 for 1m'],
      ]),
    )
    expect(facts({ ...fired, tags: ['api', 'edge'] }, ctx)).toContainEqual(['Tags', 'api, edge'])
  })

  it.each([
    [flappingStarted, 'FLAPPING'],
    [flappingStopped, 'SETTLED'],
    [anomaly, 'SLOW'],
    [{ ...channelFailing, type: 'resolved' } as const, 'OK'],
    [regionDown, 'DOWN'],
  ])('gives the state after the event', (event, state) => {
    expect(facts(event, ctx)).toContainEqual(['State', state])
  })
})

describe('plainText', () => {
  it('gives a group its headline, each alert with its facts, and the shared facts once', () => {
    const text = plainText(group, ctx)
    const sections = text.split('\n\n')
    expect(sections).toHaveLength(5)
    expect(sections[0]).toBe(headline(group))
    expect(sections[2]).toMatch(/^DOWN: Shop \(shop\) in eu-west\nCheck: shop\n/)
    expect(sections[4]).toBe('Project: Acme\nStatus: https://status.example.com/status/main')
    expect(text.match(/Project:/g)).toHaveLength(1)
  })
})

describe('tone', () => {
  it.each<[AlertEvent, Tone]>([
    [fired, 'down'],
    [degraded, 'warning'],
    [flappingStarted, 'warning'],
    [anomaly, 'warning'],
    [acknowledged, 'info'],
    [resolved, 'ok'],
    [flappingStopped, 'ok'],
    [{ ...resolved, grouped: [acknowledged] }, 'info'],
    [{ ...resolved, grouped: [acknowledged, fired] }, 'down'],
  ])('is the worst of a group (%#)', (event, expected) => {
    expect(tone(event)).toBe(expected)
  })
})
