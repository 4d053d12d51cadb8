import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../checks/alert-event.ts'
import { checkSpecSchema } from '../../checks/spec.ts'
import { ManualClock } from '../../lib/clock.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { agreeing, AnomalyTickets } from './anomaly-tickets.ts'
import type { OpenAnomaly } from './region-episode.ts'

const MIN = 60_000
const anomaly = (since: number): OpenAnomaly => ({
  since,
  expectedMs: 180,
  peakScore: 0.8,
  latestMs: 412,
})
const spec = (regions: string[]) =>
  checkSpecSchema.parse({ kind: 'http', id: 'api', url: 'https://api.example.com', regions })

function bench() {
  const db = new Database(':memory:')
  const clock = new ManualClock()
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  return {
    db,
    clock,
    incidents,
    events,
    tickets: new AnomalyTickets(clock, incidents, (e) => events.push(e)),
  }
}

describe('anomaly tickets', () => {
  it('need two regions whose anomalies began close together', () => {
    expect(
      agreeing(
        [
          ['a', anomaly(0)],
          ['b', anomaly(60 * MIN)],
        ],
        10 * MIN,
      ),
    ).toHaveLength(1)
    expect(
      agreeing(
        [
          ['a', anomaly(0)],
          ['b', anomaly(60 * MIN)],
          ['c', anomaly(65 * MIN)],
        ],
        10 * MIN,
      ).map(([region]) => region),
    ).toEqual(['b', 'c'])
  })

  it('open once with the agreeing regions, and close quietly when none is left', () => {
    const { clock, incidents, events, tickets } = bench()
    const check = spec(['eu', 'us', 'ap'])
    tickets.update(check, [['eu', anomaly(clock.now())]])
    expect(events).toEqual([])
    tickets.update(check, [
      ['eu', anomaly(clock.now())],
      ['us', anomaly(clock.now() + 3 * MIN)],
    ])
    tickets.update(check, [
      ['eu', anomaly(clock.now())],
      ['us', anomaly(clock.now() + 3 * MIN)],
    ])
    expect(events).toMatchObject([
      {
        type: 'anomaly',
        severity: 'degraded',
        regions: ['eu', 'us'],
        quorum: 2,
        summary: 'eu 412 ms, expected 180 ms; us 412 ms, expected 180 ms',
      },
    ])
    expect(incidents.openIncidents()).toMatchObject([{ kind: 'anomaly', regions: ['eu', 'us'] }])
    tickets.update(check, [])
    expect(incidents.openIncidents()).toEqual([])
    expect(events).toHaveLength(1)
  })

  it('take one region when the check runs in one, and remember open ones across a restart', () => {
    const { db, clock, incidents, events, tickets } = bench()
    const check = spec(['eu'])
    tickets.update(check, [['eu', anomaly(clock.now())]])
    expect(events).toHaveLength(1)
    const again = new AnomalyTickets(clock, incidents, (e) => events.push(e))
    again.update(check, [['eu', anomaly(clock.now())]])
    expect(events).toHaveLength(1)
    again.retire('api', 'the check was removed')
    expect(incidents.openIncidents()).toEqual([])
    db.close()
  })
})
