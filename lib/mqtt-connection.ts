/**
 * One MQTT client connection that stays up: mqtt.js's own reconnect runs on a
 * fixed period with no jitter, so it is switched off (`reconnectPeriod: 0`) and
 * this class reconnects on a jittered exponential backoff instead. Errors are
 * transient (network, broker restarting: back off and retry) or fatal (the broker
 * refused our credentials: stop with a clear message instead of hammering it).
 */
import type { Duplex } from 'node:stream'
import mqtt, { MqttClient, type IClientOptions } from 'mqtt'
import { Backoff } from './backoff.ts'
import type { Logger } from './logger.ts'

/** Node's codes for a server certificate that no trusted CA signed. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
])

/** CONNACK return codes (MQTT 3.1.1) and reason codes (MQTT 5) that retrying cannot fix. */
const FATAL_CONNACK_CODES = new Set([1, 2, 4, 5, 0x84, 0x85, 0x86, 0x87, 0x8c])

/**
 * mqtt.js does not set TCP_NODELAY. Results, acks and statuses are small writes, and
 * Nagle's algorithm meeting the peer's delayed ACK adds about 40 ms to each of them.
 */
export function disableNagle(client: MqttClient): void {
  const stream = client.stream as { setNoDelay?: (noDelay: boolean) => void } | undefined
  stream?.setNoDelay?.(true)
}

/**
 * Fails the QoS 1 publishes still waiting for a PUBACK when the connection drops.
 * With a clean session and `reconnectPeriod: 0`, mqtt.js does this itself only when
 * it closes the socket (keepalive timeout, `end(true)`); when the broker closes it or
 * dies, it keeps them waiting for a session that is never resumed. Their promises
 * never settle, which stalled the probe's publisher for good, and `end()` waits for
 * them, so a probe or hub never exited on SIGTERM after a broker outage. Nothing is
 * lost by failing them: the outbox replays unacked results, and status and config
 * are published again on every connect.
 */
function failUnacked(client: MqttClient): void {
  // `_flush` is what mqtt.js's own forced clean-up calls; mqtt-connection.test.ts
  // fails if an upgrade renames it.
  ;(client as unknown as { _flush?: () => void })._flush?.()
}

export class FatalConnectionError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message)
    this.name = 'FatalConnectionError'
  }
}

export interface MqttConnectionOptions {
  url: string
  clientId: string
  username?: string
  password?: string
  will?: { topic: string; payload: string; retain: boolean; qos: 0 | 1 }
  /** Seconds; the broker declares us dead (and fires the will) after 1.5x this. */
  keepaliveSec?: number
  logger: Logger
  /** Runs on every (re)connect, e.g. to subscribe and announce status. */
  onConnect: (connection: MqttConnection) => Promise<void> | void
  onMessage: (topic: string, payload: Buffer) => void
  onFatal: (error: FatalConnectionError) => void
  onDisconnect?: () => void
  backoff?: Backoff
  tls?: Pick<IClientOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized'>
  /** Added to the log line when the broker's certificate is not signed by a trusted CA, e.g. which flag gives one. */
  untrustedCertificateHint?: string
  /**
   * CONNACK codes that may clear up by themselves, retried for up to `forMs` from the
   * first such refusal before they are fatal: a probe refused because its id is
   * connected may be meeting its own old connection, which the broker drops once its
   * keepalive runs out.
   */
  retryRefusals?: { codes: readonly number[]; forMs: number }
  now?: () => number
  /** Talk MQTT over this stream instead of dialling `url` (the hub's in-process link to its embedded broker). */
  streamBuilder?: () => Duplex
}

export class MqttConnection {
  private client: MqttClient | undefined
  private readonly backoff: Backoff
  private retryTimer: NodeJS.Timeout | undefined
  private closing = false
  private isUp = false
  /** The error logged last since the last connect: mqtt.js reports one failure twice, and a retry repeats it. */
  private lastError: string | undefined
  /** When the broker first refused us with a code in `retryRefusals`, since the last connect. */
  private refusedSince: number | undefined

  constructor(private readonly options: MqttConnectionOptions) {
    this.backoff = options.backoff ?? new Backoff()
  }

