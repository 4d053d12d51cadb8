/**
 * The worker that drains the durable notification queue: it sends due rows, forms
 * groups, spaces sends by per-channel rate limits, and after each attempt applies the
 * pure decision of attempt-decision.ts (delivered, retry at, failed, or left queued).
 * Each row's new state is written before anything else happens, so a crash at any
 * point resends at most one attempt.
 */
import type { ChannelConfig } from '../../../checks/validate.ts'
import { groupable, prepare, type Attempt } from '../../../checks/channels/registry.ts'
import type { Clock } from '../../../lib/clock.ts'
import type { Logger } from '../../../lib/logger.ts'
import { decideAfterAttempt } from './attempt-decision.ts'
import type { ChannelHealthTracker } from './channel-health.ts'
import type { DeliveryQueue, QueuedDelivery } from './delivery-queue.ts'
import type { NotificationLog } from './notification-log.ts'
import { RateLimiter, rateLimitFor } from './rate-limit.ts'
import type { RetryPolicy } from './retry-policy.ts'

export interface DeliveryWorkerOptions {
  queue: DeliveryQueue
  health: ChannelHealthTracker
  log: NotificationLog
  /** The channels of the running config, looked up at send time so that deploys take effect. */
  channels: () => ChannelConfig[]
  project: () => string
  statusUrl?: string
  retry: RetryPolicy
  groupWaitMs: () => number
  clock: Clock
  logger: Logger
}

