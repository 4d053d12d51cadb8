/**
 * Moves results from the outbox to the hub in batches and deletes them only when
 * the hub acks a batch (not on the broker's PUBACK): at-least-once on the wire,
 * exactly-once in the hub's store, which dedupes by result id.
 */
import { encodeResultBatch } from '../checks/wire.ts'
import type { Logger } from '../lib/logger.ts'
import { monotonicUlids } from '../lib/ulid.ts'
import type { Outbox } from './outbox.ts'

export interface Transport {
  connected(): boolean
  publish(topic: string, payload: string): Promise<void>
}

export interface PublisherOptions {
  outbox: Outbox
  transport: Transport
  topic: string
  probeId: string
  region: string
  logger: Logger
  /** Results per MQTT message. 500 keeps a batch well under 1 MiB. */
  batchSize?: number
  /** Batches awaiting an ack at once; bounds memory and the replay after a lost connection. */
  maxInFlight?: number
  /**
   * Wait this long for more results before sending a partial batch while the queue is
   * long (a backlog, or a hub slow to ack): 250 ms makes full batches out of a burst.
   */
  lingerMs?: number
  /**
   * The linger while the queue is short (the outbox holds at most `shortQueueBytes`,
   * sent or not): the results of one scheduler tick still share a batch, and none waits
   * long. Default 50 ms.
   */
  quickLingerMs?: number
  /** An outbox this small is a short queue (default 32 KiB, some 50 results). */
  shortQueueBytes?: number
  /** Resend everything unacked when the oldest batch has waited this long for its ack. */
  ackTimeoutMs?: number
  now?: () => number
}

interface InFlightBatch {
  seqs: number[]
  sentAt: number
}

export class Publisher {
  private readonly inFlight = new Map<string, InFlightBatch>()
  private readonly nextBatchId = monotonicUlids()
  /** Highest outbox seq sent on this connection; reset to 0 to replay everything unacked. */
  private cursor = 0
  private linger: NodeJS.Timeout | undefined
  /** Kicks (new results) since the last linger ended. */
  private kicked = 0
  private pumping = false
  private readonly opts: Required<Omit<PublisherOptions, 'logger'>> & { logger: Logger }
  private ackTimer: NodeJS.Timeout | undefined

  constructor(options: PublisherOptions) {
    this.opts = {
      batchSize: 500,
      maxInFlight: 8,
      lingerMs: 250,
      quickLingerMs: 50,
      shortQueueBytes: 32 * 1024,
      ackTimeoutMs: 15_000,
      now: Date.now,
      ...options,
    }
    this.ackTimer = setInterval(() => this.checkAckTimeout(), 1_000)
    this.ackTimer.unref()
  }

  /**
   * A result is in the outbox: send it after a linger so that the ones that follow share
   * its batch. The linger is short while the queue is (measured to stored stays well
   * under the 250 ms it took when every batch waited that long), and long under load,
   * where batching is what keeps up. A batch's worth of new results waits for nothing.
   */
  kick(): void {
    this.kicked += 1
    if (this.kicked >= this.opts.batchSize) {
      clearTimeout(this.linger)
      this.linger = undefined
      this.kicked = 0
      void this.pump()
      return
    }
    if (this.linger) return
    const short = this.opts.outbox.sizeBytes() <= this.opts.shortQueueBytes
    this.linger = setTimeout(
      () => {
        this.linger = undefined
        this.kicked = 0
        void this.pump()
      },
      short ? this.opts.quickLingerMs : this.opts.lingerMs,
    )
  }

  /** The connection (re)opened: forget what was in flight and replay the outbox from the oldest row. */
  restart(): void {
    this.inFlight.clear()
    this.cursor = 0
    void this.pump()
  }

  /**
   * The hub committed these batches: their results can go. Returns when the newest
   * of them was sent (undefined if none was in flight), for the clock-offset estimate.
   */
  acked(batchIds: readonly string[]): number | undefined {
    const seqs: number[] = []
    let sentAt: number | undefined
    for (const batchId of batchIds) {
      const batch = this.inFlight.get(batchId)
      if (!batch) continue
      this.inFlight.delete(batchId)
      seqs.push(...batch.seqs)
      sentAt = Math.max(sentAt ?? batch.sentAt, batch.sentAt)
    }
    if (seqs.length > 0) this.opts.outbox.remove(seqs)
    void this.pump()
    return sentAt
  }

  inFlightCount(): number {
    return this.inFlight.size
  }

  /**
   * Sends what the outbox holds now, without the linger, and resolves true once the hub
   * has acked all of it, or false after `timeoutMs` (what is left waits in the outbox).
   */
  async drain(timeoutMs: number, pollMs = 50): Promise<boolean> {
    clearTimeout(this.linger)
    this.linger = undefined
    const deadline = Date.now() + timeoutMs
    while (this.opts.outbox.depth() > 0) {
      if (Date.now() >= deadline || !this.opts.transport.connected()) return false
      void this.pump()
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
    return true
  }

  close(): void {
    clearTimeout(this.linger)
    clearInterval(this.ackTimer)
  }

  /** Sends batches until the outbox is drained or the in-flight window is full. */
  async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      const { outbox, transport, batchSize, maxInFlight } = this.opts
      while (transport.connected() && this.inFlight.size < maxInFlight) {
        const rows = outbox.rowsAfter(this.cursor, batchSize)
        if (rows.length === 0) break
        const batchId = this.nextBatchId()
        const seqs = rows.map((row) => row.seq)
        this.cursor = seqs.at(-1)!
        this.inFlight.set(batchId, { seqs, sentAt: this.opts.now() })
        const payload = encodeResultBatch(
          {
            batchId,
            probeId: this.opts.probeId,
            region: this.opts.region,
            sentAt: this.opts.now(),
          },
          rows.map((row) => row.payload),
        )
        try {
          await transport.publish(this.opts.topic, payload)
        } catch (error) {
          // The connection dropped mid-send; restart() replays from the outbox when it returns.
          // The message says it all (EPIPE, connection closed); a stack trace would only alarm.
          this.opts.logger.warn(
            { err: (error as Error).message, batchId },
            'publishing a result batch failed; will replay',
          )
          break
        }
      }
    } finally {
      this.pumping = false
    }
  }

  private checkAckTimeout(): void {
    const oldest = Math.min(...[...this.inFlight.values()].map((batch) => batch.sentAt))
    if (this.inFlight.size > 0 && this.opts.now() - oldest > this.opts.ackTimeoutMs) {
      this.opts.logger.warn(
        { inFlight: this.inFlight.size },
        'no ack from the hub in time; replaying unacked results',
      )
      this.restart()
    }
  }
}
