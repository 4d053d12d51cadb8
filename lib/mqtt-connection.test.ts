/**
 * The connection against a real in-process aedes broker: it reconnects on its own
 * after the broker goes away and comes back, and stops for good (without retrying)
 * when the broker refuses its credentials.
 */
import { createServer, type Server } from 'node:net'
import { Aedes, type AedesOptions } from 'aedes'
import { writeToStream } from 'mqtt-packet'
import { afterEach, describe, expect, it } from 'vitest'
import { Backoff } from './backoff.ts'
import { silentLogger } from './logger.ts'
import { MqttConnection, type FatalConnectionError } from './mqtt-connection.ts'

interface RunningBroker {
  port: number
  broker: Aedes
  server: Server
  /** TCP connections accepted, successful or not. */
  attempts: number
}

async function startBroker(port = 0, options: AedesOptions = {}): Promise<RunningBroker> {
  const broker = await Aedes.createBroker({ drainTimeout: 1_000, ...options })
  const running: RunningBroker = { port, broker, server: createServer(broker.handle), attempts: 0 }
  running.server.on('connection', () => (running.attempts += 1))
  await new Promise<void>((resolve) => running.server.listen(port, '127.0.0.1', resolve))
  running.port = (running.server.address() as { port: number }).port
  return running
}

/** A broker that refuses every client with `returnCode` (4 bad credentials, 3 unavailable). */
function refusingBroker(returnCode: 3 | 4): Promise<RunningBroker> {
  return startBroker(0, {
    authenticate: (_client, _username, _password, done) => {
      const error = Object.assign(new Error(`refused with ${returnCode}`), { returnCode })
      done(error, false)
    },
  })
}

/** A connection that retries every 20-40 ms, and records fatal errors. */
function quickConnection(port: number, clientId: string, fatal: FatalConnectionError[] = []) {
  return new MqttConnection({
    url: `mqtt://127.0.0.1:${port}`,
    clientId,
    username: 'eu-west-1',
    password: 'wrong',
    logger: silentLogger(),
    backoff: new Backoff({ initialMs: 20, maxMs: 40 }),
    onConnect: () => undefined,
    onMessage: () => undefined,
    onFatal: (error) => fatal.push(error),
  })
}

async function stopBroker(running: RunningBroker): Promise<void> {
  await new Promise<void>((resolve) => running.broker.close(() => resolve()))
  await new Promise<void>((resolve) => running.server.close(() => resolve()))
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('MqttConnection', () => {
  it('reconnects by itself after the broker restarts, and runs onConnect again', async () => {
    let broker = await startBroker()
    const port = broker.port
    let onConnectCalls = 0
    const connection = new MqttConnection({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'reconnect-test',
      logger: silentLogger(),
      backoff: new Backoff({ initialMs: 50, maxMs: 200 }),
      onConnect: () => {
        onConnectCalls += 1
      },
      onMessage: () => undefined,
      onFatal: () => undefined,
    })
    cleanups.push(() => connection.close())
    connection.start()
    await until(() => connection.connected())
    await stopBroker(broker)
    await until(() => !connection.connected())
    broker = await startBroker(port)
    cleanups.push(() => stopBroker(broker))
    await until(() => connection.connected())
    expect(onConnectCalls).toBe(2)
  })

  it("turns off mqtt-packet's table of 65,536 prebuilt number buffers", async () => {
    const broker = await startBroker()
    cleanups.push(() => stopBroker(broker))
    const connection = quickConnection(broker.port, 'no-number-cache')
    cleanups.push(() => connection.close())
    connection.start()
    await until(() => connection.connected())
    await connection.publish('numbers/cached', 'x', { qos: 1 })
    expect(writeToStream.cacheNumbers).toBe(false)
  })

  it('fails a publish the broker never acked when the connection drops, and still closes', async () => {
    // The broker takes the message but never sends its PUBACK, then goes away.
    const broker = await startBroker(0, { authorizePublish: () => undefined })
    const connection = new MqttConnection({
      url: `mqtt://127.0.0.1:${broker.port}`,
      clientId: 'in-flight-test',
      logger: silentLogger(),
      backoff: new Backoff({ initialMs: 50, maxMs: 200 }),
      onConnect: () => undefined,
      onMessage: () => undefined,
      onFatal: () => undefined,
    })
    connection.start()
    await until(() => connection.connected())
    const published = connection.publish('in/flight', 'x').then(
      () => 'acked',
      (error: Error) => error.message,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    await stopBroker(broker)
    // Settled, not pending forever: the probe's publisher would wait on it for good, and
    // close() would wait for it before saying goodbye.
    const settled = (promise: Promise<string>) =>
      Promise.race([
        promise,
        new Promise<string>((resolve) => setTimeout(() => resolve('still pending'), 5_000)),
      ])
    expect(await settled(published)).toBe('Connection closed')
    expect(await settled(connection.close().then(() => 'closed'))).toBe('closed')
  })

  it('treats refused credentials as fatal and stops retrying', async () => {
    const broker = await refusingBroker(4)
    cleanups.push(() => stopBroker(broker))
    const fatal: FatalConnectionError[] = []
    const connection = quickConnection(broker.port, 'fatal-test', fatal)
    cleanups.push(() => connection.close())
    connection.start()
    await until(() => fatal.length > 0)
    expect(fatal[0]!.message).toMatch(/refused the connection.*credentials/)
    // The same 20-40 ms backoff against a broker that is only unavailable, started after
    // the fatal refusal: by its fifth attempt, a transient-error loop would have tried again.
    const unavailable = await refusingBroker(3)
    cleanups.push(() => stopBroker(unavailable))
    const retrying = quickConnection(unavailable.port, 'transient-test')
    cleanups.push(() => retrying.close())
    retrying.start()
    await until(() => unavailable.attempts >= 5)
    expect(broker.attempts).toBe(1)
    expect(fatal).toHaveLength(1)
  })
})
