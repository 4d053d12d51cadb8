/**
 * The wire contract: every message that crosses MQTT between probes and the hub, with
 * its topic, its schema and, where a side builds or reads raw bytes, its encoder and
 * decoder. Probe and hub both import this file and neither imports the other, so a
 * message shape is declared once.
 *
 * | topic                       | direction     | retained | payload            |
 * |-----------------------------|---------------|----------|--------------------|
 * | config                      | hub → probes  | yes      | signed bundle      |
 * | probes/{id}/status          | probe → all   | yes      | ProbeStatus (LWT)  |
 * | results/{shard}/{id}        | probe → hub   | no       | ResultBatch        |
 * | probes/{id}/acks            | hub → probe   | no       | Ack                |
 * | probes/{id}/commands        | hub → probe   | no       | ProbeCommand       |
 * | hub/status                  | hub → probes  | yes      | HubStatus          |
 * | artifacts/{id}              | probe → hub   | no       | artifact chunk     |
 * | probes/{id}/artifact-acks   | hub → probe   | no       | ArtifactAck        |
 *
 * The signed config bundle has its own module (bundle.ts): signing and verifying it is
 * more than a shape.
 */
import { z } from 'zod'
import { describeIssues } from './issue-text.ts'

/** The prefix is configurable so that several Vantage networks can share one broker. */
export const DEFAULT_TOPIC_PREFIX = 'vantage/v1'

/** Number of result shards; 1 until several hubs split the checks. */
export const RESULT_SHARDS = 1

export function topics(prefix = DEFAULT_TOPIC_PREFIX) {
  return {
    config: `${prefix}/config`,
    probeStatus: (probeId: string) => `${prefix}/probes/${probeId}/status`,
    allProbeStatus: `${prefix}/probes/+/status`,
    results: (shard: number, probeId: string) => `${prefix}/results/${shard}/${probeId}`,
    allResults: `${prefix}/results/+/+`,
    acks: (probeId: string) => `${prefix}/probes/${probeId}/acks`,
    commands: (probeId: string) => `${prefix}/probes/${probeId}/commands`,
    hubStatus: `${prefix}/hub/status`,
    /** Browser runs' artifacts in chunks (artifact-wire.ts), and the hub's answers. */
    artifacts: (probeId: string) => `${prefix}/artifacts/${probeId}`,
    allArtifacts: `${prefix}/artifacts/+`,
    artifactAcks: (probeId: string) => `${prefix}/probes/${probeId}/artifact-acks`,
    /** Extracts the probe id from a `probes/{id}/...`, `results/{shard}/{id}` or `artifacts/{id}` topic. */
    probeIdOf(topic: string): string | undefined {
      const rest = topic.startsWith(`${prefix}/`) ? topic.slice(prefix.length + 1).split('/') : []
      if (rest[0] === 'probes' && rest.length === 3) return rest[1]
      if (rest[0] === 'results' && rest.length === 3) return rest[2]
      if (rest[0] === 'artifacts' && rest.length === 2) return rest[1]
      return undefined
    },
  }
}
export type Topics = ReturnType<typeof topics>

/** Probe ids appear in topics, so they must not contain MQTT wildcards or separators. */
export const PROBE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/**
 * Why a probe is offline when it says so itself: `stopped` (a clean shutdown) or
 * `draining` (it runs nothing, for maintenance, and its checks go to the region's other
 * probes). Neither pages. A Last Will has no reason: the probe died or lost its network.
 */
export const OFFLINE_REASONS = ['stopped', 'draining'] as const
export type OfflineReason = (typeof OFFLINE_REASONS)[number]

/** `probes/{id}/status`, retained; the probe's Last Will publishes it with state offline. */
export const probeStatusSchema = z.object({
  state: z.enum(['online', 'offline']),
  /** Only with state offline; absent in a Last Will. */
  reason: z.enum(OFFLINE_REASONS).optional(),
  probeId: z.string(),
  region: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  capabilities: z.array(z.string()).default([]),
  version: z.string().default('unknown'),
  /** Queue depth, dropped count, config version, clock offset (`clockOffsetMs`), run counts. */
  stats: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /** The probe's self-health: why its results are inconclusive, if they are. */
  health: z.object({ ok: z.boolean(), reasons: z.array(z.string()) }).optional(),
  /**
   * Random, new at every start of the probe process. The broker lets a connection take
   * over a live one with the same probe id only when it is the same instance reconnecting.
   */
  instance: z.string().optional(),
})
export type ProbeStatus = z.infer<typeof probeStatusSchema>

