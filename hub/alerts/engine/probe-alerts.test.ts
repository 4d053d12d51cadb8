import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import { MIN, monitoringConfig, T0 } from '../dispatch/dispatcher.fixture.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import { ProbeAlerts } from './probe-alerts.ts'

const config = monitoringConfig({
  channels: ['ops'],
  alerting: { probeOfflineAfter: '2m' },
  checks: [],
})

function probe(probeId: string, state: ProbeInfo['state'], lastSeen: number): ProbeInfo {
  return {
    probeId,
    state,
    region: 'eu-west',
    labels: {},
    capabilities: [],
    version: '1.0.0',
    lastSeen,
  }
}

function setup(clock = new ManualClock(T0), db = new Database(':memory:')) {
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  const alerts = new ProbeAlerts({
    clock,
    incidents,
    config: () => config,
    onEvent: (event) => events.push(event),
  })
  /** Ticks every second for `ms` with the probe list `probes` gives at each moment. */
  const runFor = (ms: number, probes: () => ProbeInfo[]) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 1_000) {
      clock.advance(1_000)
      alerts.tick(probes())
    }
  }
  return { clock, db, incidents, events, alerts, runFor }
}

describe('ProbeAlerts', () => {
  it('fires exactly once after probeOfflineAfter from lastSeen, and resolves once when back', () => {
    const hub = setup()
    let lastSeen = T0
    let state: ProbeInfo['state'] = 'online'
    hub.runFor(MIN, () => {
      lastSeen = hub.clock.now()
      return [probe('p1', 'online', lastSeen)]
    })
    state = 'offline'
    const wentOffline = lastSeen
    hub.runFor(2 * MIN - 1_000, () => [probe('p1', state, wentOffline)])
    expect(hub.events).toEqual([])

    hub.runFor(5 * MIN, () => [probe('p1', state, wentOffline)])
    expect(hub.events).toHaveLength(1)
    const [fired] = hub.events
    expect(fired).toMatchObject({
      type: 'fired',
      subject: 'probe',
      checkId: 'probe:p1',
      checkName: 'Probe p1 (eu-west)',
      regions: ['eu-west'],
      quorum: 0,
      firstError: null,
      summary: `offline since ${new Date(wentOffline).toISOString()}`,
      at: wentOffline + 2 * MIN,
    })
    expect(hub.incidents.openFor('probe:p1', 'probe')?.incidentId).toBe(fired?.incidentId)

    state = 'online'
    hub.runFor(3_000, () => [probe('p1', state, hub.clock.now())])
    expect(hub.events.map((e) => e.type)).toEqual(['fired', 'resolved'])
    expect(hub.events[1]).toMatchObject({
      incidentId: fired?.incidentId,
      durationMs: 5 * MIN,
    })
    expect(hub.incidents.openFor('probe:p1', 'probe')).toBeNull()
  })

  it('fires once for an online probe that stays unhealthy, and resolves when it is healthy', () => {
    const hub = setup()
    const unhealthy = (): ProbeInfo => ({
      ...probe('p1', 'online', hub.clock.now()),
      health: { ok: false, reasons: ['clock 45s off the hub'] },
    })
    hub.runFor(30_000, () => [unhealthy()])
    // A short bout of bad health is the probe's own business: its results are inconclusive.
    hub.runFor(5_000, () => [probe('p1', 'online', hub.clock.now())])
    hub.runFor(2 * MIN - 1_000, () => [unhealthy()])
    expect(hub.events).toEqual([])

    hub.runFor(5_000, () => [unhealthy()])
    expect(hub.events).toHaveLength(1)
    expect(hub.events[0]).toMatchObject({
      type: 'fired',
      subject: 'probe',
      checkId: 'probe:p1',
      summary: expect.stringContaining('unhealthy since') as string,
    })
    expect(hub.events[0]?.summary).toContain('clock 45s off the hub')

    hub.runFor(2_000, () => [probe('p1', 'online', hub.clock.now())])
    expect(hub.events.map((e) => e.type)).toEqual(['fired', 'resolved'])
  })

  it('restores an open probe incident on restart: no second fired, one resolved when back', () => {
    const first = setup()
    first.runFor(3 * MIN, () => [probe('p1', 'offline', T0)])
    expect(first.events.map((e) => e.type)).toEqual(['fired'])

    const second = setup(first.clock, first.db)
    second.runFor(10 * MIN, () => [probe('p1', 'offline', T0)])
    expect(second.events).toEqual([])

    second.runFor(1_000, () => [probe('p1', 'online', second.clock.now())])
    expect(second.events.map((e) => [e.type, e.incidentId])).toEqual([
      ['resolved', first.events[0]?.incidentId],
    ])
  })

  it('resolves a restored incident whose probe is online at the first tick', () => {
    const first = setup()
    first.runFor(3 * MIN, () => [probe('p1', 'offline', T0)])

    const second = setup(first.clock, first.db)
    second.runFor(1_000, () => [probe('p1', 'online', second.clock.now())])

    expect(second.events.map((e) => e.type)).toEqual(['resolved'])
  })

  it('counts a probe offline at startup from the hub’s start, not from an ancient lastSeen', () => {
    const hub = setup()
    const ancient = T0 - 24 * 60 * MIN
    const probes = () => [probe('p1', 'offline', ancient), probe('p2', 'offline', ancient)]

    hub.runFor(MIN, probes)
    expect(hub.events).toEqual([])
    hub.runFor(10 * MIN, probes)
    expect(hub.events.map((e) => [e.type, e.checkId])).toEqual([
      ['fired', 'probe:p1'],
      ['fired', 'probe:p2'],
    ])
  })

  it('resolves an open incident whose probe left the registry', () => {
    const hub = setup()
    hub.runFor(3 * MIN, () => [probe('p1', 'offline', T0)])
    hub.runFor(1_000, () => [])

    expect(hub.events.map((e) => e.type)).toEqual(['fired', 'resolved'])
    expect(hub.events[1]?.summary).toBe('probe p1 is no longer registered')
  })

  it('never throws out of tick', () => {
    const hub = setup()
    expect(() => hub.alerts.tick([{ probeId: 'x' } as never, null as never])).not.toThrow()
  })
})
