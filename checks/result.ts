/**
 * CheckResult: the wire format that probes publish and the hub stores.
 * See DESIGN.md §6. Times are epoch milliseconds.
 */
import { z } from 'zod'

export const CHECK_STATUSES = ['up', 'degraded', 'down', 'inconclusive'] as const
export const checkStatusSchema = z.enum(CHECK_STATUSES)
export type CheckStatus = z.infer<typeof checkStatusSchema>

export const assertionResultSchema = z.strictObject({
  name: z.string(),
  ok: z.boolean(),
  expected: z.string(),
  actual: z.string(),
})
export type AssertionResult = z.infer<typeof assertionResultSchema>

const epochMs = z.number().int().nonnegative()
const nonNegativeMs = z.number().nonnegative()

export const checkResultSchema = z.strictObject({
  /** ULID, unique per run: the hub stores each id once. */
  id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { error: 'must be a ULID' }),
  checkId: z.string().min(1).max(100),
  kind: z.string().min(1),
  configVersion: z.string(),
  probeId: z.string().min(1),
  region: z.string().min(1),
  scheduledAt: epochMs,
  startedAt: epochMs,
  durationMs: nonNegativeMs,
  status: checkStatusSchema,
  error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
  phases: z
    .strictObject({
      dnsMs: nonNegativeMs.optional(),
      connectMs: nonNegativeMs.optional(),
      tlsMs: nonNegativeMs.optional(),
      ttfbMs: nonNegativeMs.optional(),
      transferMs: nonNegativeMs.optional(),
    })
    .optional(),
  assertions: z.array(assertionResultSchema),
  metrics: z.record(z.string(), z.number()).optional(),
  trigger: z.enum(['schedule', 'confirm', 'manual']),
})
export type CheckResult = z.infer<typeof checkResultSchema>

/** A batch of results as published on `results/{shard}/{probeId}`. */
export const resultBatchSchema = z.strictObject({
  batchId: z.string().min(1).max(64),
  probeId: z.string().min(1),
  region: z.string().min(1),
  sentAt: epochMs,
  results: z.array(checkResultSchema).min(1).max(5_000),
})
export type ResultBatch = z.infer<typeof resultBatchSchema>

/** Stable error codes that results carry in `error.code`. */
export const ERROR_CODES = {
  TIMEOUT: 'TIMEOUT',
  DNS_NXDOMAIN: 'DNS_NXDOMAIN',
  DNS_TIMEOUT: 'DNS_TIMEOUT',
  CONNECT_REFUSED: 'CONNECT_REFUSED',
  CONNECT_TIMEOUT: 'CONNECT_TIMEOUT',
  CONNECT_RESET: 'CONNECT_RESET',
  TLS_ERROR: 'TLS_ERROR',
  HTTP_STATUS: 'HTTP_STATUS',
  ASSERTION_FAILED: 'ASSERTION_FAILED',
  LATENCY: 'LATENCY',
  PACKET_LOSS: 'PACKET_LOSS',
  CAPABILITY_MISSING: 'CAPABILITY_MISSING',
  RUNNER_BUG: 'RUNNER_BUG',
  NETWORK: 'NETWORK',
} as const