/**
 * `probes/{id}/commands`: run a check now, for a confirmation run or a run-now request.
 * The hub sends it to every live probe of a region and each decides whether it owns the check.
 */
export const runCommandSchema = z.object({
  requestId: z.string().min(1),
  type: z.literal('run'),
  checkId: z.string().min(1),
  trigger: z.enum(['confirm', 'manual']),
})
export type RunCommand = z.infer<typeof runCommandSchema>

/**
 * `probes/{id}/commands`: drain (run nothing and say `offline`, reason `draining`, so the
 * region's other probes take the checks over) or resume. The hub keeps which probes are
 * drained and sends this again whenever a probe's status disagrees, so a restarted
 * probe drains again.
 */
export const drainCommandSchema = z.object({
  requestId: z.string().min(1),
  type: z.literal('drain'),
  drain: z.boolean(),
})
export type DrainCommand = z.infer<typeof drainCommandSchema>

export const probeCommandSchema = z.discriminatedUnion('type', [
  runCommandSchema,
  drainCommandSchema,
])
export type ProbeCommand = z.infer<typeof probeCommandSchema>

/**
 * `probes/{id}/acks`: these batches are committed, so the probe may delete their results.
 * `hubTime` lets the probe estimate its clock offset from the round trip.
 */
export const ackSchema = z.object({ batchIds: z.array(z.string()), hubTime: z.number().optional() })
export type Ack = z.infer<typeof ackSchema>

/**
 * `hub/status`, retained: published each time the hub has (re)subscribed to results.
 * A broker that stays up while the hub restarts hands the hub nothing that was sent
 * in between, so a probe that sees a new `bootId` or `connectedAt` replays its unacked
 * batches at once instead of waiting for its ack timeout.
 */
export const hubStatusSchema = z.object({
  /** Random, new at every hub start. */
  bootId: z.string().min(1),
  /** When the hub's link to the broker came up (epoch ms, the hub's clock). */
  connectedAt: z.number(),
})
export type HubStatus = z.infer<typeof hubStatusSchema>

/** Most results one batch may carry; the probe sends 500, so this leaves room and bounds memory. */
export const MAX_BATCH_RESULTS = 5_000

/**
 * `results/{shard}/{id}`: a batch of results from one probe. The envelope is checked on
 * its own and each result later, one by one, so that one bad result does not sink its batch.
 */
export const resultBatchSchema = z.object({
  batchId: z.string().min(1).max(64),
  probeId: z.string().min(1),
  region: z.string().min(1),
  sentAt: z.number(),
  results: z.array(z.unknown()).max(MAX_BATCH_RESULTS),
})
export type ResultBatch = z.infer<typeof resultBatchSchema>

/**
 * Encodes a batch whose results are already JSON (the outbox stores them so): they are
 * spliced in rather than parsed and serialised again, which halves the probe's cost per result.
 */
export function encodeResultBatch(
  envelope: Omit<ResultBatch, 'results'>,
  resultsJson: readonly string[],
): string {
  const head = JSON.stringify(envelope)
  return `${head.slice(0, -1)},"results":[${resultsJson.join(',')}]}`
}

/** A decoded message, or why it could not be read: always one line, for logs and dead letters. */
export type Decoded<T> =
  { ok: true; value: T } | { ok: false; problem: 'not-json' | 'invalid'; reason: string }

/** Parses JSON and checks it against `schema`. Never throws. */
export function decodeMessage<S extends z.ZodType>(
  schema: S,
  payload: Buffer | string,
): Decoded<z.output<S>> {
  let json: unknown
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'))
  } catch (error) {
    return { ok: false, problem: 'not-json', reason: `not JSON: ${(error as Error).message}` }
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    return { ok: false, problem: 'invalid', reason: describeIssues(parsed.error.issues) }
  }
  return { ok: true, value: parsed.data }
}
