import Database from 'better-sqlite3'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { createNotifier, type Notifier, type NotifierOptions } from './notifier.ts'
import {
  startWebhookSink,
  type SinkAnswer,
  type WebhookSink,
} from '../../../test/fixtures/scripted-http-sink.ts'

const sinks: WebhookSink[] = []
const notifiers: Notifier[] = []
afterEach(async () => {
  await Promise.all(notifiers.splice(0).map((n) => n.close()))
  await Promise.all(sinks.splice(0).map((s) => s.close()))
})

async function sink(script: SinkAnswer[] = [200]): Promise<WebhookSink> {
  const started = await startWebhookSink(script)
  sinks.push(started)
  return started
}

function webhook(name: string, target: WebhookSink): ChannelConfig {
  return { type: 'webhook', name, url: target.url, headers: {} }
}

/** A notifier over a real in-memory store holding one open incident for api-health. */
function setup(channels: ChannelConfig[], overrides: Partial<NotifierOptions> = {}) {
  const clock = new ManualClock()
  const db = new Database(':memory:')
  const incidents = new IncidentStore(db)
  const incidentId = incidents.open({
    checkId: 'api-health',
    at: clock.now(),
    regions: ['eu-west', 'us-east'],
    firstError: null,
  })
  const written: string[] = []
  const notifier = createNotifier({
    db,
    channels: () => channels,
    incidents,
    logger: silentLogger(),
    clock,
    project: () => 'Acme',
    // Zero delays keep retries instant; retryDelayMs is tested on its own below.
    retry: { attempts: 3, baseDelayMs: 0 },
    write: (text) => written.push(text),
    ...overrides,
  })
  notifiers.push(notifier)
  const event: AlertEvent = {
    type: 'fired',
    incidentId,
    checkId: 'api-health',
    checkName: 'api-health',
    at: clock.now(),
    regions: ['eu-west', 'us-east'],
    quorum: 2,
    firstError: null,
  }
  /** The notification entries of the incident's timeline. */
  const attempts = () =>
    incidents
      .get(incidentId)!
      .timeline.filter((entry) => entry.type === 'notification')
      .map((entry) => entry.detail)
  return { notifier, event, written, attempts }
}

