import { describe, expect, it } from 'vitest'
import { spec, setup, everyRegion } from './alert-engine.fixture.ts'

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
