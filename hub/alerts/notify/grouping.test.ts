/**
 * Grouping through the real notifier and queue, against a local HTTP sink: alerts that
 * share a group key and channel within the group wait arrive as one request, and the
 * group survives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { ChannelConfig } from '../../../checks/validate.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import { openDatabase } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { DeliveryQueue } from './delivery-queue.ts'
import { notifierHarness } from './notifier-harness.fixture.ts'
import { createNotifier } from './notifier.ts'
import type { WebhookPayload } from '../../../checks/channels/webhook.ts'
import type { WebhookSink } from '../../../test/fixtures/scripted-http-sink.ts'

/** Long enough that three sends in a row land inside it, short enough for a fast suite. */
const GROUP_WAIT_MS = 150

const { clock, cleanup, sink, openDb, start } = notifierHarness({
  retry: { attempts: 3, baseDelayMs: 0 },
  groupWaitMs: () => GROUP_WAIT_MS,
})

/** A fired alert for `checkId`, with its own open incident. */
function firedFor(incidents: IncidentStore, checkId: string): AlertEvent {
  const incidentId = incidents.open({
    checkId,
    at: clock.now(),
    regions: ['eu-west'],
    firstError: null,
  })
  return {
    type: 'fired',
    incidentId,
    checkId,
    checkName: checkId,
    at: clock.now(),
    regions: ['eu-west'],
    quorum: 1,
    firstError: null,
    tags: ['payments'],
  }
}

function notifications(incidents: IncidentStore, incidentId: string) {
  return incidents
    .get(incidentId)!
    .timeline.filter((entry) => entry.type === 'notification')
    .map((entry) => entry.detail)
}

function bodies(target: WebhookSink): WebhookPayload[] {
  return target.requests.map((request) => JSON.parse(request.body) as WebhookPayload)
}

const webhook = (url: string): ChannelConfig => ({ type: 'webhook', name: 'ops', url, headers: {} })