  start(): void {
    const { url, clientId, username, password, will, keepaliveSec, logger } = this.options
    const clientOptions: IClientOptions = {
      clientId,
      username,
      password,
      will: will && { ...will, payload: Buffer.from(will.payload) },
      keepalive: keepaliveSec ?? 30,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      clean: true,
      protocolVersion: 4,
      // mqtt-packet otherwise builds 65,536 two-byte Buffers, one per packet id, on its
      // first write: 6.5 MiB of heap (a twelfth of an idle probe) to spare one tiny
      // allocation per packet. It is a switch of the whole module, the embedded broker
      // included, and no caller sends enough packets to miss it.
      writeCache: false,
      ...this.options.tls,
    }
    const { streamBuilder } = this.options
    const client = streamBuilder
      ? new MqttClient(() => streamBuilder(), clientOptions)
      : mqtt.connect(url, clientOptions)
    this.client = client
    client.on('connect', () => {
      disableNagle(client)
      this.isUp = true
      this.lastError = undefined
      this.refusedSince = undefined
      this.backoff.reset()
      logger.info({ url }, 'connected to broker')
      Promise.resolve(this.options.onConnect(this)).catch((error: unknown) => {
        logger.error({ err: error }, 'setting up the connection failed; reconnecting')
        client.end(true)
      })
    })
    client.on('message', (topic, payload) => this.options.onMessage(topic, payload))
    client.on('error', (error: Error & { code?: number | string }) => {
      if (typeof error.code === 'number' && FATAL_CONNACK_CODES.has(error.code)) {
        // The broker closes the socket after a refusal; 'close' schedules the retry.
        if (this.retriesRefusal(error.code)) {
          const repeated = error.message === this.lastError
          this.lastError = error.message
          logger[repeated ? 'debug' : 'warn'](
            { err: error.message, url, code: error.code },
            'the broker refused the connection; retrying for a while in case it clears',
          )
          return
        }
        const refusedFor =
          this.refusedSince === undefined
            ? ''
            : `, for ${Math.round((this.now() - this.refusedSince) / 1_000)} s`
        this.closing = true
        client.end(true)
        this.options.onFatal(
          new FatalConnectionError(
            `the broker at ${url} refused the connection (${error.message}${refusedFor}); check the probe id and credentials`,
            error.code,
          ),
        )
        return
      }
      const repeated = error.message === this.lastError
      this.lastError = error.message
      const { untrustedCertificateHint: hint } = this.options
      const untrusted =
        typeof error.code === 'string' && UNTRUSTED_CERTIFICATE_CODES.has(error.code)
      logger[repeated ? 'debug' : 'warn'](
        { err: error.message, url, ...(untrusted && hint ? { hint } : {}) },
        repeated ? 'broker connection error (again)' : 'broker connection error',
      )
    })
    client.on('close', () => {
      failUnacked(client)
      const wasUp = this.isUp
      this.isUp = false
      if (wasUp) {
        logger.warn({ url }, 'lost the broker connection')
        this.options.onDisconnect?.()
      }
      this.scheduleReconnect()
    })
  }

  connected(): boolean {
    return this.isUp && this.client?.connected === true
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    opts: { retain?: boolean; qos?: 0 | 1 } = {},
  ): Promise<void> {
    if (!this.client) throw new Error('not started')
    await this.client.publishAsync(topic, payload, {
      qos: opts.qos ?? 1,
      retain: opts.retain ?? false,
    })
  }

  async subscribe(topicsToSubscribe: string[]): Promise<void> {
    if (!this.client) throw new Error('not started')
    const grants = await this.client.subscribeAsync(topicsToSubscribe, { qos: 1 })
    const refused = grants.filter((grant) => grant.qos === 128).map((grant) => grant.topic)
    if (refused.length > 0)
      throw new Error(`the broker refused subscriptions to ${refused.join(', ')}`)
  }

  async unsubscribe(topicsToDrop: string[]): Promise<void> {
    if (!this.client) throw new Error('not started')
    await this.client.unsubscribeAsync(topicsToDrop)
  }

  /** Closes with a clean DISCONNECT, so the broker does not fire the will: publish your own goodbye first. */
  async close(): Promise<void> {
    this.closing = true
    clearTimeout(this.retryTimer)
    await this.client?.endAsync(false).catch(() => undefined)
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  /** True while a refusal with this code is still worth retrying. */
  private retriesRefusal(code: number): boolean {
    const retry = this.options.retryRefusals
    if (!retry?.codes.includes(code)) return false
    this.refusedSince ??= this.now()
    return this.now() - this.refusedSince < retry.forMs
  }

  private scheduleReconnect(): void {
    if (this.closing || this.retryTimer) return
    const delay = this.backoff.next()
    this.options.logger.info({ delayMs: delay }, 'reconnecting to broker')
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (!this.closing) this.client?.reconnect()
    }, delay)
  }
}
