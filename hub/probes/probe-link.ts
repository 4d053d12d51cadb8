/**
 * The hub's side of the MQTT link to its probes (checks/wire.ts): it subscribes to
 * results and probe statuses and hands each message to ingest or the registry, and it
 * publishes the signed config (retained, again on every reconnect so the newest deploy
 * always wins), its own status (retained, so probes replay what the hub may have
 * missed), acks once a batch is committed, and run commands.
 */
import { randomUUID } from 'node:crypto'
import type { ArtifactAck } from '../../checks/artifact-wire.ts'
import type { Ack, HubStatus, ProbeCommand, Topics } from '../../checks/wire.ts'
import type { Clock } from '../../lib/clock.ts'
import type { Logger } from '../../lib/logger.ts'
import { MqttConnection, type MqttConnectionOptions } from '../../lib/mqtt-connection.ts'

export interface ProbeLinkOptions {
  url: string
  /** Credentials, or the embedded broker's in-process stream. */
  connect: Pick<MqttConnectionOptions, 'username' | 'password' | 'streamBuilder'>
  topics: Topics
  /** The running bundle's envelope and version, read at each publish. */
  config: () => { envelope: unknown; version: string }
  onResults: (topic: string, payload: Buffer) => void
  onProbeStatus: (probeId: string, payload: Buffer) => void
  /** A chunk of a browser run's artifacts, from `artifacts/{probeId}`. */
  onArtifact?: (probeId: string, payload: Buffer) => void
  clock: Clock
  logger: Logger
}

export class ProbeLink {
  readonly #connection: MqttConnection
  readonly #bootId = randomUUID()

  constructor(private readonly options: ProbeLinkOptions) {
    const { topics, logger } = options
    this.#connection = new MqttConnection({
      url: options.url,
      clientId: `vantage-hub-${process.pid}`,
      ...options.connect,
      logger,
      onConnect: async () => {
        await this.#connection.subscribe([
          topics.allResults,
          topics.allProbeStatus,
          ...(options.onArtifact ? [topics.allArtifacts] : []),
        ])
        await this.publishConfig()
        // After subscribing: a batch a probe sends once it has seen this reaches the hub.
        const status: HubStatus = { bootId: this.#bootId, connectedAt: options.clock.now() }
        await this.#connection.publish(topics.hubStatus, JSON.stringify(status), { retain: true })
      },
      onMessage: (topic, payload) => {
        if (options.onArtifact && topic.startsWith(topics.allArtifacts.slice(0, -1))) {
          const probeId = topics.probeIdOf(topic)
          if (probeId) options.onArtifact(probeId, payload)
        } else if (topic.endsWith('/status')) {
          const probeId = topics.probeIdOf(topic)
          if (probeId) options.onProbeStatus(probeId, payload)
        } else {
          options.onResults(topic, payload)
        }
      },
      onFatal: (error) => logger.fatal({ err: error.message }, 'the broker refused the hub'),
    })
  }

  start(): void {
    this.#connection.start()
  }

  connected(): boolean {
    return this.#connection.connected()
  }

  /** Publishes the running bundle, retained; read at the call, so the newest deploy wins. */
  async publishConfig(): Promise<void> {
    const { envelope, version } = this.options.config()
    await this.#connection.publish(this.options.topics.config, JSON.stringify(envelope), {
      retain: true,
    })
    this.options.logger.info({ version }, 'published config bundle')
  }

  /** After a deploy; without the broker the deploy still stands, as every connect publishes it. */
  republishConfig(): void {
    if (!this.connected()) return
    this.publishConfig().catch((error: unknown) => {
      this.options.logger.warn(
        { err: (error as Error).message },
        'publishing the deployed bundle failed',
      )
    })
  }

  /** Tells a probe its batches are committed. */
  ack(probeId: string, batchIds: string[]): void {
    const ack: Ack = { batchIds, hubTime: this.options.clock.now() }
    this.#connection
      .publish(this.options.topics.acks(probeId), JSON.stringify(ack))
      .catch((error: unknown) => {
        // The probe resends after its ack timeout; the store dedupes the replay.
        this.options.logger.warn(
          { err: (error as Error).message, probeId },
          'sending an ack failed',
        )
      })
  }

  /** Answers an artifact chunk; a lost answer makes the probe send the chunk again. */
  artifactAck(probeId: string, ack: ArtifactAck): void {
    if (!this.connected()) return
    this.#connection
      .publish(this.options.topics.artifactAcks(probeId), JSON.stringify(ack))
      .catch(() => undefined)
  }

  /**
   * A lost run command costs nothing but speed: the check's own schedules still judge
   * it. A lost drain command is sent again at the probe's next status (probe-admin.ts).
   */
  sendCommand(probeId: string, command: ProbeCommand): void {
    if (!this.connected()) return
    this.#connection
      .publish(this.options.topics.commands(probeId), JSON.stringify(command))
      .catch(() => undefined)
  }

  /**
   * Clears a retired probe's retained status on the broker, so that neither a restarted
   * hub nor the probe's peers see it again.
   */
  clearStatus(probeId: string): void {
    if (!this.connected()) return
    this.#connection
      .publish(this.options.topics.probeStatus(probeId), '', { retain: true })
      .catch((error: unknown) => {
        this.options.logger.warn(
          { err: (error as Error).message, probeId },
          "clearing a retired probe's status failed",
        )
      })
  }

  /**
   * Takes no more result batches: what the broker delivers before the unsubscribe lands
   * is still committed and acked; anything later waits in its probe's outbox.
   */
  async stopAccepting(): Promise<void> {
    if (!this.connected()) return
    await this.#connection
      .unsubscribe([this.options.topics.allResults])
      .catch((error: unknown) =>
        this.options.logger.warn(
          { err: (error as Error).message },
          'unsubscribing from results failed',
        ),
      )
  }

  close(): Promise<void> {
    return this.#connection.close()
  }
}
