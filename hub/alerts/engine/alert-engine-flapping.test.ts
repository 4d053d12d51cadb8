import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { CheckStatus } from '../../../checks/result.ts'
import { DEFAULT_ALERTING } from '../../../checks/alerting.ts'
import type { AlertEngineOptions } from './alert-engine.ts'
import { spec, setup, everyRegion } from './alert-engine.fixture.ts'

/** Two downs then two ups in every region, `rounds` times: DOWN every other failAfter. */
function toggle(round: (statuses: Record<string, CheckStatus>) => void, rounds: number) {
  for (let i = 0; i < rounds; i++) round(everyRegion(Math.floor(i / 2) % 2 === 0 ? 'down' : 'up'))
}

describe('AlertEngine flapping', () => {
  function flappingSetup(options: Partial<AlertEngineOptions> = {}, db = new Database(':memory:')) {
    const seen: { type: string; flapping: boolean | undefined }[] = []
    const ctx = setup([spec()], db, {
      ...options,
      onEvent: (event) => {
        ctx.events.push(event)
        seen.push({ type: event.type, flapping: ctx.engine.state(event.checkId).flapping })
      },
    })
    return { ...ctx, seen }
  }

  it('sends one flapping-started and one flapping-stopped for a toggling target', () => {
    const { engine, events, incidents, seen, round } = flappingSetup()
    toggle(round, 40)
    expect(engine.state('api-health').flapping).toBe(true)
    for (let i = 0; i < 25; i++) round(everyRegion('up'))

    const flapEvents = events.filter((e) => e.type.startsWith('flapping'))
    expect(flapEvents).toMatchObject([
      { type: 'flapping-started', checkId: 'api-health', tags: [], quorum: 2 },
      { type: 'flapping-stopped', summary: 'now up', durationMs: expect.any(Number) },
    ])
    expect(flapEvents[1]!.incidentId).toBe(flapEvents[0]!.incidentId)
    expect(engine.state('api-health').flapping).toBe(false)
    // DOWN incidents still open and close during the episode; listeners see the flag.
    const started = seen.findIndex((s) => s.type === 'flapping-started')
    const stopped = seen.findIndex((s) => s.type === 'flapping-stopped')
    const during = seen.slice(started + 1, stopped)
    expect(during.some((s) => s.type === 'fired')).toBe(true)
    expect(during.every((s) => s.flapping === true)).toBe(true)
    expect(seen[started]!.flapping).toBe(true)

    const flapIncident = incidents.get(flapEvents[0]!.incidentId)!
    expect(flapIncident).toMatchObject({ kind: 'flapping', endedAt: expect.any(Number) })
    expect(flapIncident.timeline.map((t) => [t.type, t.detail['flapping']])).toEqual([
      ['flapping', true],
      ['flapping', false],
    ])
    expect(incidents.outages('api-health', 0, Infinity).length).toBeGreaterThan(0)
  })

  it('does not detect flapping when the project turns it off', () => {
    const { engine, events, round } = flappingSetup({
      alerting: () => ({ ...DEFAULT_ALERTING, flapping: false }),
    })
    toggle(round, 40)
    expect(events.filter((e) => e.type.startsWith('flapping'))).toEqual([])
    expect(engine.state('api-health').flapping).toBe(false)
  })

  it('restores a flapping episode after a restart and closes it quietly once settled', () => {
    const db = new Database(':memory:')
    const first = flappingSetup({}, db)
    toggle(first.round, 40)
    const episode = first.events.find((e) => e.type === 'flapping-started')!

    const second = flappingSetup({}, db)
    second.clock.set(first.clock.now())
    expect(second.engine.state('api-health').flapping).toBe(true)
    for (let i = 0; i < 20; i++) second.round(everyRegion('up'))
    expect(second.engine.state('api-health').flapping).toBe(true)
    second.round(everyRegion('up'))

    expect(second.engine.state('api-health').flapping).toBe(false)
    expect(second.events.filter((e) => e.type.startsWith('flapping'))).toEqual([])
    expect(second.incidents.get(episode.incidentId)).toMatchObject({
      endedAt: second.clock.now(),
      timeline: expect.arrayContaining([expect.objectContaining({ type: 'note' })]),
    })
  })
})
