/**
 * Delivers alert events to the channels the dispatcher chose, and records every
 * attempt in the log, in the incident timeline and in each channel's health.
 *
 * Delivery is durable and at-least-once: each (event, channel) pair is written to the
 * SQLite queue before any network I/O, and a worker sends due rows, retries the ones
 * that failed for a reason that may pass and spaces them by per-channel rate limits.
 * Pending rows survive a restart. A crash between a send and marking its row delivered
 * sends it again on the next start: receivers see a duplicate rather than nothing.
 *
 * Grouping is durable too: an event sent with a group key waits `groupWait` in the
 * queue, and the alerts with the same key and channel that arrive meanwhile go out
 * with it as one message (see delivery-queue.ts).
 */
import type { ChannelConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import type { Database } from '../../store/database.ts'
import type { AlertEvent } from '../../../checks/alert-event.ts'
import {
  ChannelHealthTracker,
  type ChannelHealth,
  type ChannelHealthChange,
} from './channel-health.ts'
import { groupable, prepare, type Attempt } from '../../../checks/channels/registry.ts'
import * as consoleChannel from '../../../checks/channels/console.ts'
import { DeliveryQueue, type QueuedDelivery } from './delivery-queue.ts'
import { RateLimiter, rateLimitFor } from './rate-limit.ts'
import { DEFAULT_RETRY, isRetryable, nextDelayMs, type RetryPolicy } from './retry-policy.ts'

export type { ChannelHealth, ChannelHealthChange, RetryPolicy }

/** Matches `alerting.groupWait`'s default: short enough that a page is not held back long. */
const DEFAULT_GROUP_WAIT_MS = 5_000
/** Matches `alerting.channelFailingAfter`'s default. */
const DEFAULT_FAILING_AFTER = 3

export interface NotifierOptions {
  /** The hub database; the delivery queue lives in it so that it survives restarts. */
  db: Database
  /** The channels of the running config, read for each event so that deploys take effect. */
  channels: () => ChannelConfig[]
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
  /** How long a grouped event waits for others (`alerting.groupWait`), read per event. Default 5 s. */
  groupWaitMs?: () => number
  /** Failed attempts in a row that make a channel failing (`alerting.channelFailingAfter`). Default 3. */
  failingAfter?: () => number
  /** Called once when a channel becomes failing and once when it works again. */
  onChannelHealth?: (channel: string, health: ChannelHealthChange) => void
}

/** How the dispatcher wants an event sent. */
export interface SendRouting {
  /** Events with the same key, sent within the group wait, go out as one message per channel; null sends at once. */
  groupKey: string | null
}

export interface Notifier {
  /**
   * Queues the event for the named channels and returns. Never throws, never waits
   * for the network. A name that is not a configured channel is logged and recorded
   * on the incident's timeline as a failed notification.
   */
  send(event: AlertEvent, channels: string[], options: SendRouting): void
  /** Every configured channel with its health and queued notifications; no URLs or keys. */
  channelHealth(): ChannelHealth[]
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

/** A channel as the log and timeline name it. */
interface ChannelRef {
  name: string
  type: string
}

/** A number option read from config at run time: a bad value falls back instead of stalling the queue. */
function readNumber(read: (() => number) | undefined, fallback: number, min: number): number {
  const value = read?.()
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback
}

/**
 * Creates the notifier and starts its worker, which first resumes rows left pending by
 * an earlier run. The alert dispatcher chooses the channels and the group key.
 *
 * @example
 * const notifier = createNotifier({
 *   db, channels: () => live.config().channels, incidents, logger, clock: systemClock,
 *   project: () => live.config().project,
 *   groupWaitMs: () => parseDuration(live.config().alerting.groupWait),
 *   onChannelHealth: (name, health) => engine.channelHealth(name, health),
 * })
 * notifier.send(event, ['slack', 'pagerduty'], { groupKey: 'payments' })
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { incidents, logger, clock, statusUrl } = options
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const maxAgeMs = retry.maxAgeMs ?? Number.POSITIVE_INFINITY
  const write = options.write ?? ((text: string) => process.stdout.write(text))
  const groupWaitMs = () => readNumber(options.groupWaitMs, DEFAULT_GROUP_WAIT_MS, 0)
  const queue = new DeliveryQueue(options.db, clock.now())
  queue.resume(clock.now())
  const health = new ChannelHealthTracker(options.db, {
    failingAfter: () => readNumber(options.failingAfter, DEFAULT_FAILING_AFTER, 1),
    onChange: (channel, change) => {
      logger[change.failing ? 'error' : 'info']({ channel, ...change }, 'channel health changed')
      try {
        options.onChannelHealth?.(channel, change)
      } catch (err) {
        logger.error({ err, channel }, 'channel health handler failed')
      }
    },
  })
  const limiter = new RateLimiter()
  const stop = new AbortController()
  /** Rows being sent right now, so the worker does not pick them twice. */
  const inFlight = new Map<number, Promise<void>>()
  /** Payloads built once per row (per group lead), so retries send the same body. */
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

  /** Records one attempt for every alert a message carried; a group's entries name its size. */
  function recordAll(
    events: AlertEvent[],
    channel: ChannelRef,
    attempt: number,
    outcome: AttemptOutcome,
    extra: Record<string, unknown> = {},
  ): void {
    const group = events.length > 1 ? { groupSize: events.length } : {}
    for (const event of events) record(event, channel, attempt, outcome, { ...extra, ...group })
  }

  function deliverToConsole(event: AlertEvent, channel: ChannelConfig): void {
    try {
      consoleChannel.send(consoleChannel.buildPayload(event), write)
      health.succeeded(channel.name, clock.now())
      record(event, channel, 1, 'delivered')
    } catch (err) {
      health.failed(channel.name, clock.now(), String(err))
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

  /**
   * The rows a due row sends: itself, and on its first try with a group key on a
   * channel that groups, the rows of the same key that came due within the group wait.
   */
  function membersOf(row: QueuedDelivery, channel: ChannelConfig): QueuedDelivery[] {
    if (row.joinedTo === row.id) return queue.members(row.id)
    if (row.groupKey === null || row.attempts > 0 || !groupable(channel.type)) return []
    return queue.formGroup(row, row.nextAttemptAt + groupWaitMs())
  }

  /** One attempt of one row (and its group); the rows' new state is written before anything else happens. */
  async function attempt(row: QueuedDelivery): Promise<void> {
    const channel = options.channels().find((c) => c.name === row.channel)
    if (!channel || channel.type === 'console') {
      const events = [row.event, ...queue.members(row.id).map((member) => member.event)]
      const error = `channel "${row.channel}" is no longer in the config`
      queue.finish(row.id, 'failed', row.attempts, error)
      return recordAll(events, { name: row.channel, type: 'unknown' }, row.attempts, 'failed', {
        error,
      })
    }
    const members = membersOf(row, channel)
    const events = [row.event, ...members.map((member) => member.event)]
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
    let sender = prepared.get(row.id)
    if (!sender) {
      const event = members.length > 0 ? { ...row.event, grouped: events.slice(1) } : row.event
      sender = prepare(channel, event, { project: options.project(), statusUrl })
      prepared.set(row.id, sender)
    }
    const tries = row.attempts + 1
    const result = await sender({ signal: stop.signal })
    const { ok: _ok, retryable: _retryable, retryAfterMs: _retryAfterMs, ...outcome } = result
    const error = result.error ?? null
    if (result.ok) {
      queue.finish(row.id, 'delivered', tries, null)
      prepared.delete(row.id)
      health.succeeded(channel.name, clock.now())
      return recordAll(events, channel, tries, 'delivered', outcome)
    }
    if (stop.signal.aborted) {
      queue.reschedule(row.id, tries, clock.now(), error)
      return
    }
    health.failed(channel.name, clock.now(), error)
    const retryInMs = nextDelayMs(result, tries, retry)
    const tooOld = clock.now() + retryInMs - row.createdAt > maxAgeMs
    if (!isRetryable(result) || tries >= retry.attempts || tooOld) {
      queue.finish(row.id, 'failed', tries, error)
      prepared.delete(row.id)
      return recordAll(events, channel, tries, 'failed', outcome)
    }
    queue.reschedule(row.id, tries, clock.now() + retryInMs, error)
    recordAll(events, channel, tries, 'retrying', { ...outcome, retryInMs })
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

  function enqueue(event: AlertEvent, channel: ChannelConfig, groupKey: string | null): void {
    const now = clock.now()
    if (groupKey === null || !groupable(channel.type)) {
      queue.enqueue(channel.name, event, now)
      return
    }
    queue.enqueue(channel.name, event, now, { dueAt: now + groupWaitMs(), groupKey })
  }

  function send(event: AlertEvent, channelNames: string[], { groupKey }: SendRouting): void {
    try {
      if (stop.signal.aborted) {
        logger.error({ incidentId: event.incidentId }, 'notifier closed; alert not sent')
        return
      }
      const configured = options.channels()
      for (const name of new Set(channelNames)) {
        const channel = configured.find((c) => c.name === name)
        if (!channel) {
          const error = `no channel named "${name}" in the config; check the route's channels`
          record(event, { name, type: 'unknown' }, 0, 'failed', { error })
        } else if (channel.type === 'console') {
          deliverToConsole(event, channel)
        } else {
          enqueue(event, channel, groupKey)
        }
      }
      wakeWorker()
    } catch (err) {
      // The engine calls this in the middle of ingest: a notification bug must not stop it.
      logger.error({ err, incidentId: event.incidentId }, 'send failed')
    }
  }

  function channelHealth(): ChannelHealth[] {
    return health.report(options.channels(), queue.pendingByChannel())
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
    for (const row of queue.allPending()) {
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
  return { send, channelHealth, idle, close }
}
