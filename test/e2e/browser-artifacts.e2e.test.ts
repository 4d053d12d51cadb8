/**
 * A browser run's artifacts on their own path: a probe's spool sends them to a real
 * in-process hub in chunks over MQTT, the hub restarts in the middle of the trace, and
 * the transfer resumes where the hub had got to. The API then serves the PNG and the
 * trace zip, byte for byte, to callers with the API token only.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { topics as topicsFor } from '../../checks/wire.ts'
import { Backoff } from '../../lib/backoff.ts'
import { silentLogger } from '../../lib/logger.ts'
import { MqttConnection } from '../../lib/mqtt-connection.ts'
import { ulid } from '../../lib/ulid.ts'
import { ArtifactSender } from '../../probe/artifacts/sender.ts'
import { ArtifactSpool } from '../../probe/artifacts/spool.ts'
import { solidPng } from '../fixtures/browser-target.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { waitFor } from './processes.ts'

const TOKEN = 'artifact-test-token'
const monitors = {
  defaults: { regions: ['eu-west'] },
  checks: [
    {
      kind: 'browser',
      id: 'checkout',
      script: {
        file: 'checkout.ts',
        code: 'exports.default = async () => {}',
        sha256: 'a'.repeat(64),
      },
    },
  ],
}

describe('artifacts from a probe to the hub', () => {
  const dir = useTempDir('vantage-artifacts-e2e-')
  let hub: TestHub | undefined
  let connection: MqttConnection | undefined
  let sender: ArtifactSender | undefined

  afterAll(async () => {
    sender?.close()
    // A chunk the old broker took and never acked keeps mqtt.js's graceful end waiting
    // for its PUBACK; the test's client does not wait for it.
    await Promise.race([connection?.close(), new Promise((resolve) => setTimeout(resolve, 2_000))])
    await hub?.close()
  })

  it('arrive whole through a hub restart, and the API serves the PNG and the trace zip', async () => {
    const hubDir = join(dir.path, 'hub')
    hub = await startTestHub(monitors, { dataDir: hubDir, apiToken: TOKEN })
    const mqttPort = Number(new URL(hub.mqttUrl).port)
    const topics = topicsFor()

    // A kept run, as the browser pool leaves it: a screenshot and a 2 MiB trace (8 chunks).
    const png = solidPng(320, 200, [220, 38, 38])
    const trace = randomBytes(2 * 1024 * 1024)
    const resultId = ulid(Date.now())
    const staging = join(dir.path, 'staging', resultId)
    mkdirSync(staging, { recursive: true })
    writeFileSync(join(staging, 'final.png'), png)
    writeFileSync(join(staging, 'trace.zip'), trace)
    const spool = new ArtifactSpool({ dir: join(dir.path, 'spool'), logger: silentLogger() })

    const probeTopic = topics.artifactAcks('eu-1')
    connection = new MqttConnection({
      url: hub.mqttUrl,
      clientId: 'vantage-probe-eu-1',
      logger: silentLogger(),
      backoff: new Backoff({ initialMs: 200, maxMs: 500 }),
      onConnect: async (conn) => {
        await conn.subscribe([probeTopic])
        sender?.kick()
      },
      onMessage: (topic, payload) => {
        if (topic === probeTopic) sender?.handleAck(payload)
      },
      onFatal: () => undefined,
    })
    const link = connection
    sender = new ArtifactSender({
      spool,
      topic: topics.artifacts('eu-1'),
      connected: () => link.connected(),
      // A slow link, so that the hub can be stopped in the middle of the trace.
      publish: async (topic, payload) => {
        await new Promise((resolve) => setTimeout(resolve, 150))
        await link.publish(topic, payload)
      },
      logger: silentLogger(),
      ackTimeoutMs: 1_000,
      pollMs: 500,
    })
    connection.start()
    await waitFor('the probe to connect', () => link.connected())

    spool.keep({
      resultId,
      checkId: 'checkout',
      dir: staging,
      files: [
        { name: 'final.png', type: 'screenshot', bytes: png.length },
        { name: 'trace.zip', type: 'trace', bytes: trace.length },
      ],
      verdict: { keep: true, status: 'down', errorCode: 'ASSERTION_FAILED' },
    })
    sender.kick()

    // Stop the hub once part of the trace is there.
    const partial = join(hubDir, 'artifacts-partial', 'eu-1', resultId, 'trace.zip')
    await waitFor(
      'part of the trace to reach the hub',
      () => existsSync(partial) && statSync(partial).size >= 512 * 1024,
    )
    await hub.close()
    const heldAtStop = statSync(partial).size
    expect(heldAtStop).toBeLessThan(trace.length)

    hub = await startTestHub(monitors, { dataDir: hubDir, apiToken: TOKEN, mqttPort })
    await waitFor('the spool to empty', () => spool.pending().length === 0, 30_000)
    expect(sender.sent()).toBe(2)

    const get = (path: string, token?: string) =>
      fetch(`${hub!.httpUrl}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      })
    const shot = await get(`/api/v1/artifacts/${resultId}/final.png`, TOKEN)
    expect(shot.status).toBe(200)
    expect(shot.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await shot.arrayBuffer()).equals(png)).toBe(true)
    const zip = await get(`/api/v1/artifacts/${resultId}/trace.zip`, TOKEN)
    expect(zip.headers.get('content-type')).toBe('application/zip')
    expect(Buffer.from(await zip.arrayBuffer()).equals(trace)).toBe(true)

    const runs = (await (await get('/api/v1/checks/checkout/artifacts', TOKEN)).json()) as Array<{
      resultId: string
      status: string
      errorCode: string
      files: Array<{ name: string; url: string }>
    }>
    expect(runs).toEqual([
      expect.objectContaining({
        resultId,
        status: 'down',
        errorCode: 'ASSERTION_FAILED',
        files: [
          expect.objectContaining({
            name: 'final.png',
            url: `/api/v1/artifacts/${resultId}/final.png`,
          }),
          expect.objectContaining({ name: 'trace.zip' }),
        ],
      }),
    ])
    // Without the token, nothing: screenshots show what the site showed.
    expect((await get(`/api/v1/artifacts/${resultId}/final.png`)).status).toBe(401)
    expect((await get(`/api/v1/artifacts/${resultId}/final.png`, 'wrong')).status).toBe(401)
  })
})
