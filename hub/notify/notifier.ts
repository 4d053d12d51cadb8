/**
 * Delivers alert events to the channels a check routes to, and records every attempt
 * in the log and in the incident timeline.
 *
 * Delivery is durable and at-least-once: each (event, channel) pair is written to the
 * SQLite queue before any network I/O, and a worker sends due rows, retries the ones
 * that failed for a reason that may pass and spaces them by per-channel rate limits.
 * Pending rows survive a restart. A crash between a send and marking its row delivered
 * sends it again on the next start: receivers see a duplicate rather than nothing.
 */
import type { ChannelConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import type { IncidentStore } from '../alerts/incident-store.ts'
import type { Database } from '../store/database.ts'
import type { AlertEvent } from '../types.ts'
import type { PayloadContext } from './alert-text.ts'
import * as consoleChannel from './console-channel.ts'
import { DeliveryQueue, type QueuedDelivery } from './delivery-queue.ts'
import * as emailChannel from './email-channel.ts'
import type { SendOptions, SendOutcome } from './http-delivery.ts'
import * as opsgenieChannel from './opsgenie-channel.ts'
import * as pagerdutyChannel from './pagerduty-channel.ts'
import * as slackChannel from './slack-channel.ts'
import * as teamsChannel from './teams-channel.ts'
import * as telegramChannel from './telegram-channel.ts'
import { RateLimiter, rateLimitFor } from './rate-limit.ts'
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
  /** Past this age (since the event was queued) a delivery is failed instead of retried. */
  maxAgeMs?: number
}

/**
 * Twenty tries with doubling waits capped at an hour span about ten hours, and no
 * delivery is retried past a day: an alert that old misleads more than it helps.
 */
const DEFAULT_RETRY: RetryPolicy = { attempts: 20, baseDelayMs: 2_000, maxAgeMs: 24 * 3_600_000 }

/** The longest wait between two tries, so that a receiver back after an outage hears soon. */
const MAX_BACKOFF_MS = 3_600_000

/**
 * The longest Retry-After honoured as asked. The queue is durable, so a long wait
 * costs nothing, but a receiver asking for a day would outlive the delivery's max age.
 */
const MAX_RETRY_AFTER_MS = 3_600_000

export interface NotifierOptions {
  /** The hub database; the delivery queue lives in it so that it survives restarts. */
  db: Database
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
  /** Queues the event for its channels and returns. Never throws, never waits for the network. */
  notify(event: AlertEvent): void
  /** Resolves once the queue holds nothing pending (delivered or failed), or once closed and stopped. */
  idle(): Promise<void>
  /** Stops the worker and aborts in-flight requests; pending rows stay queued for the next start. */
  close(): Promise<void>
}

/**
 * How one attempt ended, as the log and the timeline record it. 'abandoned' means this
 * hub process stopped working on it; the row stays queued for the next start.
 */
type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'abandoned'

/**
 * The wait before try number `attempt + 1`: exponential, with "equal jitter" (half
 * fixed, half random) so that many webhooks failing together do not retry in step,
 * while the wait still grows.
 */
