/**
 * Result ingest: validates batches from `results/{shard}/{probeId}`, stores them
 * idempotently, feeds what is new to the alert engine and acks the batch so the
 * probe can delete it from its outbox. A malformed message is rejected, counted,
 * logged with the sender's id and kept in a dead-letter table; it never crashes
 * the hub and never blocks the valid results around it.
 *
 * Results measured inside a maintenance window of their check are stored (nothing is
 * lost) and rolled up as maintenance, but the alert engine never sees them: during
 * maintenance a check counts neither as up nor as down.
 */
import { z } from 'zod'
import { checkResultSchema, type CheckResult } from '../../checks/result.ts'
import type { Topics } from '../../checks/topics.ts'
import { formatPath } from '../../checks/validate.ts'
import type { Logger } from '../../lib/logger.ts'
import type { ResultStore } from '../store/result-store.ts'
import type { DeadLetters } from './dead-letters.ts'

/** The envelope is checked first; results one by one so one bad result does not sink its batch. */
const envelopeSchema = z.object({
  batchId: z.string().min(1).max(64),
  probeId: z.string().min(1),
  region: z.string().min(1),
  sentAt: z.number(),
  results: z.array(z.unknown()).max(5_000),
})

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
  /** Tells the probe its batch is committed. */
  ack: (probeId: string, batchIds: string[]) => void
  logger: Logger
  now: () => number
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

  constructor(private readonly options: IngestOptions) {}

  /** Handles one message from a results topic. Never throws. */
  handle(topic: string, payload: Buffer): void {
    const sender = this.options.topics.probeIdOf(topic) ?? 'unknown'
    let json: unknown
    try {
      json = JSON.parse(payload.toString('utf8'))
    } catch (error) {
      return this.rejectMessage(topic, sender, payload, `not JSON: ${(error as Error).message}`)
    }
    const envelope = envelopeSchema.safeParse(json)
    if (!envelope.success) {
      const reason = envelope.error.issues
        .map((i) => `${formatPath(i.path)}: ${i.message}`)
        .join('; ')
      return this.rejectMessage(topic, sender, payload, `invalid batch: ${reason}`)
    }
    const batch = envelope.data
    if (batch.probeId !== sender) {
      return this.rejectMessage(
        topic,
        sender,
        payload,
        `batch claims probe "${batch.probeId}" on ${sender}'s topic`,
      )
    }

    const valid: CheckResult[] = []
    batch.results.forEach((raw, index) => {
      const parsed = checkResultSchema.safeParse(raw)
      if (!parsed.success) {
        const reason = parsed.error.issues.map(
          (i) => `${formatPath(['results', index, ...i.path])}: ${i.message}`,
        )
        return this.rejectResult(topic, sender, raw, reason.join('; '))
      }
      if (parsed.data.probeId !== sender) {
        return this.rejectResult(
          topic,
          sender,
          raw,
          `results[${index}].probeId: "${parsed.data.probeId}" is not the sender`,
        )
      }
      valid.push(parsed.data)
    })

    try {
      const maintained = new Set<CheckResult>()
      const stored = this.options.store.insert(valid, {
        inMaintenance: (result) => {
          const inside = this.inMaintenance(result)
          if (inside) maintained.add(result)
          return inside
        },
      })
      const judged = stored.filter((result) => !maintained.has(result))
      this.counters.batches += 1
      this.counters.results += stored.length
      this.counters.duplicates += valid.length - stored.length
      this.counters.inMaintenance += stored.length - judged.length
      if (judged.length > 0)
        this.options.onStored(judged.sort((a, b) => a.scheduledAt - b.scheduledAt))
    } catch (error) {
      // Not acking makes the probe resend the batch later: nothing is lost while storage is sick.
      this.options.logger.error(
        { err: error, sender, batchId: batch.batchId },
        'storing a result batch failed',
      )
      return
    }
    this.options.ack(sender, [batch.batchId])
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

  private rejectMessage(topic: string, sender: string, payload: Buffer, reason: string): void {
    this.counters.rejectedMessages += 1
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
