/**
 * What the probe does with each message the hub and its peers send (checks/wire.ts):
 * a config bundle goes to the updater, an ack to the publisher and the clock-offset
 * estimate, a command to the job rules, a peer's status to membership, and a new hub
 * status to the publisher, which replays what the hub may have missed. A message that
 * cannot be read is logged and ignored; it never stops the probe.
 */
import {
  ackSchema,
  decodeMessage,
  hubStatusSchema,
  probeCommandSchema,
  probeStatusSchema,
  type ProbeStatus,
  type Topics,
} from '../checks/wire.ts'
import type { ProbeCheck } from '../checks/bundle.ts'
import type { Logger } from '../lib/logger.ts'
import type { ClockOffset } from './clock-offset.ts'
import type { Trigger } from './jobs.ts'
import type { Membership } from './membership.ts'
import type { Publisher } from './publisher.ts'
import type { BundleUpdater } from './updater.ts'

export interface ProbeMessagesOptions {
  probeId: string
  topics: Topics
  updater: Pick<BundleUpdater, 'receive'>
  publisher: Pick<Publisher, 'acked'>
  clockOffset: Pick<ClockOffset, 'observe'>
  membership: Pick<Membership, 'update'>
  /** The checks scheduled here, to find the one a command names. */
  scheduled: () => ProbeCheck[]
  /** Runs a check now (the job rules decide whether this probe owns it). */
  runNow: (check: ProbeCheck, trigger: Trigger) => void
  /** Drains the probe (runs nothing, announces `draining`) or resumes it. */
  drain: (drain: boolean) => void
  /** True while drained: our own `draining` status coming back is no stale record. */
  draining: () => boolean
  /** Our own status topic said this (another process with our id shows up here). */
  ownStatus: (status: ProbeStatus) => void
  /** Publishes this probe's status again. */
  announce: () => void
  /** The hub came back (a new boot id or link) after this probe had seen it: replay now. */
  hubReturned: () => void
  /** True while this probe is connected and not stopping: a stale offline record gets corrected. */
  liveAndConnected: () => boolean
  now: () => number
  logger: Logger
}

export class ProbeMessages {
  /** The hub status last seen, `bootId@connectedAt`; undefined until the first. */
  #hubSession: string | undefined

  constructor(private readonly options: ProbeMessagesOptions) {}

  /** Handles one message. Never throws. */
  handle(topic: string, payload: Buffer): void {
    const { topics, probeId, logger } = this.options
    try {
      if (topic === topics.config) this.config(payload)
      else if (topic === topics.acks(probeId)) this.ack(payload)
      else if (topic === topics.commands(probeId)) this.command(payload)
      else if (topic === topics.hubStatus) this.hubStatus(payload)
      else if (topic.endsWith('/status')) this.peerStatus(topic, payload)
    } catch (error) {
      logger.warn({ topic, err: (error as Error).message }, 'ignoring a message that failed')
    }
  }

  private config(payload: Buffer): void {
    const outcome = this.options.updater.receive(payload)
    // Say at once which config runs (or that one was refused): deploys wait for this.
    if (outcome.applied || outcome.error) this.options.announce()
  }

  private ack(payload: Buffer): void {
    const ack = decodeMessage(ackSchema, payload)
    if (!ack.ok) return this.options.logger.warn({ reason: ack.reason }, 'ignoring a malformed ack')
    const sentAt = this.options.publisher.acked(ack.value.batchIds)
    if (sentAt !== undefined && ack.value.hubTime !== undefined) {
      this.options.clockOffset.observe(sentAt, this.options.now(), ack.value.hubTime)
    }
  }

  /**
   * Drains or resumes; runs a check now if it is ours (the hub asks every probe of a
   * region and lets them decide).
   */
  private command(payload: Buffer): void {
    const command = decodeMessage(probeCommandSchema, payload)
    if (!command.ok) {
      return this.options.logger.warn({ reason: command.reason }, 'ignoring a malformed command')
    }
    if (command.value.type === 'drain') return this.options.drain(command.value.drain)
    const { checkId, trigger } = command.value
    const check = this.options.scheduled().find((candidate) => candidate.id === checkId)
    if (!check) return
    this.options.logger.debug({ ...command.value }, 'running a check on request')
    this.options.runNow(check, trigger)
  }

  /**
   * The first status seen says nothing: the connect that brought it replayed the outbox
   * already. A later, different one means the hub subscribed again, and batches sent
   * before it did went nowhere.
   */
  private hubStatus(payload: Buffer): void {
    const status = decodeMessage(hubStatusSchema, payload)
    if (!status.ok) {
      return this.options.logger.warn({ reason: status.reason }, 'ignoring a malformed hub status')
    }
    const session = `${status.value.bootId}@${status.value.connectedAt}`
    const seen = this.#hubSession
    this.#hubSession = session
    if (seen !== undefined && seen !== session) this.options.hubReturned()
  }

  private peerStatus(topic: string, payload: Buffer): void {
    const { topics, probeId, membership, logger } = this.options
    const peerId = topics.probeIdOf(topic)
    if (!peerId) return
    if (payload.length === 0) return membership.update(peerId, null)
    const status = decodeMessage(probeStatusSchema, payload)
    if (!status.ok)
      return logger.warn({ topic, reason: status.reason }, 'ignoring a malformed probe status')
    membership.update(peerId, status.value)
    if (peerId === probeId) this.options.ownStatus(status.value)
    // A previous session's Last Will can land after we reconnected with the same id; correct the
    // record. Our own goodbye while stopping comes back here too, and must stay, as must our
    // own `draining`.
    const ours = status.value.reason === 'draining' && this.options.draining()
    if (
      peerId === probeId &&
      status.value.state === 'offline' &&
      !ours &&
      this.options.liveAndConnected()
    ) {
      this.options.announce()
    }
  }
}
