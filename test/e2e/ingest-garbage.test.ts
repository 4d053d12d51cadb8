/**
 * Bad input on the results topic: garbage and schema-invalid batches are rejected
 * and counted, the hub stays up, and valid results sent after them are stored and acked.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeResult } from '../fixtures/results.ts'
import { startTestHub, type TestHub } from '../fixtures/test-hub.ts'
import { waitFor } from './processes.ts'

describe('hub ingest under bad input', () => {
  let hub: TestHub
  let client: MqttClient
  const acks: string[] = []

  beforeAll(async () => {
    hub = await startTestHub({
      defaults: { regions: ['eu-west'] },
      checks: [{ kind: 'http', id: 'api', url: 'http://127.0.0.1:9/' }],
    })
    client = await mqtt.connectAsync(hub.mqttUrl, { clientId: 'evil-probe' })
    await client.subscribeAsync('vantage/v1/probes/evil-probe/acks', { qos: 1 })
    client.on('message', (_topic, payload) => acks.push(...JSON.parse(payload.toString()).batchIds))
  })

  afterAll(async () => {
    await client?.endAsync()
    await hub?.close()
  })

  it('rejects garbage, keeps running, and stores valid results sent afterwards', async () => {
    const topic = 'vantage/v1/results/0/evil-probe'
    const valid = makeResult({ probeId: 'evil-probe', scheduledAt: Date.now() })
    const garbage = [
      'not json at all',
      '{"truncated": ',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({
        batchId: 'b1',
        probeId: 'someone-else',
        region: 'eu-west',
        sentAt: 1,
        results: [valid],
      }),
      JSON.stringify({
        batchId: 'b2',
        probeId: 'evil-probe',
        region: 'eu-west',
        sentAt: 1,
        results: [{ ...valid, id: 'nope', status: 'sideways' }],
      }),
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
    ]
    for (const payload of garbage) await client.publishAsync(topic, payload, { qos: 1 })
    await client.publishAsync(
      topic,
      JSON.stringify({
        batchId: 'good',
        probeId: 'evil-probe',
        region: 'eu-west',
        sentAt: Date.now(),
        results: [valid],
      }),
      { qos: 1 },
    )

    await waitFor('the valid batch to be acked', () => acks.includes('good'), 10_000)
    expect(hub.results.countRaw('api')).toBe(1)
    expect(hub.ingest.counters.rejectedMessages).toBe(5)
    expect(hub.ingest.counters.rejectedResults).toBe(1)
    const health = await fetch(`${hub.httpUrl}/healthz`)
    expect(health.status).toBe(200)
    // The schema-invalid result's batch was acked too: resending it could never succeed.
    expect(acks).toContain('b2')
  })

  it('stores a redelivered batch once', async () => {
    const topic = 'vantage/v1/results/0/evil-probe'
    const result = makeResult({ probeId: 'evil-probe', scheduledAt: Date.now() })
    const batch = JSON.stringify({
      batchId: 'dup',
      probeId: 'evil-probe',
      region: 'eu-west',
      sentAt: Date.now(),
      results: [result],
    })
    await client.publishAsync(topic, batch, { qos: 1 })
    await client.publishAsync(topic, batch, { qos: 1 })
    await waitFor(
      'both deliveries to be acked',
      () => acks.filter((id) => id === 'dup').length === 2,
      10_000,
    )
    expect(hub.results.countRaw('api')).toBe(2)
    // Rollups are folded from the journal a few seconds after the ack.
    await waitFor('the rollups to count them', () => hub.results.countRollup('api') >= 2, 15_000)
    expect(hub.results.countRollup('api')).toBe(2)
    expect(hub.ingest.counters.duplicates).toBe(1)
  })

  it('stores a result replayed inside a new batch once, next to the new results', async () => {
    // The probe's replay after an ack timeout: same results, a new batch id, more results behind.
    const topic = 'vantage/v1/results/0/evil-probe'
    const first = makeResult({ probeId: 'evil-probe', scheduledAt: Date.now() })
    const second = makeResult({ probeId: 'evil-probe', scheduledAt: Date.now() })
    const batch = (batchId: string, results: unknown[]) =>
      JSON.stringify({
        batchId,
        probeId: 'evil-probe',
        region: 'eu-west',
        sentAt: Date.now(),
        results,
      })
    await client.publishAsync(topic, batch('lost-ack', [first]), { qos: 1 })
    await client.publishAsync(topic, batch('replay', [first, second]), { qos: 1 })
    await waitFor(
      'both batches to be acked',
      () => acks.includes('lost-ack') && acks.includes('replay'),
      10_000,
    )
    expect(hub.results.countRaw('api')).toBe(4)
    // Rollups are folded from the journal a few seconds after the ack.
    await waitFor('the rollups to count them', () => hub.results.countRollup('api') >= 4, 15_000)
    expect(hub.results.countRollup('api')).toBe(4)
    expect(hub.ingest.counters.duplicates).toBe(2)
  })
})