describe('grouping', () => {
  it('sends three alerts with the same key within the group wait as one request', async () => {
    const hook = await sink()
    const db = openDb()
    const incidents = new IncidentStore(db)
    const notifier = start(db, [webhook(hook.url)])
    const alerts = ['api', 'shop', 'login'].map((id) => firedFor(incidents, id))

    for (const alert of alerts) notifier.send(alert, ['ops'], { groupKey: 'payments' })
    await notifier.idle()

    expect(hook.requests).toHaveLength(1)
    const [body] = bodies(hook)
    expect(body).toMatchObject({ type: 'alert.fired', check: { id: 'api' } })
    expect(body!.grouped.map((alert) => alert.check.id)).toEqual(['shop', 'login'])
    for (const alert of alerts) {
      expect(notifications(incidents, alert.incidentId)).toMatchObject([
        { channel: 'ops', attempt: 1, outcome: 'delivered', status: 200, groupSize: 3 },
      ])
    }
  })

  it('holds a grouped alert for the group wait before sending', async () => {
    const hook = await sink()
    const db = openDb()
    const incidents = new IncidentStore(db)
    const notifier = start(db, [webhook(hook.url)])

    const sent = performance.now()
    notifier.send(firedFor(incidents, 'api'), ['ops'], { groupKey: 'payments' })
    await notifier.idle()

    expect(hook.requests).toHaveLength(1)
    // Timers may fire a millisecond early; the wait must not be skipped.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(GROUP_WAIT_MS - 5)
  })

  it('keeps different keys, and events without a key, apart', async () => {
    const hook = await sink()
    const db = openDb()
    const incidents = new IncidentStore(db)
    const notifier = start(db, [webhook(hook.url)])

    notifier.send(firedFor(incidents, 'api'), ['ops'], { groupKey: 'payments' })
    notifier.send(firedFor(incidents, 'blog'), ['ops'], { groupKey: 'marketing' })
    notifier.send(firedFor(incidents, 'shop'), ['ops'], { groupKey: 'payments' })
    notifier.send(firedFor(incidents, 'docs'), ['ops'], { groupKey: null })
    await notifier.idle()

    const sent = bodies(hook).map((body) => [body.check.id, ...body.grouped.map((g) => g.check.id)])
    expect(sent).toHaveLength(3)
    expect(sent).toEqual(expect.arrayContaining([['api', 'shop'], ['blog'], ['docs']]))
    // Without a key there is nothing to wait for.
    expect(sent[0]).toEqual(['docs'])
  })

  it('sends PagerDuty alerts one by one even with a key: each incident is its own dedup_key', async () => {
    const pager = await sink([202])
    const db = openDb()
    const incidents = new IncidentStore(db)
    const channel: ChannelConfig = {
      type: 'pagerduty',
      name: 'oncall',
      routingKey: 'rk-test',
      url: pager.url,
    }
    const notifier = start(db, [channel])
    const alerts = ['api', 'shop', 'login'].map((id) => firedFor(incidents, id))

    for (const alert of alerts) notifier.send(alert, ['oncall'], { groupKey: 'payments' })
    await notifier.idle()

    const keys = pager.requests.map((request) => JSON.parse(request.body).dedup_key)
    expect(keys).toEqual(alerts.map((alert) => alert.incidentId))
    for (const alert of alerts) {
      expect(notifications(incidents, alert.incidentId)).toEqual([
        expect.not.objectContaining({ groupSize: expect.anything() }),
      ])
    }
  })

  it('retries a group as one request and records each attempt on every incident', async () => {
    const hook = await sink([503, 200])
    const db = openDb()
    const incidents = new IncidentStore(db)
    const notifier = start(db, [webhook(hook.url)])
    const alerts = ['api', 'shop'].map((id) => firedFor(incidents, id))

    for (const alert of alerts) notifier.send(alert, ['ops'], { groupKey: 'payments' })
    await notifier.idle()

    expect(hook.requests).toHaveLength(2)
    expect(hook.requests[1]!.body).toBe(hook.requests[0]!.body)
    for (const alert of alerts) {
      expect(notifications(incidents, alert.incidentId)).toMatchObject([
        { attempt: 1, outcome: 'retrying', status: 503, groupSize: 2 },
        { attempt: 2, outcome: 'delivered', status: 200, groupSize: 2 },
      ])
    }
  })

  it('delivers a group once when the hub restarts during the group wait', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vantage-group-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'hub.db')
    const hook = await sink()

    const firstDb = openDatabase(file)
    const firstIncidents = new IncidentStore(firstDb)
    const alerts = ['api', 'shop', 'login'].map((id) => firedFor(firstIncidents, id))
    // A wait no test outlasts: only the restart can send the group.
    const first = createNotifier({
      db: firstDb,
      channels: () => [webhook(hook.url)],
      incidents: firstIncidents,
      logger: silentLogger(),
      clock,
      project: () => 'Acme',
      groupWaitMs: () => 3_600_000,
    })
    for (const alert of alerts) first.send(alert, ['ops'], { groupKey: 'payments' })
    await first.close()
    firstDb.close()
    expect(hook.requests).toEqual([])

    const db = openDb(file)
    const second = start(db, [webhook(hook.url)])
    await second.idle()
    await second.close()
    const third = start(db, [webhook(hook.url)])
    await third.idle()

    expect(hook.requests).toHaveLength(1)
    expect(bodies(hook)[0]!.grouped.map((alert) => alert.check.id)).toEqual(['shop', 'login'])
    expect(new DeliveryQueue(db, clock.now()).pendingCount()).toBe(0)
    const incidents = new IncidentStore(db)
    expect(notifications(incidents, alerts[2]!.incidentId)).toMatchObject([
      { outcome: 'abandoned' },
      { attempt: 1, outcome: 'delivered', groupSize: 3 },
    ])
  })

  it('reads the group wait for each event, so a deploy that changes it takes effect', async () => {
    const hook = await sink()
    const db = openDb()
    const incidents = new IncidentStore(db)
    let waitMs = 3_600_000
    const notifier = start(db, [webhook(hook.url)], { groupWaitMs: () => waitMs })

    notifier.send(firedFor(incidents, 'api'), ['ops'], { groupKey: 'payments' })
    waitMs = 0
    notifier.send(firedFor(incidents, 'shop'), ['ops'], { groupKey: 'billing' })
    await hook.received(1)
    await vi.waitFor(() => expect(new DeliveryQueue(db, clock.now()).pendingCount()).toBe(1))

    expect(bodies(hook).map((body) => body.check.id)).toEqual(['shop'])
  })
})
