import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { ChannelConfig } from '../../../checks/validate.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import { openDatabase, type Database } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { DeliveryQueue } from './delivery-queue.ts'
import { notifierHarness } from './notifier-harness.fixture.ts'
import { createNotifier, type Notifier } from './notifier.ts'
import type { RetryPolicy } from './retry-policy.ts'
import { refusedUrl } from '../../../test/fixtures/scripted-http-sink.ts'

const { clock, cleanup, sink, openDb, start: startNotifier } = notifierHarness()

/** A notifier with the harness defaults, or with its own retry policy. */
function start(db: Database, channels: ChannelConfig[], retry?: RetryPolicy): Notifier {
  return startNotifier(db, channels, retry ? { retry } : {})
}

function event(incidents: IncidentStore): AlertEvent {
  const incidentId = incidents.open({
    checkId: 'api-health',
    at: clock.now(),
    regions: ['eu-west'],
    firstError: null,
  })
  return {
    type: 'fired',
    incidentId,
    checkId: 'api-health',
    checkName: 'api-health',
    at: clock.now(),
    regions: ['eu-west'],
    quorum: 1,
    firstError: null,
  }
}

function outcomes(incidents: IncidentStore, incidentId: string) {
  return incidents
    .get(incidentId)!
    .timeline.filter((entry) => entry.type === 'notification')
    .map((entry) => entry.detail)
}

describe('durable delivery', () => {
  it('delivers a notification queued before a restart, exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vantage-queue-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'hub.db')
    const down = { type: 'webhook', name: 'ops', url: await refusedUrl(), headers: {} } as const
    // An hour's backoff: only the restart can bring the retry forward.
    const slow = { attempts: 20, baseDelayMs: 3_600_000 }

    const firstDb = openDatabase(file)
    const incidents = new IncidentStore(firstDb)
    const alert = event(incidents)
    const first = createNotifier({
      db: firstDb,
      channels: () => [down],
      incidents,
      logger: silentLogger(),
      clock,
      project: () => 'Acme',
      retry: slow,
    })
    first.send(alert, ['ops'], { groupKey: null })
    await vi.waitFor(() => expect(outcomes(incidents, alert.incidentId)).toHaveLength(1))
    await first.close()
    firstDb.close()

    const up = await sink([200])
    const channels: ChannelConfig[] = [{ ...down, url: up.url }]
    const db = openDb(file)
    const second = start(db, channels, { ...slow, baseDelayMs: 0 })
    await second.idle()
    await second.close()
    expect(up.requests).toHaveLength(1)
    expect(JSON.parse(up.requests[0]!.body)).toMatchObject({ incidentId: alert.incidentId })

    const third = start(db, channels)
    await third.idle()
    expect(up.requests).toHaveLength(1)
    expect(outcomes(new IncidentStore(db), alert.incidentId)).toMatchObject([
      { attempt: 1, outcome: 'retrying' },
      { outcome: 'abandoned' },
      { attempt: 2, outcome: 'delivered', status: 200 },
    ])
  })

  it('schedules the retry of a 429 when its Retry-After asks', async () => {
    const hook = await sink([{ status: 429, headers: { 'retry-after': '120' } }, 200])
    const db = openDb()
    const incidents = new IncidentStore(db)
    const alert = event(incidents)
    const notifier = start(db, [{ type: 'webhook', name: 'ops', url: hook.url, headers: {} }])

    notifier.send(alert, ['ops'], { groupKey: null })
    await vi.waitFor(() => expect(outcomes(incidents, alert.incidentId)).toHaveLength(1))

    const [row] = new DeliveryQueue(db, clock.now()).pending(1)
    expect(row).toMatchObject({ attempts: 1, nextAttemptAt: clock.now() + 120_000 })
    expect(outcomes(incidents, alert.incidentId)).toMatchObject([
      { outcome: 'retrying', status: 429, retryInMs: 120_000 },
    ])
    expect(hook.requests).toHaveLength(1)
  })

  it('fails a 400 at once, reports it and keeps it out of the queue', async () => {
    const hook = await sink([{ status: 400, body: 'bad payload' }, 200])
    const db = openDb()
    const incidents = new IncidentStore(db)
    const alert = event(incidents)
    const notifier = start(db, [{ type: 'webhook', name: 'ops', url: hook.url, headers: {} }])

    notifier.send(alert, ['ops'], { groupKey: null })
    await notifier.idle()

    expect(hook.requests).toHaveLength(1)
    expect(new DeliveryQueue(db, clock.now()).pendingCount()).toBe(0)
    expect(outcomes(incidents, alert.incidentId)).toMatchObject([
      { attempt: 1, outcome: 'failed', status: 400, error: 'HTTP 400: bad payload' },
    ])
  })

  it('holds a second Slack message for its rate limit instead of dropping it', async () => {
    const hook = await sink([200])
    const db = openDb()
    const incidents = new IncidentStore(db)
    const notifier = start(db, [{ type: 'slack', name: 'team', webhookUrl: hook.url }])

    notifier.send(event(incidents), ['team'], { groupKey: null })
    notifier.send(event(incidents), ['team'], { groupKey: null })
    await hook.received(1)
    const queue = new DeliveryQueue(db, clock.now())
    await vi.waitFor(() =>
      expect(queue.pending(2)).toMatchObject([{ attempts: 0, nextAttemptAt: clock.now() + 1_000 }]),
    )
    expect(hook.requests).toHaveLength(1)

    await notifier.idle()
    expect(hook.requests).toHaveLength(2)
  })
})
