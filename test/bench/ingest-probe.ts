/**
 * bench:ingest's simulated probes. `rawProbe` sends ready-made batches as fast as a
 * window of unacked batches allows; `publishingProbe` is the steady case: results go
 * into a real outbox as they are measured and the real probe publisher (its linger, its
 * batches, its window, delete on ack) sends them.
 */
import { join } from 'node:path'
import type * as hdr from 'hdr-histogram-js'
import mqtt from 'mqtt'
import { monotonicFactory } from 'ulid'
import { disableNagle } from '../../lib/mqtt-connection.ts'
import { silentLogger } from '../../lib/logger.ts'
import { Outbox } from '../../probe/outbox.ts'
import { Publisher } from '../../probe/publisher.ts'

export interface Latencies {
  /** Per result: measured (scheduledAt) → committed (ack received). */
  measuredToCommit: hdr.Histogram
  /** Per batch: published → committed. */
  publishToCommit: hdr.Histogram
  batches: number
  acked: number
}

const nextId = monotonicFactory()

/**
 * The JSON of one HTTP check's result, written out by hand: the bench's own CPU is
 * the hub's competition on a small machine, and this costs a third of JSON.stringify.
 */
export function resultJson(
  probeId: string,
  checkId: string,
  scheduledAt: number,
  i: number,
): string {
  const status = i % 97 === 0 ? 'down' : 'up'
  return (
    `{"id":"${nextId(scheduledAt)}","checkId":"${checkId}","kind":"http","configVersion":"bench",` +
    `"probeId":"${probeId}","region":"bench","scheduledAt":${scheduledAt},"startedAt":${scheduledAt + 1},` +
    `"durationMs":${20 + (i % 50) + (i % 7) / 8},"status":"${status}",` +
    `"phases":{"dnsMs":1,"connectMs":2.25,"ttfbMs":15.5,"transferMs":1},` +
    `"assertions":[{"name":"status","ok":${status === 'up'},"expected":"200..399","actual":"${status === 'up' ? 200 : 503}"}],` +
    `"trigger":"schedule"}`
  )
}

async function connect(mqttUrl: string, probeId: string): Promise<mqtt.MqttClient> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: probeId, reconnectPeriod: 0 })
  // Like the real probe's connection (lib/mqtt-connection.ts).
  disableNagle(client)
  await client.subscribeAsync(`vantage/v1/probes/${probeId}/acks`, { qos: 1 })
  return client
}

/**
 * Sends `total` results in batches of `batchSize` as fast as `window` unacked batches
 * allow, all measured just before they are sent; stops at `deadline`. Returns how many it sent.
 */
export async function rawProbe(options: {
  mqttUrl: string
  probeId: string
  checks: string[]
  total: number
  batchSize: number
  window: number
  deadline: number
  latencies: Latencies
}): Promise<number> {
  const { probeId, checks, latencies } = options
  const client = await connect(options.mqttUrl, probeId)
  const pending = new Map<
    string,
    { sentAt: number; at: number; count: number; resolve: () => void }
  >()
  client.on('message', (_topic, payload) => {
    const ackedAt = Date.now()
    for (const batchId of JSON.parse(payload.toString()).batchIds as string[]) {
      const entry = pending.get(batchId)
      if (!entry) continue
      pending.delete(batchId)
      latencies.publishToCommit.recordValue(Math.max(1, ackedAt - entry.sentAt))
      latencies.measuredToCommit.recordValueWithCount(Math.max(1, ackedAt - entry.at), entry.count)
      latencies.batches += 1
      latencies.acked += entry.count
      entry.resolve()
    }
  })
  let sent = 0
  const inflight = new Set<Promise<void>>()
  while (sent < options.total && Date.now() < options.deadline) {
    const count = Math.min(options.batchSize, options.total - sent)
    const at = Date.now()
    const results: string[] = new Array(count)
    for (let i = 0; i < count; i++) {
      results[i] = resultJson(probeId, checks[(sent + i) % checks.length]!, at, sent + i)
    }
    const batchId = nextId(at)
    const payload = `{"batchId":"${batchId}","probeId":"${probeId}","region":"bench","sentAt":${at},"results":[${results.join(',')}]}`
    const acked = new Promise<void>((resolve) =>
      pending.set(batchId, { sentAt: Date.now(), at, count, resolve }),
    )
    inflight.add(acked)
    void acked.then(() => inflight.delete(acked))
    await client.publishAsync(`vantage/v1/results/0/${probeId}`, payload, { qos: 1 })
    sent += count
    if (inflight.size >= options.window) await Promise.race(inflight)
  }
  await Promise.race([Promise.all(inflight), new Promise((resolve) => setTimeout(resolve, 30_000))])
  await client.endAsync()
  return sent
}