export class DeliveryWorker {
  readonly #stop = new AbortController()
  readonly #limiter = new RateLimiter()
  /** Rows being sent right now, so the loop does not pick them twice. */
  readonly #inFlight = new Map<number, Promise<void>>()
  /** Payloads built once per row (per group lead), so retries send the same body. */
  readonly #prepared = new Map<number, Attempt>()
  /** Rows whose rate-limit token is already reserved. */
  readonly #reserved = new Set<number>()
  /** Rows whose whole wait ran out on the timer, whatever the clock says. */
  readonly #waited = new Set<number>()
  #wake = () => {}
  #idleWaiters: (() => void)[] = []

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    void this.#loop()
  }

  get stopping(): boolean {
    return this.#stop.signal.aborted
  }

  /** A row was queued: look again now instead of at the next due time. */
  wake(): void {
    this.#wake()
  }

  /** Resolves once nothing is pending or in flight (or, once stopping, nothing in flight). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve)
      this.#settle()
    })
  }

  /** Aborts in-flight requests and waits for them; pending rows stay queued for the next start. */
  async stop(): Promise<void> {
    this.#stop.abort()
    this.#wake()
    await Promise.allSettled([...this.#inFlight.values()])
  }

  /**
   * Sends due rows and sleeps until the next one is due or a new one arrives. A row
   * whose whole wait ran out is sent even if the clock disagrees, so a test clock that
   * stands still cannot stall the queue.
   */
  async #loop(): Promise<void> {
    const { queue, clock } = this.options
    while (!this.stopping) {
      const next = queue.pending(this.#inFlight.size + 1).find((row) => !this.#inFlight.has(row.id))
      const waitMs = next ? next.nextAttemptAt - clock.now() : Number.POSITIVE_INFINITY
      if (next && (waitMs <= 0 || this.#waited.has(next.id))) {
        this.#begin(next)
        continue
      }
      const woken = new Promise<boolean>((resolve) => {
        const timer = Number.isFinite(waitMs) ? setTimeout(() => resolve(true), waitMs) : undefined
        this.#wake = () => {
          clearTimeout(timer)
          resolve(false)
        }
      })
      if ((await woken) && next) this.#waited.add(next.id)
    }
  }

  #begin(row: QueuedDelivery): void {
    const running = this.#attempt(row)
      .catch((err) =>
        this.options.logger.error({ err, channel: row.channel }, 'delivery failed unexpectedly'),
      )
      .finally(() => {
        this.#inFlight.delete(row.id)
        this.#settle()
      })
    this.#inFlight.set(row.id, running)
  }

  #settle(): void {
    this.#wake()
    if (this.#inFlight.size > 0 || (!this.stopping && this.options.queue.pendingCount() > 0)) return
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  /**
   * The rows a due row sends: itself, and on its first try with a group key on a
   * channel that groups, the rows of the same key that came due within the group wait.
   */
  #membersOf(row: QueuedDelivery, channel: ChannelConfig): QueuedDelivery[] {
    const { queue } = this.options
    if (row.joinedTo === row.id) return queue.members(row.id)
    if (row.groupKey === null || row.attempts > 0 || !groupable(channel.type)) return []
    return queue.formGroup(row, row.nextAttemptAt + this.options.groupWaitMs())
  }

  /** One attempt of one row (and its group). */
  async #attempt(row: QueuedDelivery): Promise<void> {
    const { queue, log, health, clock } = this.options
    const channel = this.options.channels().find((c) => c.name === row.channel)
    if (!channel || channel.type === 'console') {
      const events = [row.event, ...queue.members(row.id).map((member) => member.event)]
      const error = `channel "${row.channel}" is no longer in the config`
      queue.finish(row.id, 'failed', row.attempts, error)
      return log.recordAll(events, { name: row.channel, type: 'unknown' }, row.attempts, 'failed', {
        error,
      })
    }
    const members = this.#membersOf(row, channel)
    const events = [row.event, ...members.map((member) => member.event)]
    this.#waited.delete(row.id)
    if (this.#waitForRateLimit(row, channel)) return
    const send = this.#senderFor(row, channel, events)
    const tries = row.attempts + 1
    const result = await send({ signal: this.#stop.signal })
    const { ok: _ok, retryable: _retryable, retryAfterMs: _retryAfterMs, ...outcome } = result
    const error = result.error ?? null
    const decision = decideAfterAttempt({
      outcome: result,
      tries,
      createdAt: row.createdAt,
      now: clock.now(),
      stopping: this.stopping,
      retry: this.options.retry,
    })
    switch (decision.action) {
      case 'delivered':
        queue.finish(row.id, 'delivered', tries, null)
        this.#prepared.delete(row.id)
        health.succeeded(channel.name, clock.now())
        return log.recordAll(events, channel, tries, 'delivered', outcome)
      case 'requeue':
        return queue.reschedule(row.id, tries, clock.now(), error)
      case 'failed':
        health.failed(channel.name, clock.now(), error)
        queue.finish(row.id, 'failed', tries, error)
        this.#prepared.delete(row.id)
        return log.recordAll(events, channel, tries, 'failed', outcome)
      case 'retry':
        health.failed(channel.name, clock.now(), error)
        queue.reschedule(row.id, tries, decision.at, error)
        return log.recordAll(events, channel, tries, 'retrying', {
          ...outcome,
          retryInMs: decision.retryInMs,
        })
    }
  }

  /** True when the row must wait for its channel's rate limit; its token is then reserved. */
  #waitForRateLimit(row: QueuedDelivery, channel: ChannelConfig): boolean {
    if (this.#reserved.delete(row.id)) return false
    const { clock, queue, logger } = this.options
    const waitMs = this.#limiter.take(channel.name, rateLimitFor(channel.type), clock.now())
    if (waitMs <= 0) return false
    // The token is reserved: when the row comes due again it goes without asking.
    this.#reserved.add(row.id)
    queue.reschedule(row.id, row.attempts, clock.now() + waitMs, row.lastError)
    logger.debug({ channel: channel.name, waitMs }, 'notification waits for its rate limit')
    return true
  }

  #senderFor(
    row: QueuedDelivery,
    channel: Parameters<typeof prepare>[0],
    events: QueuedDelivery['event'][],
  ): Attempt {
    let sender = this.#prepared.get(row.id)
    if (!sender) {
      const event = events.length > 1 ? { ...row.event, grouped: events.slice(1) } : row.event
      sender = prepare(channel, event, {
        project: this.options.project(),
        statusUrl: this.options.statusUrl,
      })
      this.#prepared.set(row.id, sender)
    }
    return sender
  }
}
