/**
 * A probe id is held by one connection at a time on the embedded broker: a second
 * process with the id is refused (CONNACK 2) instead of taking the session over, while
 * the same process reconnecting, or a client whose old connection is just closing, is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../lib/logger.ts'
import { connectClient, refusalCode, type TestClient } from '../../test/fixtures/mqtt-clients.ts'
import { useTempDir } from '../../test/fixtures/temp-dir.ts'
import { credentialsPath } from './credentials.ts'
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts'

const CLIENT_ID = 'vantage-probe-demo-1'
const will = (instance: string) => ({
  topic: 'vantage/v1/probes/demo-1/status',
  payload: Buffer.from(
    JSON.stringify({ state: 'offline', probeId: 'demo-1', region: 'eu-west', instance }),
  ),
  qos: 1 as const,
  retain: true,
})

describe('a probe id on the embedded broker', () => {
  const dir = useTempDir('vantage-duplicate-')
  let broker: EmbeddedBroker
  const clients: TestClient[] = []

  beforeAll(async () => {
    broker = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger(),
      credentialsFile: credentialsPath(dir.path),
      insecureDemo: true,
    })
  })

  afterAll(async () => {
    for (const client of clients) await client.end()
    await broker?.close()
  })

  it('refuses a second process while the first is connected, and leaves the first alone', async () => {
    const first = await connectClient(broker.url, { clientId: CLIENT_ID, will: will('a') })
    clients.push(first)
    expect(await refusalCode(broker.url, { clientId: CLIENT_ID, will: will('b') })).toBe(2)
    expect(await refusalCode(broker.url, { clientId: CLIENT_ID })).toBe(2)
    expect(first.closed()).toBe(false)
  })

  it('lets the same process reconnect over its old connection', async () => {
    const old = clients[0]!
    const again = await connectClient(broker.url, { clientId: CLIENT_ID, will: will('a') })
    clients.push(again)
    // MQTT's takeover: the broker closes the old connection.
    await new Promise<void>((resolve) =>
      old.closed() ? resolve() : old.client.once('close', () => resolve()),
    )
    expect(again.closed()).toBe(false)
  })

  it('takes a new process once the old one has said goodbye', async () => {
    await clients.pop()!.end()
    expect(await refusalCode(broker.url, { clientId: CLIENT_ID, will: will('c') })).toBe(0)
  })
})
