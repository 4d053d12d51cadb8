/**
 * Delivers alert events to the channels a check routes to, retries deliveries that
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
import type { PayloadContext } from './alert-text.ts'
import * as consoleChannel from './console-channel.ts'
import * as emailChannel from './email-channel.ts'
import type { SendOptions, SendOutcome } from './http-delivery.ts'
import * as opsgenieChannel from './opsgenie-channel.ts'
import * as pagerdutyChannel from './pagerduty-channel.ts'
import * as slackChannel from './slack-channel.ts'
import * as teamsChannel from './teams-channel.ts'
import * as telegramChannel from './telegram-channel.ts'
import * as webhookChannel from './webhook-channel.ts'

/** Every channel but the console, which writes a line and cannot fail in a way worth retrying. */
type RemoteChannel = Exclude<ChannelConfig, { type: 'console' }>

/** Builds the payload once per event; the returned function sends it, once per attempt. */
type Prepare<C> = (channel: C, event: AlertEvent, ctx: PayloadContext) => Attempt
type Attempt = (options: SendOptions) => Promise<SendOutcome>

/** Binds a channel module's pure `buildPayload` to its `send`. */
function plug<C, P>(module: {
  buildPayload(event: AlertEvent, ctx: PayloadContext): P
  send(channel: C, payload: P, options?: SendOptions): Promise<SendOutcome>
}): Prepare<C> {
  return (channel, event, ctx) => {
    const payload = module.buildPayload(event, ctx)
    return (options) => module.send(channel, payload, options)
  }
}

/**
 * One entry per channel type: a new channel is its file and a line here. The mapped
 * type makes a channel type without an entry fail to compile.
 */
const CHANNELS: { [T in RemoteChannel['type']]: Prepare<Extract<RemoteChannel, { type: T }>> } = {
  webhook: plug(webhookChannel),
  slack: plug(slackChannel),
  pagerduty: plug(pagerdutyChannel),
  email: plug(emailChannel),
  teams: plug(teamsChannel),
  opsgenie: plug(opsgenieChannel),
  telegram: plug(telegramChannel),
}

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

/**
 * The longest Retry-After honoured as asked. Retries live in memory and block nothing
 * else, but a receiver asking for an hour would keep the delivery (and `idle()`) open
 * that long; past this cap the wait is cut, and the attempt limit still applies.
 */
const MAX_RETRY_AFTER_MS = 5 * 60_000

export interface NotifierOptions {
  /** The channels of the running config, read for each event so that deploys take effect. */
  channels: () => ChannelConfig[]
  /** The check's `notify` channel names; undefined sends to every channel. */
  routeFor: (checkId: string) => string[] | undefined
  incidents: IncidentStore
  logger: Logger
  clock: Clock
  /** The project name that payloads carry, read for each event. */
  project: () => string
  /** The public status page URL that payloads link to. */
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

/**
 * Network errors, 5xx and 429 may pass; any other answer will not change on a retry.
 * A channel that is not HTTP (email) says so itself.
 */
function isRetryable(outcome: SendOutcome): boolean {
  if (outcome.retryable !== undefined) return outcome.retryable
  return outcome.status === undefined || outcome.status >= 500 || outcome.status === 429
}

/** The wait before the next try: what the receiver asked for, if it did, else the backoff. */
function nextDelayMs(outcome: SendOutcome, attempt: number, policy: RetryPolicy): number {
  if (outcome.retryAfterMs !== undefined) return Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS)
  return retryDelayMs(attempt, policy.baseDelayMs)
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

  async function deliver(event: AlertEvent, channel: RemoteChannel): Promise<void> {
    // The map is keyed by type, so the entry always matches the channel; TS cannot see that.
    const prepare = CHANNELS[channel.type] as Prepare<RemoteChannel>
    const attemptOnce = prepare(channel, event, { project: options.project(), statusUrl })
    for (let attempt = 1; ; attempt++) {
      const result = await attemptOnce({ signal: stop.signal })
      const { ok: _ok, retryable: _retryable, retryAfterMs: _retryAfterMs, ...outcome } = result
      if (result.ok) return record(event, channel, attempt, 'delivered', outcome)
      if (stop.signal.aborted) return record(event, channel, attempt, 'abandoned', outcome)
      if (!isRetryable(result) || attempt >= retry.attempts) {
        return record(event, channel, attempt, 'failed', outcome)
      }
      const retryInMs = nextDelayMs(result, attempt, retry)
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
            deliver(event, channel).catch((err) =>
              logger.error({ err, channel: channel.name }, 'delivery failed unexpectedly'),
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
