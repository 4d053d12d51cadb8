/**
 * The hub's embedded MQTT broker (aedes, MQTT 3.1.1) on a TCP port. Small
 * installs need nothing else; larger ones point the hub at Mosquitto or EMQX with
 * `--broker` instead. Aedes keeps retained messages in memory: the hub republishes
 * the config on start and probes republish their status on reconnect, so a hub
 * restart loses nothing that matters.
 */
import { createServer, type Server } from 'node:net'
import { Aedes } from 'aedes'
import type { Logger } from '../../lib/logger.ts'

export interface EmbeddedBroker {
  url: string
  port: number
  close(): Promise<void>
}

export async function startEmbeddedBroker(options: {
  port: number
  host?: string
  logger: Logger
}): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    // Give slow subscribers 5 s to drain before aedes drops them, so one stuck
    // client cannot hold the broker's memory hostage.
    drainTimeout: 5_000,
  })
  broker.on('clientError', (client, error) => {
    options.logger.debug({ clientId: client.id, err: error.message }, 'mqtt client error')
  })
  // No Nagle: acks and results are small writes, and Nagle plus delayed ACKs adds ~40 ms to each.
  const server: Server = createServer({ noDelay: true }, broker.handle)
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
  options.logger.info({ port, host }, 'embedded MQTT broker listening')
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
