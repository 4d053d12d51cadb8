/**
 * Result ingest: validates batches from `results/{shard}/{probeId}`, stores them
 * idempotently, feeds what is new to the alert engine and acks the batch so the
 * probe can delete it from its outbox. A malformed message is rejected, counted,
 * logged with the sender's id and kept in a dead-letter table; it never crashes
 * the hub and never blocks the valid results around it.
 *
 * The broker's ACL ties a results topic to the probe that logged in, so a result must
 * name its sender as its probe; and a probe with a token speaks for the region the
 * token was made for, so a result claiming another region is rejected too. Otherwise
 * one stolen token could fill every region's quorum.
 *
 * Results measured inside a maintenance window of their check are stored (nothing is
 * lost) and rolled up as maintenance, but the alert engine never sees them: during
 * maintenance a check counts neither as up nor as down.
 */
import { describeIssues } from '../../checks/issue-text.ts'
import { checkResultSchema, type CheckResult } from '../../checks/result.ts'
import { decodeMessage, resultBatchSchema, type Topics } from '../../checks/wire.ts'
import type { Logger } from '../../lib/logger.ts'
import type { ResultStore } from '../store/result-store.ts'
import type { DeadLetters } from './dead-letters.ts'
import { surelyValid } from './quick-check.ts'

export interface IngestCounters {
  batches: number
  results: number
  duplicates: number
  rejectedMessages: number
  rejectedResults: number
  /** New results inside a maintenance window: stored, not judged. */
  inMaintenance: number
}

export interface IngestOptions {
  topics: Topics
  store: ResultStore
  deadLetters: DeadLetters
  /** Newly stored results outside maintenance, in measurement order, for the alert engine. */
  onStored: (results: CheckResult[]) => void
  /** True for a result scheduled inside a maintenance window of its check. Default: never. */
  inMaintenance?: (result: CheckResult) => boolean
  /** Tells the probe its batches are committed. */
  ack: (probeId: string, batchIds: string[]) => void
  /**
   * The region a probe's credential binds it to (its token's, from credentials.json),
   * or undefined for a probe without one (insecure demo, certificate): then the result's
   * own region stands. Default: none is bound.
   */
  regionOf?: (probeId: string) => string | undefined
  logger: Logger
  now: () => number
  /** Every newly stored result, maintenance included, for the hub's metrics and run-now waiters. */
  onAccepted?: (results: CheckResult[]) => void
  /** A message or result refused, for the event log. */
  onRejected?: (rejection: Rejection) => void
}

/** A message or a result ingest refused and kept as a dead letter. */
export interface Rejection {
  scope: 'message' | 'result'
  topic: string
  sender: string
  reason: string
}

export class Ingest {
  readonly counters: IngestCounters = {
    batches: 0,
    results: 0,
    duplicates: 0,
    rejectedMessages: 0,
    rejectedResults: 0,
    inMaintenance: 0,
  }

  /** Acks waiting for the end of this turn of the event loop, by probe. */
  readonly #acks = new Map<string, string[]>()
  /** Batches handed to the writer thread and not settled yet. */
  readonly #inFlight = new Set<Promise<void>>()

  constructor(private readonly options: IngestOptions) {}

