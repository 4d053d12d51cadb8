/**
 * Delivers alert events to the channels the dispatcher chose, and records every
 * attempt in the log, in the incident timeline and in each channel's health.
 *
 * Delivery is durable and at-least-once: each (event, channel) pair is written to the
 * SQLite queue before any network I/O, and a worker (delivery-worker.ts) sends due rows,
 * retries the ones that failed for a reason that may pass and spaces them by per-channel
 * rate limits. Pending rows survive a restart. A crash between a send and marking its
 * row delivered sends it again on the next start: receivers see a duplicate rather than
 * nothing.
 *
 * Grouping is durable too: an event sent with a group key waits `groupWait` in the
 * queue, and the alerts with the same key and channel that arrive meanwhile go out
 * with it as one message (see delivery-queue.ts).
 */
import type { AlertEvent } from '../../../checks/alert-event.ts'
import * as consoleChannel from '../../../checks/channels/console.ts'
import { groupable } from '../../../checks/channels/registry.ts'
import type { ChannelConfig } from '../../../checks/validate.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import type { IncidentStore } from '../../incidents/incident-store.ts'
import type { Database } from '../../store/database.ts'
import {
  ChannelHealthTracker,
  type ChannelHealth,
  type ChannelHealthChange,
} from './channel-health.ts'
import { DeliveryQueue } from './delivery-queue.ts'
import { DeliveryWorker } from './delivery-worker.ts'
import { NotificationLog } from './notification-log.ts'
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.ts'

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
  return new QueueNotifier(options)
}

class QueueNotifier implements Notifier {
  readonly #queue: DeliveryQueue
  readonly #health: ChannelHealthTracker
  readonly #log: NotificationLog
  readonly #worker: DeliveryWorker
  readonly #write: (text: string) => void

  constructor(private readonly options: NotifierOptions) {
    const { clock, logger } = options
    this.#write = options.write ?? ((text: string) => process.stdout.write(text))
    this.#queue = new DeliveryQueue(options.db, clock.now())
    this.#queue.resume(clock.now())
    this.#log = new NotificationLog(options.incidents, logger, clock)
    this.#health = new ChannelHealthTracker(options.db, {
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
    this.#worker = new DeliveryWorker({
      queue: this.#queue,
      health: this.#health,
      log: this.#log,
      channels: options.channels,
      project: options.project,
      statusUrl: options.statusUrl,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      groupWaitMs: () => this.#groupWaitMs(),
      clock,
      logger,
    })
    this.#worker.start()
  }

  send(event: AlertEvent, channelNames: string[], { groupKey }: SendRouting): void {
    try {
      if (this.#worker.stopping) {
        this.options.logger.error(
          { incidentId: event.incidentId },
          'notifier closed; alert not sent',
        )
        return
      }
      const configured = this.options.channels()
      for (const name of new Set(channelNames)) {
        const channel = configured.find((c) => c.name === name)
        if (!channel) {
          const error = `no channel named "${name}" in the config; check the route's channels`
          this.#log.record(event, { name, type: 'unknown' }, 0, 'failed', { error })
        } else if (channel.type === 'console') {
          this.#writeToConsole(event, channel)
        } else {
          this.#enqueue(event, channel, groupKey)
        }
      }
      this.#worker.wake()
    } catch (err) {
      // The engine calls this in the middle of ingest: a notification bug must not stop it.
      this.options.logger.error({ err, incidentId: event.incidentId }, 'send failed')
    }
  }

  channelHealth(): ChannelHealth[] {
    return this.#health.report(this.options.channels(), this.#queue.pendingByChannel())
  }

  idle(): Promise<void> {
    return this.#worker.idle()
  }

  async close(): Promise<void> {
    if (this.#worker.stopping) return this.idle()
    await this.#worker.stop()
    for (const row of this.#queue.allPending()) {
      const error = 'hub shutting down; stays queued for the next start'
      const channel = { name: row.channel, type: this.#channelType(row.channel) }
      this.#log.record(row.event, channel, row.attempts + 1, 'abandoned', { error })
    }
    await this.idle()
  }

  #groupWaitMs(): number {
    return readNumber(this.options.groupWaitMs, DEFAULT_GROUP_WAIT_MS, 0)
  }

  /** The console cannot fail in a way worth retrying: it is written at once, never queued. */
  #writeToConsole(event: AlertEvent, channel: ChannelConfig): void {
    const now = this.options.clock.now()
    try {
      consoleChannel.send(consoleChannel.buildPayload(event), this.#write)
      this.#health.succeeded(channel.name, now)
      this.#log.record(event, channel, 1, 'delivered')
    } catch (err) {
      this.#health.failed(channel.name, now, String(err))
      this.#log.record(event, channel, 1, 'failed', { error: String(err) })
    }
  }

  #enqueue(event: AlertEvent, channel: ChannelConfig, groupKey: string | null): void {
    const now = this.options.clock.now()
    if (groupKey === null || !groupable(channel.type)) {
      this.#queue.enqueue(channel.name, event, now)
      return
    }
    this.#queue.enqueue(channel.name, event, now, { dueAt: now + this.#groupWaitMs(), groupKey })
  }

  #channelType(name: string): string {
    return this.options.channels().find((channel) => channel.name === name)?.type ?? 'unknown'
  }
}
