import { describe, expect, it } from 'vitest'
import { MIN, result, setup } from './alert-engine.fixture.ts'

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

describe('AlertEngine failure episodes', () => {
  it("keeps a contained, recovered failure's rounds off the next incident, and dates it from its own first failure", () => {
    const { engine, events, incidents, clock, round } = setup()
    // One region times out twice: contained (below the quorum), confirmed elsewhere, then passes.
    round({ 'eu-west': 'down', 'us-east': 'up', 'ap-south': 'up' })
    engine.recordConfirmation('api-health', clock.now(), { failingRegion: 'eu-west', probes: 2 })
    round({ 'eu-west': 'down', 'us-east': 'up', 'ap-south': 'up' })
    round({ 'eu-west': 'up', 'us-east': 'up', 'ap-south': 'up' })
    round({ 'eu-west': 'up', 'us-east': 'up', 'ap-south': 'up' })
    expect(events).toEqual([])

    // Within five minutes, a real outage.
    round({ 'eu-west': 'up', 'us-east': 'down', 'ap-south': 'up' })
    const outageBegan = clock.now()
    engine.recordConfirmation('api-health', clock.now(), { failingRegion: 'us-east', probes: 2 })
    clock.advance(1_300)
    engine.observe(result('us-east', 'down', clock.now(), { trigger: 'confirm' }))
    engine.observe(result('ap-south', 'down', clock.now(), { trigger: 'confirm' }))
    engine.observe(result('ap-south', 'down', clock.now() + 1, { trigger: 'confirm' }))
    expect(events.map((e) => e.type)).toEqual(['fired'])

    const incident = incidents.get(events[0]!.incidentId)!
    expect(incident.failingSince).toBe(outageBegan)
    expect(incident.timeline.filter((t) => t.type === 'confirmation')).toEqual([
      { at: outageBegan, type: 'confirmation', detail: { failingRegion: 'us-east', probes: 2 } },
    ])
  })
})
