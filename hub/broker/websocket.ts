/**
 * MQTT over WebSocket at `/mqtt` on the hub's HTTP port, for probes
 * behind proxies or firewalls that pass only HTTP(S): `vantage probe --hub
 * ws://hub:8080/mqtt` (or `wss://` behind a TLS-terminating proxy). Each WebSocket
 * becomes a byte stream handed to the same aedes instance, so authentication and
 * topic rules are exactly those of the TCP listener.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, createWebSocketStream } from 'ws'
import type { Logger } from '../../lib/logger.ts'

export const MQTT_WEBSOCKET_PATH = '/mqtt'

/** Hard cap on one WebSocket frame; MQTT packets from probes are result batches of a few hundred KiB at most. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024

export interface MqttWebSocket {
  /** Drops every MQTT-over-WebSocket connection: upgraded sockets are not HTTP connections, so closing the server alone would wait for them. */
  close(): void
}

/** Hands WebSocket upgrades of `/mqtt` on `server` to `handle` as MQTT byte streams. */
export function serveMqttOverWebSocket(
  server: Server,
  handle: (stream: Duplex, request: IncomingMessage) => void,
  logger: Logger,
): MqttWebSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://hub').pathname
    if (path !== MQTT_WEBSOCKET_PATH) {
      // Leave other paths to other upgrade handlers; with none, refuse instead of hanging.
      if (server.listenerCount('upgrade') === 1) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      }
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const stream = createWebSocketStream(ws)
      // A client that vanishes mid-frame surfaces here; aedes sees the stream end.
      stream.on('error', (error) =>
        logger.debug({ err: error.message }, 'MQTT WebSocket stream error'),
      )
      handle(stream, request)
    })
  })
  return {
    close() {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
    },
  }
}
