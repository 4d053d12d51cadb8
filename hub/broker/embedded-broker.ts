/**
 * The hub's embedded MQTT broker (aedes, MQTT 3.1.1) on a TCP port, or TLS when
 * given a certificate. Small installs need nothing else; larger ones point the hub
 * at Mosquitto or EMQX with `--broker` instead. Aedes keeps retained messages in
 * memory: the hub republishes the config on start and probes republish their
 * status on reconnect, so a hub restart loses nothing that matters.
 *
 * Every client is authenticated and held to the topic rules by AccessControl. The
 * hub's own client does not dial the port: it talks to aedes over an in-process
 * stream pair, so it works whatever the listener requires (client certificates,
 * an address only probes can reach) and its secret never crosses a socket.
 */
import { randomBytes } from 'node:crypto'
import type { EventEmitter } from 'node:events'
import type { IncomingMessage, Server as HttpServer } from 'node:http'
import { createServer, type Server, type Socket } from 'node:net'
import { duplexPair, type Duplex } from 'node:stream'
import { createServer as createTlsServer } from 'node:tls'
import { Aedes, type Client } from 'aedes'
import type { Logger } from '../../lib/logger.ts'
import { CredentialStore, HUB_USERNAME } from './credentials.ts'
import { AccessControl } from './access-control.ts'
import { TopicAcl } from './topic-acl.ts'
import { serveMqttOverWebSocket, type MqttWebSocket } from './websocket.ts'

export interface BrokerTls {
  cert: Buffer
  key: Buffer
  /** When set, clients must present a certificate signed by this CA. */
  ca?: Buffer
}

export interface EmbeddedBrokerOptions {
  port: number
  host?: string
  logger: Logger
  topicPrefix?: string
  /** The hub's `credentials.json`; a missing file means no probe has a token yet. */
  credentialsFile: string
  /** Accept clients without credentials (each is the probe its client id names). */
  insecureDemo?: boolean
  tls?: BrokerTls
}

export interface EmbeddedBroker {
  url: string
  port: number
  /** Clients connected now, the hub's own included. */
  clientCount(): number
  /** What the hub's own MqttConnection needs: its username, secret and in-process stream. */
  internalClient(): { username: string; password: string; streamBuilder: () => Duplex }
  /** Serves MQTT over WebSocket at /mqtt on the hub's HTTP server. */
  serveWebSocket(server: HttpServer): MqttWebSocket
  close(): Promise<void>
}

/** How often the credentials file is polled for revoked tokens. */
const CREDENTIALS_POLL_MS = 1_000

/** Starts aedes with access control on `options.port` (TLS when `options.tls` is set). */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { logger } = options
  const hubSecret = randomBytes(32).toString('base64url')
  const internalStreams = new WeakSet<object>()
  const byClientId = new Map<string, Client>()
  const credentials = new CredentialStore(options.credentialsFile, (error) =>
    logger.error(
      { err: error.message },
      'cannot read the credentials file; keeping the last good one',
    ),
  )
  const access = new AccessControl({
    acl: new TopicAcl(options.topicPrefix),
    credentials,
    insecureDemo: options.insecureDemo ?? false,
    hubSecret,
    isInternal: (client) => internalStreams.has(client.conn),
    connectedClient: (clientId) => byClientId.get(clientId),
    logger,
  })
  const broker = await Aedes.createBroker({
    // Give slow subscribers 5 s to drain before aedes drops them, so one stuck
    // client cannot hold the broker's memory hostage.
    drainTimeout: 5_000,
    preConnect: access.preConnect,
    authenticate: access.authenticate,
    authorizePublish: access.authorizePublish,
    authorizeSubscribe: access.authorizeSubscribe,
  })
  broker.on('clientError', (client, error) => {
    options.logger.debug({ clientId: client.id, err: error.message }, 'mqtt client error')
  })
  // Aedes reports failures of its own housekeeping here; without a listener they would crash the
  // hub. Its typings list only client events, hence the plain EventEmitter view.
  const emitter: EventEmitter = broker
  emitter.on('error', (error: Error) => logger.error({ err: error.message }, 'mqtt broker error'))

  const connected = new Set<Client>()
  broker.on('client', (client) => {
    connected.add(client)
    byClientId.set(client.id, client)
  })
  broker.on('clientDisconnect', (client) => {
    connected.delete(client)
    if (byClientId.get(client.id) === client) byClientId.delete(client.id)
  })
  credentials.watch(() => {
    for (const client of connected) {
      if (!access.isRevoked(client)) continue
      logger.warn({ clientId: client.id }, 'token revoked or replaced; disconnecting the probe')
      client.close()
    }
  }, CREDENTIALS_POLL_MS)

  // No Nagle: acks and results are small writes, and Nagle plus delayed ACKs adds ~40 ms to each.
  const accept = (socket: Socket) => {
    socket.setNoDelay(true)
    broker.handle(socket)
  }
  const server: Server = options.tls
    ? createTlsServer(
        {
          cert: options.tls.cert,
          key: options.tls.key,
          ca: options.tls.ca,
          requestCert: options.tls.ca !== undefined,
          rejectUnauthorized: options.tls.ca !== undefined,
        },
        accept,
      )
    : createServer(accept)
  server.on('tlsClientError', (error: Error) =>
    logger.warn({ err: error.message }, 'refused an MQTT TLS connection'),
  )
  const host = options.host ?? '0.0.0.0'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const scheme = options.tls ? 'mqtts' : 'mqtt'
  logger.info(
    { port, host, tls: !!options.tls, clientCertificates: !!options.tls?.ca },
    'embedded MQTT broker listening',
  )
  if (options.insecureDemo) {
    logger.warn('insecure demo mode: the broker accepts MQTT clients without credentials')
  }
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    internalClient: () => ({
      username: HUB_USERNAME,
      password: hubSecret,
      streamBuilder: () => {
        const [hubSide, brokerSide] = linkedPair()
        internalStreams.add(brokerSide)
        broker.handle(brokerSide)
        return hubSide
      },
    }),
    clientCount: () => connected.size,
    serveWebSocket: (http) =>
      serveMqttOverWebSocket(
        http,
        (stream: Duplex, request: IncomingMessage) => broker.handle(stream, request),
        logger,
      ),
    async close() {
      credentials.unwatch()
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A connected stream pair where destroying one side ends the other, as a socket would. */
function linkedPair(): [Duplex, Duplex] {
  const [a, b] = duplexPair()
  a.once('close', () => b.destroy())
  b.once('close', () => a.destroy())
  return [a, b]
}
