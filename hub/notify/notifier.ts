/**
 * Delivers alert events to the channels a check routes to, retries webhooks that
 * failed for a reason that may pass, and records every attempt in the log and in the
 * incident timeline.
 *
 * Retries live in memory: a hub restart loses the ones still waiting. A durable
 * SQLite outbox with rate limits is a later issue; until then `close()` records
 * what it abandons so the timeline shows which notifications never went out.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { ChannelConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { IncidentStore } from '../alerts/incident-store.ts'
import type { AlertEvent } from '../types.ts'
import * as consoleChannel from './console-channel.ts'
import * as webhookChannel from './webhook-channel.ts'

export interface RetryPolicy {
  /** Tries in all, the first one included. */
  attempts: number
  /** Delay before the second try; it doubles for each one after, with jitter. */
  baseDelayMs: number
}

/**
 * Five tries over about half a minute ride out a receiver restarting or a brief
 * network blip. Longer outages need the durable queue (a later issue).
 */
const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 2_000 }

export interface NotifierOptions {
  /** The channels of the running config, read for each event so that deploys take effect. */
  channels: () => ChannelConfig[]
  /** The check's `notify` channel names; undefined sends to every channel. */
  routeFor: (checkId: string) => string[] | undefined
  incidents: IncidentStore
  logger: Logger
  clock: Clock
  /** The project name that webhook payloads carry, read for each event. */
  project: () => string
  /** The public status page URL that webhook payloads link to. */
  statusUrl?: string
  retry?: RetryPolicy
  /** Where console channels write; standard output by default. */
  write?: (text: string) => void
}

export interface Notifier {
  /** Starts delivering the event in the background. Never throws, never waits. */
  notify(event: AlertEvent): void
  /** Resolves once every delivery started so far is finished (delivered, failed or abandoned). */
  idle(): Promise<void>
  /** Abandons pending retries and in-flight requests, then resolves when all have stopped. */
  close(): Promise<void>
}

/** How one attempt ended, as the log and the timeline record it. */
type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'abandoned'

/**
 * The wait before try number `attempt + 1`: exponential, with "equal jitter" (half
 * fixed, half random) so that many webhooks failing together do not retry in step,
 * while the wait still grows.
 */
export function retryDelayMs(attempt: number, baseDelayMs: number, random = Math.random): number {
  const ceiling = baseDelayMs * 2 ** (attempt - 1)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/** Network errors, 5xx and 429 may pass; any other answer will not change on a retry. */
function isRetryable(outcome: webhookChannel.SendOutcome): boolean {
  return outcome.status === undefined || outcome.status >= 500 || outcome.status === 429
}

/**
 * Creates the notifier. Wire `notify` as the alert engine's `onEvent`.
 *
 * @example
 * const notifier = createNotifier({
 *   channels: () => live.config().channels,
 *   routeFor: (id) => specs.get(id)?.notify,
 *   incidents, logger, clock: systemClock, project: () => live.config().project,
 * })
 * const engine = new AlertEngine({ clock: systemClock, incidents, onEvent: notifier.notify })
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { routeFor, incidents, logger, clock, statusUrl } = options
  const retry = options.retry ?? DEFAULT_RETRY
  const write = options.write ?? ((text: string) => process.stdout.write(text))
  const inFlight = new Set<Promise<void>>()
  const stop = new AbortController()

  function record(
    event: AlertEvent,
    channel: ChannelConfig,
    attempt: number,
    outcome: AttemptOutcome,
    extra: Record<string, unknown> = {},
  ): void {
    const detail = {
      channel: channel.name,
      channelType: channel.type,
      alert: event.type,
      attempt,
      outcome,
      ...extra,
    }
    const level = outcome === 'delivered' ? 'info' : outcome === 'retrying' ? 'warn' : 'error'
    logger[level](
      { incidentId: event.incidentId, checkId: event.checkId, ...detail },
      'notification',
    )
    try {
      incidents.addEvent(event.incidentId, clock.now(), 'notification', detail)
    } catch (err) {
      // The timeline is a record, not the delivery: losing one entry must not stop the rest.
      logger.error({ err, incidentId: event.incidentId }, 'could not record notification')
    }
  }

  function selectChannels(checkId: string): ChannelConfig[] {
    const channels = options.channels()
    const names = routeFor(checkId)
    if (names === undefined) return channels
    const selected = channels.filter((channel) => names.includes(channel.name))
    const unknown = names.filter((name) => !channels.some((channel) => channel.name === name))
    if (unknown.length > 0) logger.warn({ checkId, unknown }, 'check routes to unknown channels')
    return selected
  }

  function deliverToConsole(event: AlertEvent, channel: ChannelConfig): void {
    try {
      consoleChannel.send(consoleChannel.buildPayload(event), write)
      record(event, channel, 1, 'delivered')
    } catch (err) {
      record(event, channel, 1, 'failed', { error: String(err) })
    }
  }

  async function deliverToWebhook(
    event: AlertEvent,
    channel: webhookChannel.WebhookChannel,
  ): Promise<void> {
    const payload = webhookChannel.buildPayload(event, { project: options.project(), statusUrl })
    for (let attempt = 1; ; attempt++) {
      const result = await webhookChannel.send(channel, payload, { signal: stop.signal })
      const { ok: _ok, ...outcome } = result
      if (result.ok) return record(event, channel, attempt, 'delivered', outcome)
      if (stop.signal.aborted) return record(event, channel, attempt, 'abandoned', outcome)
      if (!isRetryable(result) || attempt >= retry.attempts) {
        return record(event, channel, attempt, 'failed', outcome)
      }
      const retryInMs = retryDelayMs(attempt, retry.baseDelayMs)
      record(event, channel, attempt, 'retrying', { ...outcome, retryInMs })
      try {
        await sleep(retryInMs, undefined, { signal: stop.signal })
      } catch {
        return record(event, channel, attempt + 1, 'abandoned', { error: 'hub shutting down' })
      }
    }
  }

  function track(delivery: Promise<void>): void {
    inFlight.add(delivery)
    void delivery.finally(() => inFlight.delete(delivery))
  }

  function notify(event: AlertEvent): void {
    try {
      if (stop.signal.aborted) {
        logger.error({ incidentId: event.incidentId }, 'notifier closed; alert not sent')
        return
      }
      for (const channel of selectChannels(event.checkId)) {
        if (channel.type === 'console') deliverToConsole(event, channel)
        else
          track(
            deliverToWebhook(event, channel).catch((err) =>
              logger.error({ err }, 'webhook delivery failed unexpectedly'),
            ),
          )
      }
    } catch (err) {
      // The engine calls this in the middle of ingest: a notification bug must not stop it.
      logger.error({ err, incidentId: event.incidentId }, 'notify failed')
    }
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight])
  }

  async function close(): Promise<void> {
    stop.abort()
    await idle()
  }

  return { notify, idle, close }
}