describe('notifier', () => {
  it('delivers to each channel it is given, and records each delivery', async () => {
    const hook = await sink([200])
    const { notifier, event, written, attempts } = setup([
      { type: 'console', name: 'console' },
      webhook('ops', hook),
    ])

    notifier.send(event, ['console', 'ops'], { groupKey: null })
    await notifier.idle()

    expect(written).toEqual([expect.stringContaining('ALERT  api-health is DOWN in 2 regions')])
    expect(hook.requests).toHaveLength(1)
    expect(JSON.parse(hook.requests[0]!.body)).toMatchObject({
      type: 'alert.fired',
      project: 'Acme',
      incidentId: event.incidentId,
    })
    expect(attempts()).toEqual([
      {
        channel: 'console',
        channelType: 'console',
        alert: 'fired',
        attempt: 1,
        outcome: 'delivered',
      },
      {
        channel: 'ops',
        channelType: 'webhook',
        alert: 'fired',
        attempt: 1,
        outcome: 'delivered',
        status: 200,
      },
    ])
  })

  it.each([500, 429])('retries after %i and delivers once', async (status) => {
    const hook = await sink([status, 200])
    const { notifier, event, attempts } = setup([webhook('ops', hook)])

    notifier.send(event, ['ops'], { groupKey: null })
    await notifier.idle()

    expect(hook.requests).toHaveLength(2)
    expect(hook.requests[1]!.body).toBe(hook.requests[0]!.body)
    expect(attempts()).toMatchObject([
      { attempt: 1, outcome: 'retrying', status, retryInMs: 0 },
      { attempt: 2, outcome: 'delivered', status: 200 },
    ])
  })

  it('does not retry a 400 and reports it', async () => {
    const hook = await sink([400, 200])
    const { notifier, event, attempts } = setup([webhook('ops', hook)])

    notifier.send(event, ['ops'], { groupKey: null })
    await notifier.idle()

    expect(hook.requests).toHaveLength(1)
    expect(attempts()).toEqual([
      {
        channel: 'ops',
        channelType: 'webhook',
        alert: 'fired',
        attempt: 1,
        outcome: 'failed',
        status: 400,
        error: 'HTTP 400: sink answered 400',
      },
    ])
  })

  it('gives up after the configured number of attempts', async () => {
    const hook = await sink([503])
    const { notifier, event, attempts } = setup([webhook('ops', hook)])

    notifier.send(event, ['ops'], { groupKey: null })
    await notifier.idle()

    expect(hook.requests).toHaveLength(3)
    expect(attempts().map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'failed'])
  })

  it('sends only to the channels it is given, and records an unknown name as failed', async () => {
    const ops = await sink()
    const team = await sink()
    const { notifier, event, written, attempts } = setup([
      { type: 'console', name: 'console' },
      webhook('ops', ops),
      webhook('team', team),
    ])

    notifier.send(event, ['team', 'pager'], { groupKey: null })
    await notifier.idle()

    expect(team.requests).toHaveLength(1)
    expect(ops.requests).toEqual([])
    expect(written).toEqual([])
    expect(attempts()).toEqual([
      {
        channel: 'pager',
        channelType: 'unknown',
        alert: 'fired',
        attempt: 0,
        outcome: 'failed',
        error: 'no channel named "pager" in the config; check the route\'s channels',
      },
      expect.objectContaining({ channel: 'team', outcome: 'delivered' }),
    ])
  })

  it('sends once to a channel named twice', async () => {
    const hook = await sink()
    const { notifier, event } = setup([webhook('ops', hook)])

    notifier.send(event, ['ops', 'ops'], { groupKey: null })
    await notifier.idle()

    expect(hook.requests).toHaveLength(1)
  })

  it('logs every attempt', async () => {
    const hook = await sink([500, 200])
    const lines: Record<string, unknown>[] = []
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    )
    const { notifier, event } = setup([webhook('ops', hook)], { logger })

    notifier.send(event, ['ops'], { groupKey: null })
    await notifier.idle()

    expect(lines).toMatchObject([
      { level: 40, msg: 'notification', channel: 'ops', attempt: 1, outcome: 'retrying' },
      { level: 30, msg: 'notification', channel: 'ops', attempt: 2, outcome: 'delivered' },
    ])
  })

  it('never throws into the caller', async () => {
    const { notifier, event } = setup([], {
      channels: () => {
        throw new Error('config bug')
      },
    })
    expect(() => notifier.send(event, ['console'], { groupKey: null })).not.toThrow()
    await notifier.idle()
  })

  it('records a failed timeline entry even when the incident is unknown, without throwing', async () => {
    const { notifier, event } = setup([{ type: 'console', name: 'console' }])
    expect(() =>
      notifier.send({ ...event, incidentId: 'no-such-incident' }, ['console'], { groupKey: null }),
    ).not.toThrow()
    await notifier.idle()
  })

  it('keeps delivering when the channel health handler throws', async () => {
    const hook = await sink([500, 200])
    const { notifier, event, attempts } = setup([webhook('ops', hook)], {
      failingAfter: () => 1,
      onChannelHealth: () => {
        throw new Error('handler bug')
      },
    })

    notifier.send(event, ['ops'], { groupKey: null })
    await notifier.idle()

    expect(attempts().map((a) => a.outcome)).toEqual(['retrying', 'delivered'])
  })

  it('abandons pending retries on close and records it', async () => {
    const hook = await sink([500])
    const { notifier, event, attempts } = setup([webhook('ops', hook)], {
      retry: { attempts: 5, baseDelayMs: 3_600_000 },
    })

    notifier.send(event, ['ops'], { groupKey: null })
    await hook.received(1)
    await notifier.close()

    expect(attempts().at(-1)).toMatchObject({ outcome: 'abandoned' })
    notifier.send(event, ['ops'], { groupKey: null })
    await notifier.idle()
    expect(hook.requests).toHaveLength(1)
  })
})
