import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase } from '../store/database.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { actingAs } from './actor-context.ts'
import { EventLog } from './event-log.ts'
import { ProbeWatch, timelineEvent, windowEvent } from './event-sources.ts'
import { currentActor } from './actor-context.ts'

const HOUR = 3_600_000

function setup(retentionMs = 90 * 24 * HOUR) {
  const db = openDatabase(':memory:')
  const clock = new ManualClock(Date.UTC(2026, 5, 1))
  const events = new EventLog(db, {
    clock,
    logger: silentLogger(),
    retentionMs: () => retentionMs,
    actor: currentActor,
  })
  return { db, clock, events }
}

const probe = (overrides: Partial<ProbeInfo>): ProbeInfo => ({
  probeId: 'eu-west-1',
  state: 'online',
  region: 'eu-west',
  labels: {},
  capabilities: [],
  version: '1',
  lastSeen: 0,
  ...overrides,
})

describe('event log', () => {
  it('filters by check, kind and time, newest first', () => {
    const { clock, events } = setup()
    const t0 = clock.now()
    events.append({ at: t0, kind: 'deploy', action: 'deployed', summary: 'deployed 2-a' })
    events.append({
      at: t0 + 1_000,
      kind: 'alert',
      action: 'fired',
      check: 'latte',
      summary: 'latte fired',
    })
    events.append({
      at: t0 + 2_000,
      kind: 'ack',
      action: 'acknowledged',
      check: 'latte',
      summary: 'ack',
    })
    events.append({
      at: t0 + 3_000,
      kind: 'alert',
      action: 'fired',
      check: 'mocha',
      summary: 'mocha fired',
    })

    expect(events.find({ check: 'latte' }).map((e) => e.summary)).toEqual(['ack', 'latte fired'])
    expect(events.find({ kinds: ['alert'] }).map((e) => e.check)).toEqual(['mocha', 'latte'])
    expect(events.find({ since: t0 + 1_000, until: t0 + 3_000 }).map((e) => e.kind)).toEqual([
      'ack',
      'alert',
    ])
    expect(events.find({ limit: 1 })[0]!.summary).toBe('mocha fired')
  })

  it('names the actor of the work it is appended in', async () => {
    const { clock, events } = setup()
    await actingAs({ actor: 'slack:alice', origin: 'slack T1 #ops' }, async () => {
      await Promise.resolve()
      events.append({ at: clock.now(), kind: 'silence', action: 'created', summary: 's' })
    })
    events.append({ at: clock.now(), kind: 'deploy', action: 'deployed', summary: 'd' })
    const [deploy, silence] = events.find()
    expect(silence).toMatchObject({ actor: 'slack:alice', origin: 'slack T1 #ops' })
    expect(deploy).toMatchObject({ actor: null, origin: null })
  })

  it('keeps rows for its own retention and deletes older ones in batches', async () => {
    const { clock, events } = setup(24 * HOUR)
    for (let i = 0; i < 2_500; i += 1) {
      events.append({ at: clock.now() - 48 * HOUR + i, kind: 'alert', action: 'x', summary: 'old' })
    }
    events.append({ at: clock.now() - HOUR, kind: 'alert', action: 'x', summary: 'recent' })
    expect(await events.prune()).toBe(2_500)
    expect(events.find().map((e) => e.summary)).toEqual(['recent'])
  })

  it('mirrors incident timelines: alerts, notifications with their answer, acks, remediation', () => {
    const { db, clock, events } = setup()
    const incidents = new IncidentStore(db)
    incidents.onEntry((incident, entry) => {
      const event = timelineEvent(incident, entry)
      if (event) events.append(event)
    })
    const id = incidents.open({
      checkId: 'latte',
      at: clock.now(),
      regions: ['eu-west'],
      firstError: null,
    })
    incidents.addEvent(id, clock.now(), 'fired', { regions: ['eu-west', 'us-east'] })
    incidents.addEvent(id, clock.now() + 1, 'notification', {
      channel: 'oncall',
      channelType: 'pagerduty',
      alert: 'fired',
      attempt: 1,
      outcome: 'failed',
      error: 'HTTP 400',
    })
    incidents.addEvent(id, clock.now() + 2, 'ack', { by: 'alice', comment: 'on it' })
    incidents.addEvent(id, clock.now() + 3, 'deploy', { version: '3-b' })
    incidents.addEvent(id, clock.now() + 4, 'remediation', {
      action: 'command restart-latte',
      outcome: 'ok',
    })
    const logged = events.find({ check: 'latte', ascending: true })
    expect(logged.map((e) => [e.kind, e.action])).toEqual([
      ['alert', 'fired'],
      ['notification', 'failed'],
      ['ack', 'acknowledged'],
      ['remediation', 'ok'],
    ])
    expect(logged[1]!.summary).toBe('fired for latte to oncall (pagerduty): failed: HTTP 400')
    expect(logged[0]!.detail.incidentId).toBe(id)
  })

  it('tells probe joins, leaves, health changes and rejected bundles apart', () => {
    const watch = new ProbeWatch()
    const at = 0
    expect(watch.observe('eu-west-1', probe({}), at).map((e) => e.action)).toEqual(['joined'])
    expect(
      watch
        .observe('eu-west-1', probe({ health: { ok: false, reasons: ['disk read-only'] } }), at)
        .map((e) => e.summary),
    ).toEqual(['probe eu-west-1 (eu-west) is unhealthy: disk read-only'])
    expect(
      watch
        .observe(
          'eu-west-1',
          probe({ health: { ok: true, reasons: [] }, stats: { bundlesRejected: 1 } }),
          at,
        )
        .map((e) => [e.kind, e.action]),
    ).toEqual([
      ['probe', 'healthy'],
      ['rejected', 'bundle'],
    ])
    expect(
      watch.observe('eu-west-1', probe({ state: 'offline', reason: 'draining' }), at)[0]!.summary,
    ).toBe('probe eu-west-1 (eu-west) left (draining)')
    expect(watch.observe('eu-west-1', undefined, at)[0]!.action).toBe('retired')
  })

  it('describes a silence by what it matches and until when', () => {
    const event = windowEvent(
      {
        action: 'created',
        window: {
          id: 's-1',
          kind: 'silence',
          match: { checks: ['latte'] },
          start: 0,
          end: HOUR,
          reason: 'known issue',
          createdBy: 'alice',
          createdAt: 0,
        },
      },
      0,
    )
    expect(event).toMatchObject({
      kind: 'silence',
      check: 'latte',
      summary: 'silence s-1 created for check latte until 1970-01-01T01:00:00.000Z: known issue',
    })
  })
})
