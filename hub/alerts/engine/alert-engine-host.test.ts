import Database from 'better-sqlite3'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { CheckResult, CheckStatus } from '../../../checks/result.ts'
import { checkSpecSchema, type CheckSpec } from '../../../checks/spec.ts'
import { ManualClock } from '../../../lib/clock.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import { AlertEngine } from './alert-engine.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'

const MIN = 60_000
const readOnlyError = {
  code: 'HOST_READ_ONLY',
  message: '/data (ext4 /dev/vdb) is mounted read-only',
}

const readOnly = (overrides: Record<string, unknown> = {}): CheckSpec =>
  checkSpecSchema.parse({
    kind: 'host.readOnly',
    id: 'app-disks',
    on: { labels: { role: 'app' } },
    ...overrides,
  })

/** Every app host sits in the same region: a host check must still tell them apart. */
function result(probeId: string, status: CheckStatus, scheduledAt: number): CheckResult {
  return {
    id: ulid(scheduledAt),
    checkId: 'app-disks',
    kind: 'host.readOnly',
    configVersion: '1-abcdef12',
    probeId,
    region: 'eu-west',
    scheduledAt,
    startedAt: scheduledAt,
    durationMs: 3,
    status,
    ...(status === 'down' ? { error: readOnlyError } : {}),
    assertions: [],
    trigger: 'schedule',
  }
}

function setup(specs: CheckSpec[] = [readOnly()], db = new Database(':memory:')) {
  const clock = new ManualClock()
  const incidents = new IncidentStore(db)
  const events: AlertEvent[] = []
  const engine = new AlertEngine({ clock, incidents, onEvent: (e) => events.push(e) })
  engine.setChecks(specs)
  /** One scheduled round: the clock moves a minute, then each listed host reports. */
  function round(statuses: Record<string, CheckStatus>) {
    clock.advance(MIN)
    for (const [probeId, status] of Object.entries(statuses)) {
      engine.observe(result(probeId, status, clock.now()))
    }
  }
  return { db, clock, incidents, events, engine, round }
}

describe('AlertEngine with host checks: one series per host', () => {
  it('starts with no series and adds each host as its first result arrives', () => {
    const { engine, round } = setup()
    expect(engine.state('app-disks')).toMatchObject({ status: 'unknown', regions: {} })
    round({ 'app-1': 'up', 'app-2': 'up' })
    expect(engine.state('app-disks')).toMatchObject({
      status: 'up',
      regions: { 'app-1': 'passing', 'app-2': 'passing' },
    })
  })

  it('fires when a single host fails (quorum 1), naming the failing probe', () => {
    const { engine, events, incidents, round } = setup()
    round({ 'app-1': 'up', 'app-2': 'down', 'app-3': 'up' })
    expect(events).toEqual([])
    round({ 'app-1': 'up', 'app-2': 'down', 'app-3': 'up' })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      type: 'fired',
      checkId: 'app-disks',
      regions: ['app-2'],
      quorum: 1,
      firstError: readOnlyError,
    })
    expect(engine.state('app-disks')).toMatchObject({
      status: 'down',
      failingRegions: ['app-2'],
      regions: { 'app-1': 'passing', 'app-2': 'failing', 'app-3': 'passing' },
    })
    expect(incidents.openIncidents()[0]!.regions).toEqual(['app-2'])
  })

  it('adds hosts that fail later to the incident and resolves once every host passes', () => {
    const { engine, events, round } = setup()
    round({ 'app-1': 'down', 'app-2': 'up' })
    round({ 'app-1': 'down', 'app-2': 'down' })
    round({ 'app-1': 'down', 'app-2': 'down' })
    expect(engine.state('app-disks').failingRegions).toEqual(['app-1', 'app-2'])
    round({ 'app-1': 'up', 'app-2': 'down' })
    round({ 'app-1': 'up', 'app-2': 'down' })
    expect(events.map((e) => e.type)).toEqual(['fired'])
    round({ 'app-1': 'up', 'app-2': 'up' })
    round({ 'app-1': 'up', 'app-2': 'up' })
    expect(events.map((e) => e.type)).toEqual(['fired', 'resolved'])
    expect(events[1]!.regions).toEqual(['app-1', 'app-2'])
    expect(engine.state('app-disks').status).toBe('up')
  })

  it('keeps host series across a redeploy', () => {
    const { engine, events, round } = setup()
    round({ 'app-1': 'down' })
    engine.setChecks([readOnly({ every: '30s' })])
    round({ 'app-1': 'down' })
    expect(events.map((e) => e.type)).toEqual(['fired'])
  })

  it('does not let an old replay add a host', () => {
    const { engine, clock } = setup()
    clock.advance(60 * MIN)
    engine.observe(result('app-9', 'down', clock.now() - 30 * MIN))
    expect(engine.state('app-disks').regions).toEqual({})
  })

  it('restores failing hosts from an open incident after a hub restart', () => {
    const db = new Database(':memory:')
    const first = setup([readOnly()], db)
    first.round({ 'app-1': 'down', 'app-2': 'up' })
    first.round({ 'app-1': 'down', 'app-2': 'up' })
    expect(first.events.map((e) => e.type)).toEqual(['fired'])

    const second = setup([readOnly()], db)
    expect(second.engine.state('app-disks')).toMatchObject({
      status: 'down',
      failingRegions: ['app-1'],
    })
    second.round({ 'app-1': 'up' })
    second.round({ 'app-1': 'up' })
    expect(second.events.map((e) => e.type)).toEqual(['resolved'])
  })

  it('leaves region checks keyed by region', () => {
    const http = checkSpecSchema.parse({
      kind: 'http',
      id: 'site',
      url: 'http://127.0.0.1:9/',
      regions: ['eu-west'],
    })
    const { engine, clock } = setup([http])
    clock.advance(MIN)
    engine.observe({ ...result('eu-west-1', 'up', clock.now()), checkId: 'site', kind: 'http' })
    expect(engine.state('site').regions).toEqual({ 'eu-west': 'passing' })
  })

  it('marks a host offline while its probe is, and never counts it toward DOWN', () => {
    const { engine, events, round } = setup()
    const host = (probeId: string, state: ProbeInfo['state']): ProbeInfo => ({
      probeId,
      state,
      region: 'eu-west',
      labels: { role: 'app' },
      capabilities: [],
      version: '1.0.0',
      lastSeen: 0,
    })
    engine.setProbes([host('app-1', 'online'), host('app-2', 'online')])
    round({ 'app-1': 'up', 'app-2': 'up' })
    engine.setProbes([host('app-1', 'online'), host('app-2', 'offline')])
    // An outbox replayed late by the offline host must not page.
    round({ 'app-1': 'up', 'app-2': 'down' })
    round({ 'app-1': 'up', 'app-2': 'down' })

    expect(events).toEqual([])
    expect(engine.state('app-disks')).toMatchObject({
      status: 'up',
      regions: { 'app-1': 'passing', 'app-2': 'offline' },
    })
  })
})
