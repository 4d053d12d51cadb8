import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { ChannelAlerts } from './channel-alerts.ts'
import {
  dispatcherFixture,
  MIN,
  monitoringConfig,
  summary,
  T0,
} from '../dispatch/dispatcher.fixture.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'

const failing = { failing: true, consecutiveFailures: 3, lastError: 'HTTP 401 Unauthorized' }
const ok = { failing: false, consecutiveFailures: 0, lastError: null }

function setup(db = new Database(':memory:'), clock = new ManualClock(T0)) {
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  const alerts = new ChannelAlerts({ clock, incidents, onEvent: (event) => events.push(event) })
  return { db, clock, incidents, events, alerts }
}

describe('ChannelAlerts', () => {
  it('opens one channel incident while failing and resolves it after a success', () => {
    const hub = setup()
    hub.alerts.update('hook', failing)
    hub.alerts.update('hook', { ...failing, consecutiveFailures: 4 })
    hub.clock.advance(2 * MIN)
    hub.alerts.update('hook', ok)
    hub.alerts.update('hook', ok)

    expect(hub.events.map((e) => e.type)).toEqual(['fired', 'resolved'])
    const [fired, resolved] = hub.events
    expect(fired).toMatchObject({
      subject: 'channel',
      checkId: 'channel:hook',
      checkName: 'Channel hook',
      quorum: 0,
      summary: '3 deliveries in a row failed; last error: HTTP 401 Unauthorized',
    })
    expect(resolved).toMatchObject({ incidentId: fired?.incidentId, durationMs: 2 * MIN })
    expect(hub.incidents.get(fired!.incidentId)).toMatchObject({
      kind: 'channel',
      endedAt: T0 + 2 * MIN,
    })
    expect(hub.alerts.failing()).toEqual([])
  })

  it('does not fire again after a restart while the channel still fails', () => {
    const first = setup()
    first.alerts.update('hook', failing)
    const second = setup(first.db, first.clock)
    second.alerts.update('hook', failing)
    expect(second.alerts.failing()).toEqual(['hook'])
    second.alerts.update('hook', ok)

    expect(second.events.map((e) => [e.type, e.incidentId])).toEqual([
      ['resolved', first.events[0]?.incidentId],
    ])
  })

  it('reaches every channel but the failing one through the dispatcher', () => {
    const hub = dispatcherFixture(
      monitoringConfig({ channels: ['hook', 'slack', 'ops'], checks: [] }),
    )
    const alerts = new ChannelAlerts({
      clock: hub.clock,
      incidents: hub.incidents,
      onEvent: (event) => hub.dispatcher.handle(event),
    })
    alerts.update('hook', failing)
    alerts.update('hook', ok)

    expect(summary(hub.drain())).toEqual([
      ['fired', ['slack', 'ops']],
      ['resolved', ['slack', 'ops']],
    ])
  })
})
