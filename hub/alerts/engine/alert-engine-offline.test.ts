import { describe, expect, it } from 'vitest'
import { REGIONS, setup, probe } from './alert-engine.fixture.ts'

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
