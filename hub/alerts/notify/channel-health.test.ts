import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import { openDatabase } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { ChannelHealthTracker, type ChannelHealthChange } from './channel-health.ts'
import { createNotifier, type Notifier } from './notifier.ts'
import {
  startWebhookSink,
  type SinkAnswer,
  type WebhookSink,
} from '../../../test/fixtures/scripted-http-sink.ts'

type Change = [string, ChannelHealthChange]

function tracker(db = new Database(':memory:'), failingAfter = 3) {
  const changes: Change[] = []
  const health = new ChannelHealthTracker(db, {
    failingAfter: () => failingAfter,
    onChange: (channel, change) => changes.push([channel, change]),
  })
  return { health, changes, db }
}

const channels = [{ name: 'team', type: 'slack' }]

describe('channel health', () => {
  it('turns failing once after three failed attempts, and ok once after a success', () => {
    const { health, changes } = tracker()

    health.failed('team', 1, 'HTTP 500')
    health.failed('team', 2, 'HTTP 502')
    expect(changes).toEqual([])
    health.failed('team', 3, 'HTTP 503')
    health.failed('team', 4, 'HTTP 503')
    expect(changes).toEqual([
      ['team', { failing: true, consecutiveFailures: 3, lastError: 'HTTP 503' }],
    ])

    health.succeeded('team', 5)
    health.succeeded('team', 6)
    expect(changes).toEqual([
      ['team', { failing: true, consecutiveFailures: 3, lastError: 'HTTP 503' }],
      ['team', { failing: false, consecutiveFailures: 0, lastError: 'HTTP 503' }],
    ])
  })

  it('starts counting again after a success', () => {
    const { health, changes } = tracker()
    health.failed('team', 1, 'x')
    health.failed('team', 2, 'x')
    health.succeeded('team', 3)
    health.failed('team', 4, 'x')
    health.failed('team', 5, 'x')
    expect(changes).toEqual([])
    expect(health.report(channels, new Map())).toMatchObject([
      { state: 'ok', consecutiveFailures: 2, lastFailureAt: 5, lastSuccessAt: 3 },
    ])
  })

  it('reports unused channels and queued notifications', () => {
    const { health } = tracker()
    expect(health.report(channels, new Map([['team', 4]]))).toEqual([
      {
        name: 'team',
        type: 'slack',
        state: 'unused',
        consecutiveFailures: 0,
        lastError: null,
        lastFailureAt: null,
        lastSuccessAt: null,
        pending: 4,
      },
    ])
  })

  it('remembers a failing channel across a restart, without announcing it again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vantage-health-'))
    try {
      const file = join(dir, 'hub.db')
      const first = tracker(openDatabase(file))
      for (const at of [1, 2, 3]) first.health.failed('team', at, 'HTTP 404')
      first.db.close()

      const second = tracker(openDatabase(file))
      expect(second.health.report(channels, new Map())).toMatchObject([
        { state: 'failing', consecutiveFailures: 3, lastError: 'HTTP 404', lastFailureAt: 3 },
      ])
      second.health.failed('team', 4, 'HTTP 404')
      expect(second.changes).toEqual([])
      second.health.succeeded('team', 5)
      expect(second.changes).toEqual([
        ['team', { failing: false, consecutiveFailures: 0, lastError: 'HTTP 404' }],
      ])
      second.db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('channel health through the notifier', () => {
  const open: { sink?: WebhookSink; notifier?: Notifier }[] = []
  afterEach(async () => {
    for (const { sink, notifier } of open.splice(0)) {
      await notifier?.close()
      await sink?.close()
    }
  })

  async function setup(script: SinkAnswer[], failingAfter?: number) {
    const sink = await startWebhookSink(script)
    const clock = new ManualClock()
    const db = new Database(':memory:')
    const incidents = new IncidentStore(db)
    const changes: Change[] = []
    const channel: ChannelConfig = { type: 'webhook', name: 'ops', url: sink.url, headers: {} }
    const notifier = createNotifier({
      db,
      channels: () => [channel],
      incidents,
      logger: silentLogger(),
      clock,
      project: () => 'Acme',
      retry: { attempts: 10, baseDelayMs: 0 },
      ...(failingAfter ? { failingAfter: () => failingAfter } : {}),
      onChannelHealth: (name, change) => changes.push([name, change]),
    })
    open.push({ sink, notifier })
    const event = (): AlertEvent => ({
      type: 'fired',
      incidentId: incidents.open({ checkId: 'api', at: 0, regions: [], firstError: null }),
      checkId: 'api',
      checkName: 'api',
      at: clock.now(),
      regions: ['eu-west'],
      quorum: 1,
      firstError: null,
    })
    return { sink, notifier, changes, event }
  }

  it('counts retried attempts: three 500s make the channel failing once, the success makes it ok', async () => {
    const { sink, notifier, changes, event } = await setup([500, 500, 500, 500, 200])

    notifier.send(event(), ['ops'], { groupKey: null })
    await notifier.idle()

    expect(sink.requests).toHaveLength(5)
    expect(changes).toEqual([
      ['ops', { failing: true, consecutiveFailures: 3, lastError: 'HTTP 500: sink answered 500' }],
      ['ops', { failing: false, consecutiveFailures: 0, lastError: 'HTTP 500: sink answered 500' }],
    ])
    expect(notifier.channelHealth()).toMatchObject([
      { name: 'ops', type: 'webhook', state: 'ok', consecutiveFailures: 0, pending: 0 },
    ])
  })

  it('counts a 400 that is not retried, and reads the threshold from its option', async () => {
    const { notifier, changes, event } = await setup([400], 2)

    notifier.send(event(), ['ops'], { groupKey: null })
    notifier.send(event(), ['ops'], { groupKey: null })
    await notifier.idle()

    expect(changes).toEqual([
      ['ops', { failing: true, consecutiveFailures: 2, lastError: 'HTTP 400: sink answered 400' }],
    ])
    expect(notifier.channelHealth()).toMatchObject([{ state: 'failing', consecutiveFailures: 2 }])
  })
})
