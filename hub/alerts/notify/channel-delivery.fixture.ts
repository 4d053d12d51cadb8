/**
 * The delivery scenarios every HTTP channel must pass, run through the real notifier
 * against a local sink: accepted, rejected (400, not retried), throttled (429 with
 * Retry-After, retried after the asked delay) and failing (5xx, retried). An SMTP
 * channel passes its own: a temporary failure retried, a permanent one reported.
 * channel-delivery.test.ts runs them for every remote channel type of the registry.
 */
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChannelConfig } from '../../../checks/validate.ts'
import { ManualClock } from '../../../lib/clock.ts'
import { silentLogger } from '../../../lib/logger.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import { fired } from '../../../checks/channels/alert-events.fixture.ts'
import { createNotifier, type Notifier } from './notifier.ts'
import {
  startWebhookSink,
  type SinkAnswer,
  type WebhookSink,
} from '../../../test/fixtures/scripted-http-sink.ts'
import { startSmtp } from '../../../test/fixtures/smtp-sink.ts'

/** Small enough to keep the suite fast, large enough to measure against timer slack. */
const RETRY_AFTER_SECONDS = 0.2

export interface DeliveryRun {
  sink: WebhookSink
  /** The notification entries of the incident's timeline. */
  attempts: Record<string, unknown>[]
  incidentId: string
  elapsedMs: number
}

/** Sends one event of `type` to a channel aimed at a sink answering `script`. */
export async function deliverThroughSink(
  channelAt: (sinkUrl: string) => ChannelConfig,
  script: SinkAnswer[],
  type: AlertEvent['type'] = 'fired',
): Promise<DeliveryRun> {
  const sink = await startWebhookSink(script)
  const clock = new ManualClock()
  const db = new Database(':memory:')
  const incidents = new IncidentStore(db)
  const incidentId = incidents.open({
    checkId: 'api-health',
    at: clock.now(),
    regions: ['eu-west'],
    firstError: null,
  })
  let notifier: Notifier | undefined
  const channel = channelAt(sink.url)
  try {
    notifier = createNotifier({
      db,
      channels: () => [channel],
      incidents,
      logger: silentLogger(),
      clock,
      project: () => 'Acme',
      // Zero backoff: only a Retry-After makes these tests wait.
      retry: { attempts: 3, baseDelayMs: 0 },
    })
    const started = performance.now()
    notifier.send(
      {
        type,
        incidentId,
        checkId: 'api-health',
        checkName: 'API health',
        at: clock.now(),
        regions: ['eu-west'],
        quorum: 1,
        firstError: { code: 'HTTP_STATUS', message: 'status 503, expected 200' },
        ...(type === 'resolved' ? { durationMs: 60_000 } : {}),
      },
      [channel.name],
      { groupKey: null },
    )
    await notifier.idle()
    const elapsedMs = performance.now() - started
    const attempts = incidents
      .get(incidentId)!
      .timeline.filter((entry) => entry.type === 'notification')
      .map((entry) => entry.detail)
    return { sink, attempts, incidentId, elapsedMs }
  } finally {
    await notifier?.close()
  }
}

/**
 * Registers the shared delivery scenarios for one channel type.
 * `success` is the status the real service answers on success (200 or 202).
 */
export function describeDelivery(
  name: string,
  channelAt: (sinkUrl: string) => ChannelConfig,
  success: number,
): void {
  describe(`${name} delivery through the notifier`, () => {
    const sinks: WebhookSink[] = []
    afterEach(async () => {
      await Promise.all(sinks.splice(0).map((sink) => sink.close()))
    })
    async function run(script: SinkAnswer[]) {
      const result = await deliverThroughSink(channelAt, script)
      sinks.push(result.sink)
      return result
    }

    it(`is delivered on ${success}`, async () => {
      const { sink, attempts } = await run([success])
      expect(sink.requests).toHaveLength(1)
      expect(attempts).toMatchObject([{ attempt: 1, outcome: 'delivered', status: success }])
    })

    it('reports a 400 without retrying it', async () => {
      const { sink, attempts } = await run([{ status: 400, body: 'invalid_payload' }, success])
      expect(sink.requests).toHaveLength(1)
      expect(attempts).toMatchObject([
        { attempt: 1, outcome: 'failed', status: 400, error: 'HTTP 400: invalid_payload' },
      ])
    })

    it('waits as long as a 429 Retry-After asks, then delivers', async () => {
      const { sink, attempts, elapsedMs } = await run([
        { status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
        success,
      ])
      expect(sink.requests).toHaveLength(2)
      expect(sink.requests[1]!.body).toBe(sink.requests[0]!.body)
      expect(attempts).toMatchObject([
        { attempt: 1, outcome: 'retrying', status: 429, retryInMs: RETRY_AFTER_SECONDS * 1000 },
        { attempt: 2, outcome: 'delivered', status: success },
      ])
      // Timers may fire a millisecond early; the wait must not be skipped.
      expect(elapsedMs).toBeGreaterThanOrEqual(RETRY_AFTER_SECONDS * 1000 - 5)
    })

    it('retries a 5xx until it passes', async () => {
      const { sink, attempts } = await run([502, 503, success])
      expect(sink.requests).toHaveLength(3)
      expect(attempts.map((attempt) => attempt.outcome)).toEqual([
        'retrying',
        'retrying',
        'delivered',
      ])
    })
  })
}

/** Registers the delivery scenarios of a channel type that sends over SMTP. */
export function describeSmtpDelivery(
  name: string,
  channelAt: (port: number) => ChannelConfig,
): void {
  describe(`${name} delivery through the notifier`, () => {
    it('retries a temporary failure and reports a permanent one', async () => {
      const servers = [await startSmtp({ reject: 451 }), await startSmtp({ reject: 550 })]
      try {
        const clock = new ManualClock()
        const db = new Database(':memory:')
        const incidents = new IncidentStore(db)
        const incidentId = incidents.open({
          checkId: 'api-health',
          at: clock.now(),
          regions: ['eu-west'],
          firstError: null,
        })
        const notifier = createNotifier({
          db,
          channels: () => [
            { ...channelAt(servers[0]!.port), name: 'busy' },
            { ...channelAt(servers[1]!.port), name: 'refusing' },
          ],
          incidents,
          logger: silentLogger(),
          clock,
          project: () => 'Acme',
          retry: { attempts: 2, baseDelayMs: 0 },
        })
        notifier.send({ ...fired, incidentId }, ['busy', 'refusing'], { groupKey: null })
        await notifier.idle()
        await notifier.close()

        const attempts = incidents
          .get(incidentId)!
          .timeline.filter((entry) => entry.type === 'notification')
          .map((entry) => entry.detail)
        const outcomes = (name: string) =>
          attempts.filter((a) => a.channel === name).map((a) => a.outcome)
        expect(outcomes('busy')).toEqual(['retrying', 'failed'])
        expect(outcomes('refusing')).toEqual(['failed'])
      } finally {
        await Promise.all(servers.map((server) => server.close()))
      }
    })
  })
}
