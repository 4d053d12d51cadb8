/**
 * The probe benchmarks' stand-in for the hub: an MQTT client of a real broker that does
 * what a hub does for a probe and nothing more, so that the hub's own work never weighs
 * on the probe's figures. It publishes a signed config bundle (retained) and the hub
 * status, acks every result batch as the hub does after its commit, and can drain and
 * resume the probes. For each result it keeps how late the run started after its
 * scheduled second (`startedAt - scheduledAt`, both the probe's clock).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import { buildBundle, signBundle } from '../../checks/bundle.ts'
import type { CheckResult } from '../../checks/result.ts'
import { validateMonitoring } from '../../checks/validate.ts'
import { topics as topicsFor } from '../../checks/wire.ts'
import { disableNagle } from '../../lib/mqtt-connection.ts'

export interface BenchHub {
  /** Replaces the checks every probe runs (a new bundle, retained). */
  deploy(checks: unknown[], regions: string[]): Promise<void>
  /** `vantage probe drain` for one probe, or its undoing. */
  drain(probeId: string, drain: boolean): Promise<void>
  /** Results received so far whose scheduled second is in [from, to). */
  resultsBetween(from: number, to: number): Received[]
  /** Results received so far. */
  count(): number
  close(): Promise<void>
}

export interface Received {
  scheduledAt: number
  /** startedAt - scheduledAt, ms. */
  latenessMs: number
  up: boolean
  trigger: CheckResult['trigger']
}

export async function startBenchHub(brokerUrl: string): Promise<BenchHub> {
  const topics = topicsFor()
  const { privateKey } = generateKeyPairSync('ed25519')
  const client: MqttClient = await mqtt.connectAsync(brokerUrl, {
    clientId: `bench-hub-${randomUUID().slice(0, 8)}`,
    reconnectPeriod: 0,
  })
  disableNagle(client)
  const received: Received[] = []
  let seq = 0
  client.on('message', (topic, payload) => {
    const probeId = topics.probeIdOf(topic)
    if (!probeId || !topic.includes('/results/')) return
    const batch = JSON.parse(payload.toString()) as { batchId: string; results: CheckResult[] }
    for (const result of batch.results) {
      received.push({
        scheduledAt: result.scheduledAt,
        latenessMs: result.startedAt - result.scheduledAt,
        up: result.status === 'up',
        trigger: result.trigger,
      })
    }
    void client.publishAsync(
      topics.acks(probeId),
      JSON.stringify({ batchIds: [batch.batchId], hubTime: Date.now() }),
      { qos: 1 },
    )
  })
  await client.subscribeAsync(topics.allResults, { qos: 1 })
  await client.publishAsync(
    topics.hubStatus,
    JSON.stringify({ bootId: randomUUID(), connectedAt: Date.now() }),
    { qos: 1, retain: true },
  )

  return {
    async deploy(checks, regions) {
      const outcome = validateMonitoring({ defaults: { regions }, checks })
      if (!outcome.ok) throw new Error(outcome.errors.slice(0, 5).join('\n'))
      seq += 1
      const bundle = buildBundle(outcome.config.checks, seq, Date.now())
      await client.publishAsync(topics.config, JSON.stringify(signBundle(bundle, privateKey)), {
        qos: 1,
        retain: true,
      })
    },
    async drain(probeId, drain) {
      await client.publishAsync(
        topics.commands(probeId),
        JSON.stringify({ requestId: randomUUID(), type: 'drain', drain }),
        { qos: 1 },
      )
    },
    resultsBetween: (from, to) =>
      received.filter((result) => result.scheduledAt >= from && result.scheduledAt < to),
    count: () => received.length,
    async close() {
      // Retained messages would outlive the bench in a broker that is not thrown away.
      await client.publishAsync(topics.config, '', { qos: 1, retain: true })
      await client.publishAsync(topics.hubStatus, '', { qos: 1, retain: true })
      await client.endAsync()
    },
  }
}