/**
 * Measures `perSecond` results a second, round-robin over `checks`, for `durationMs`:
 * each goes into an outbox the moment it is measured, and the probe's publisher sends
 * it. Latencies are recorded from `recordFrom` on. Resolves once everything is acked.
 */
export async function publishingProbe(options: {
  mqttUrl: string
  probeId: string
  dir: string
  checks: string[]
  perSecond: number
  durationMs: number
  recordFrom: number
  latencies: Latencies
}): Promise<number> {
  const { probeId, checks, latencies } = options
  const client = await connect(options.mqttUrl, probeId)
  const outbox = new Outbox(join(options.dir, `${probeId}.db`))
  /** Batches the publisher sent: when, and when their results were measured. */
  const sent = new Map<string, { sentAt: number; ats: number[] }>()
  const publisher = new Publisher({
    outbox,
    transport: {
      connected: () => client.connected,
      publish: async (topic, payload) => {
        const batch = JSON.parse(payload) as { batchId: string; results: { scheduledAt: number }[] }
        sent.set(batch.batchId, {
          sentAt: Date.now(),
          ats: batch.results.map((r) => r.scheduledAt),
        })
        await client.publishAsync(topic, payload, { qos: 1 })
      },
    },
    topic: `vantage/v1/results/0/${probeId}`,
    probeId,
    region: 'bench',
    logger: silentLogger(),
  })
  client.on('message', (_topic, payload) => {
    const ackedAt = Date.now()
    const batchIds = JSON.parse(payload.toString()).batchIds as string[]
    for (const batchId of batchIds) {
      const batch = sent.get(batchId)
      if (!batch) continue
      sent.delete(batchId)
      if (batch.sentAt < options.recordFrom) continue
      latencies.publishToCommit.recordValue(Math.max(1, ackedAt - batch.sentAt))
      for (const at of batch.ats) latencies.measuredToCommit.recordValue(Math.max(1, ackedAt - at))
      latencies.batches += 1
      latencies.acked += batch.ats.length
    }
    publisher.acked(batchIds)
  })
  const started = Date.now()
  let measured = 0
  // A scheduler's tick every 10 ms, catching up on whatever is due.
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = Date.now()
      const due = Math.min(
        Math.floor(((now - started) * options.perSecond) / 1000),
        Math.floor((options.durationMs * options.perSecond) / 1000),
      )
      const results = []
      for (; measured < due; measured++) {
        results.push(
          JSON.parse(resultJson(probeId, checks[measured % checks.length]!, now, measured)),
        )
      }
      if (results.length > 0) {
        outbox.add(results)
        for (let i = 0; i < results.length; i++) publisher.kick()
      }
      if (now - started >= options.durationMs) {
        clearInterval(timer)
        resolve()
      }
    }, 10)
  })
  const drained = await publisher.drain(30_000)
  if (!drained) console.warn(`  ${probeId}: ${outbox.depth()} results left unacked`)
  publisher.close()
  outbox.close()
  await client.endAsync()
  return measured
}
