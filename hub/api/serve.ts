/**
 * Serves the hub's Hono app over HTTP, with MQTT over WebSocket at `/mqtt` on the same
 * port when the embedded broker runs, and closes both without waiting for idle browsers.
 */
import type { Server as HttpServer } from 'node:http'
import { serve, type ServerType } from '@hono/node-server'
import type { EmbeddedBroker } from '../broker/embedded-broker.ts'

export interface ServedHub {
  /** `http://host:port`, with `localhost` for a wildcard listen address. */
  url: string
  close(): Promise<void>
}

export async function serveHub(options: {
  fetch: (request: Request) => Response | Promise<Response>
  port: number
  host?: string
  broker?: EmbeddedBroker
}): Promise<ServedHub> {
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve(
      { fetch: options.fetch, port: options.port, hostname: options.host ?? '0.0.0.0' },
      () => resolve(started),
    )
    started.once('error', reject)
  })
  const webSocket = options.broker?.serveWebSocket(server as HttpServer)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host && options.host !== '0.0.0.0' ? options.host : 'localhost'
  return {
    url: `http://${host}:${port}`,
    async close() {
      // MQTT-over-WebSocket sockets left HTTP behind: server.close() would wait for every probe.
      webSocket?.close()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Browsers keep status-page connections alive; don't let them hold shutdown.
      if ('closeAllConnections' in server) server.closeAllConnections()
      await closed
    },
  }
}