  /** Handles one message from a results topic. Never throws. */
  handle(topic: string, payload: Buffer): void {
    const sender = this.options.topics.probeIdOf(topic) ?? 'unknown'
    const decoded = decodeMessage(resultBatchSchema, payload)
    if (!decoded.ok) {
      const reason =
        decoded.problem === 'invalid' ? `invalid batch: ${decoded.reason}` : decoded.reason
      return this.rejectMessage(topic, sender, payload, reason)
    }
    const batch = decoded.value
    if (batch.probeId !== sender) {
      return this.rejectMessage(
        topic,
        sender,
        payload,
        `batch claims probe "${batch.probeId}" on ${sender}'s topic`,
      )
    }

    const valid: CheckResult[] = []
    const bound = this.options.regionOf?.(sender)
    batch.results.forEach((raw, index) => {
      // The common result needs no zod: surelyValid keeps it as parsed, the schema copies.
      const parsed = surelyValid(raw)
        ? { success: true as const, data: raw as CheckResult }
        : checkResultSchema.safeParse(raw)
      if (!parsed.success) {
        const reason = describeIssues(parsed.error.issues, ['results', index])
        return this.rejectResult(topic, sender, raw, reason)
      }
      if (parsed.data.probeId !== sender) {
        return this.rejectResult(
          topic,
          sender,
          raw,
          `results[${index}].probeId: "${parsed.data.probeId}" is not the sender`,
        )
      }
      if (bound !== undefined && parsed.data.region !== bound) {
        return this.rejectResult(
          topic,
          sender,
          raw,
          `results[${index}].region: "${parsed.data.region}" is not ${sender}'s region: its token is for ${bound}`,
        )
      }
      valid.push(parsed.data)
    })

    const failed = (error: unknown) =>
      // Not acking makes the probe resend the batch later: nothing is lost while storage is sick.
      this.options.logger.error(
        { err: error, sender, batchId: batch.batchId },
        'storing a result batch failed',
      )
    let pending: Promise<void> | void
    try {
      pending = this.#accept(valid, this.options.store.writesInBackground())
    } catch (error) {
      return failed(error)
    }
    if (!pending) {
      this.counters.batches += 1
      return this.options.ack(sender, [batch.batchId])
    }
    const settled = pending.then(() => {
      this.counters.batches += 1
      this.#ackSoon(sender, batch.batchId)
    }, failed)
    this.#inFlight.add(settled)
    void settled.finally(() => this.#inFlight.delete(settled))
  }

  /**
   * Resolves once every batch taken so far is committed (or failed) and its ack is
   * sent, for a hub that stops: call it after unsubscribing from results.
   */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
    if (this.#acks.size > 0) await new Promise((resolve) => setImmediate(resolve))
  }

  /**
   * Stores results the hub measured itself (heartbeats) and hands what is new and
   * outside maintenance to the alert engine, before it returns: a ping is answered once
   * its result is stored. Throws when storage fails.
   */
  accept(valid: CheckResult[]): void {
    this.#accept(valid, false)
  }

  /**
   * Stores valid results and tells the listeners; in the background (through the
   * store's writer thread) it returns a promise, settled once they are committed, and
   * throws or rejects when storage fails, so that the caller does not ack what it did not keep.
   */
  #accept(valid: CheckResult[], background: false): void
  #accept(valid: CheckResult[], background: boolean): void | Promise<void>
  #accept(valid: CheckResult[], background: boolean): void | Promise<void> {
    const maintained = new Set<CheckResult>()
    const inMaintenance = (result: CheckResult) => {
      const inside = this.inMaintenance(result)
      if (inside) maintained.add(result)
      return inside
    }
    const { store } = this.options
    if (!background) return this.#stored(valid, store.insert(valid, { inMaintenance }), maintained)
    if (valid.length === 0) return Promise.resolve()
    return store
      .write(valid, { inMaintenance })
      .then((stored) => this.#stored(valid, stored, maintained))
  }

  /** Counts what was stored and tells the listeners and the alert engine, in that order. */
  #stored(valid: CheckResult[], stored: CheckResult[], maintained: Set<CheckResult>): void {
    const judged = stored.filter((result) => !maintained.has(result))
    this.counters.results += stored.length
    this.counters.duplicates += valid.length - stored.length
    this.counters.inMaintenance += stored.length - judged.length
    if (stored.length > 0) this.#tell(() => this.options.onAccepted?.(stored))
    if (judged.length > 0)
      this.options.onStored(judged.sort((a, b) => a.scheduledAt - b.scheduledAt))
  }

  /** Acks of batches committed together go out together, one message per probe. */
  #ackSoon(probeId: string, batchId: string): void {
    const batchIds = this.#acks.get(probeId)
    if (batchIds) return void batchIds.push(batchId)
    this.#acks.set(probeId, [batchId])
    if (this.#acks.size === 1) {
      setImmediate(() => {
        const acks = [...this.#acks]
        this.#acks.clear()
        for (const [probe, ids] of acks) this.options.ack(probe, ids)
      })
    }
  }

  /**
   * Asks the maintenance predicate; a failing one counts the result as outside
   * maintenance (alerting on it is the safe side) rather than failing the batch,
   * which the probe would resend forever.
   */
  private inMaintenance(result: CheckResult): boolean {
    if (!this.options.inMaintenance) return false
    try {
      return this.options.inMaintenance(result)
    } catch (error) {
      this.options.logger.error(
        { err: error, checkId: result.checkId },
        'checking maintenance windows failed; the result counts as outside maintenance',
      )
      return false
    }
  }

  /** Listeners watch ingest; one failing must neither fail the batch nor go unnoticed. */
  #tell(notify: () => void): void {
    try {
      notify()
    } catch (error) {
      this.options.logger.error({ err: error }, 'an ingest listener failed')
    }
  }

  private rejectMessage(topic: string, sender: string, payload: Buffer, reason: string): void {
    this.counters.rejectedMessages += 1
    this.#tell(() => this.options.onRejected?.({ scope: 'message', topic, sender, reason }))
    this.options.logger.warn({ sender, topic, reason }, 'rejected a message on the results topic')
    this.options.deadLetters.add({
      at: this.options.now(),
      topic,
      sender,
      reason,
      payload: payload.toString('utf8'),
    })
  }

  private rejectResult(topic: string, sender: string, raw: unknown, reason: string): void {
    this.counters.rejectedResults += 1
    this.#tell(() => this.options.onRejected?.({ scope: 'result', topic, sender, reason }))
    this.options.logger.warn({ sender, topic, reason }, 'rejected a result')
    this.options.deadLetters.add({
      at: this.options.now(),
      topic,
      sender,
      reason,
      payload: JSON.stringify(raw) ?? '',
    })
  }
}