export function retryDelayMs(attempt: number, baseDelayMs: number, random = Math.random): number {
  const ceiling = Math.min(baseDelayMs * 2 ** (attempt - 1), MAX_BACKOFF_MS)
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

/** A channel as the log and timeline name it. */
interface ChannelRef {
  name: string
  type: string
}

/**
 * Creates the notifier and starts its worker, which first resumes rows left pending by
 * an earlier run. Wire `notify` as the alert engine's `onEvent`.
 *
 * @example
 * const notifier = createNotifier({
 *   db, channels: () => live.config().channels,
 *   routeFor: (id) => specs.get(id)?.notify,
 *   incidents, logger, clock: systemClock, project: () => live.config().project,
 * })
 * const engine = new AlertEngine({ clock: systemClock, incidents, onEvent: notifier.notify })
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { routeFor, incidents, logger, clock, statusUrl } = options
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const maxAgeMs = retry.maxAgeMs ?? Number.POSITIVE_INFINITY
  const write = options.write ?? ((text: string) => process.stdout.write(text))
  const queue = new DeliveryQueue(options.db, clock.now())
  queue.resume(clock.now())
  const limiter = new RateLimiter()
  const stop = new AbortController()
  /** Rows being sent right now, so the worker does not pick them twice. */
  const inFlight = new Map<number, Promise<void>>()
  /** Payloads built once per row, so retries send the same body. */
  const prepared = new Map<number, Attempt>()
  /** Rows whose rate-limit token is already reserved. */
  const reserved = new Set<number>()
  /** Rows whose whole wait ran out on the timer, whatever the clock says. */
  const waited = new Set<number>()
  let wakeWorker = () => {}
  let idleWaiters: (() => void)[] = []

  function record(
    event: AlertEvent,
    channel: ChannelRef,
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

  function settle(): void {
    wakeWorker()
    if (inFlight.size > 0 || (!stop.signal.aborted && queue.pendingCount() > 0)) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  /** One attempt of one row; the row's new state is written before anything else happens. */
  async function attempt(row: QueuedDelivery): Promise<void> {
    const { event } = row
    const channel = options.channels().find((c) => c.name === row.channel)
    if (!channel || channel.type === 'console') {
      const error = `channel "${row.channel}" is no longer in the config`
      queue.finish(row.id, 'failed', row.attempts, error)
      return record(event, { name: row.channel, type: 'unknown' }, row.attempts, 'failed', {
        error,
      })
    }
    waited.delete(row.id)
    if (!reserved.has(row.id)) {
      const waitMs = limiter.take(channel.name, rateLimitFor(channel.type), clock.now())
      if (waitMs > 0) {
        // The token is reserved: when the row comes due again it goes without asking.
        reserved.add(row.id)
        queue.reschedule(row.id, row.attempts, clock.now() + waitMs, row.lastError)
        logger.debug({ channel: channel.name, waitMs }, 'notification waits for its rate limit')
        return
      }
    }
    reserved.delete(row.id)
    let send = prepared.get(row.id)
    if (!send) {
      // The map is keyed by type, so the entry always matches the channel; TS cannot see that.
      const prepare = CHANNELS[channel.type] as Prepare<RemoteChannel>
      send = prepare(channel, event, { project: options.project(), statusUrl })
      prepared.set(row.id, send)
    }
    const tries = row.attempts + 1
    const result = await send({ signal: stop.signal })
    const { ok: _ok, retryable: _retryable, retryAfterMs: _retryAfterMs, ...outcome } = result
    const error = result.error ?? null
    if (result.ok) {
      queue.finish(row.id, 'delivered', tries, null)
      prepared.delete(row.id)
      return record(event, channel, tries, 'delivered', outcome)
    }
    if (stop.signal.aborted) {
      queue.reschedule(row.id, tries, clock.now(), error)
      return
    }
    const retryInMs = nextDelayMs(result, tries, retry)
    const tooOld = clock.now() + retryInMs - row.createdAt > maxAgeMs
    if (!isRetryable(result) || tries >= retry.attempts || tooOld) {
      queue.finish(row.id, 'failed', tries, error)
      prepared.delete(row.id)
      return record(event, channel, tries, 'failed', outcome)
    }
    queue.reschedule(row.id, tries, clock.now() + retryInMs, error)
    record(event, channel, tries, 'retrying', { ...outcome, retryInMs })
  }

  function start(row: QueuedDelivery): void {
    const running = attempt(row)
      .catch((err) => logger.error({ err, channel: row.channel }, 'delivery failed unexpectedly'))
      .finally(() => {
        inFlight.delete(row.id)
        settle()
      })
    inFlight.set(row.id, running)
  }

  /**
   * Sends due rows and sleeps until the next one is due or a new one arrives. A row
   * whose whole wait ran out is sent even if the clock disagrees, so a test clock that
   * stands still cannot stall the queue.
   */
  async function work(): Promise<void> {
    while (!stop.signal.aborted) {
      const next = queue.pending(inFlight.size + 1).find((row) => !inFlight.has(row.id))
      const waitMs = next ? next.nextAttemptAt - clock.now() : Number.POSITIVE_INFINITY
      if (next && (waitMs <= 0 || waited.has(next.id))) {
        start(next)
        continue
      }
      const woken = new Promise<boolean>((resolve) => {
        const timer = Number.isFinite(waitMs) ? setTimeout(() => resolve(true), waitMs) : undefined
        wakeWorker = () => {
          clearTimeout(timer)
          resolve(false)
        }
      })
      if ((await woken) && next) waited.add(next.id)
    }
  }

  function notify(event: AlertEvent): void {
    try {
      if (stop.signal.aborted) {
        logger.error({ incidentId: event.incidentId }, 'notifier closed; alert not sent')
        return
      }
      for (const channel of selectChannels(event.checkId)) {
        if (channel.type === 'console') deliverToConsole(event, channel)
        else queue.enqueue(channel.name, event, clock.now())
      }
      wakeWorker()
    } catch (err) {
      // The engine calls this in the middle of ingest: a notification bug must not stop it.
      logger.error({ err, incidentId: event.incidentId }, 'notify failed')
    }
  }

  function idle(): Promise<void> {
    return new Promise((resolve) => {
      idleWaiters.push(resolve)
      settle()
    })
  }

  async function close(): Promise<void> {
    if (stop.signal.aborted) return idle()
    stop.abort()
    wakeWorker()
    await Promise.allSettled([...inFlight.values()])
    for (const row of queue.pending(Number.MAX_SAFE_INTEGER)) {
      const error = 'hub shutting down; stays queued for the next start'
      record(
        row.event,
        { name: row.channel, type: channelType(row.channel) },
        row.attempts + 1,
        'abandoned',
        { error },
      )
    }
    settle()
  }

  function channelType(name: string): string {
    return options.channels().find((channel) => channel.name === name)?.type ?? 'unknown'
  }

  void work()
  return { notify, idle, close }
}
