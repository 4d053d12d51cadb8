/**
 * CheckSpec: the validated, defaults-applied form of every check. It is what the
 * hub stores, what goes into the probe bundle and what runners receive.
 * A discriminated union on `kind`; each kind adds its own fields to the common ones.
 */
import { z } from 'zod'
import { isDuration } from './duration.ts'

/** Check ids become MQTT-safe keys, URL segments and SQLite keys. */
const CHECK_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/

export const durationSchema = z.string().refine(isDuration, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a duration (use e.g. 30s, 5m, 1h)`,
})

export const alertPolicySchema = z.strictObject({
  /** Regions that must be failing at once before the check is DOWN. Default: min(2, regions). */
  quorum: z.int().min(1).optional(),
  /** Consecutive down results that make one region failing. Default 2. */
  failAfter: z.int().min(1).default(2),
  /** Consecutive up results that make a failing region pass again. Default 2. */
  recoverAfter: z.int().min(1).default(2),
})
export type AlertPolicy = z.infer<typeof alertPolicySchema>

const NO_REGIONS = 'no regions given (set regions on the check or defaults.regions)'

const commonFields = {
  id: z.string().regex(CHECK_ID, {
    error: 'must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  name: z.string().min(1).optional(),
  every: durationSchema.default('1m'),
  timeout: durationSchema.default('10s'),
  regions: z
    .array(z.string().min(1), {
      // A missing list is the usual mistake; other wrong types keep zod's message.
      error: (issue) => (issue.input === undefined ? NO_REGIONS : undefined),
    })
    .min(1, { error: NO_REGIONS }),
  tags: z.array(z.string().min(1)).default([]),
  enabled: z.boolean().default(true),
  alert: alertPolicySchema.default({ failAfter: 2, recoverAfter: 2 }),
  /** Channel names to notify; all channels when omitted. Never sent to probes. */
  notify: z.array(z.string()).optional(),
}

/** A range of acceptable HTTP status codes, inclusive. */
const statusRangeSchema = z.strictObject({ min: z.int(), max: z.int() })
export const statusExpectationSchema = z.union([
  z.int().min(100).max(599),
  z.array(z.int().min(100).max(599)).min(1),
  statusRangeSchema,
])
export type StatusExpectation = z.infer<typeof statusExpectationSchema>

const latencyExpectationFields = {
  /** Above this the result is `degraded`. */
  degradedAbove: durationSchema.optional(),
  /** Above this the result is `down`. */
  failAbove: durationSchema.optional(),
}

export const httpSpecSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expect: z
    .strictObject({
      status: statusExpectationSchema.default({ min: 200, max: 399 }),
      ...latencyExpectationFields,
    })
    .default({ status: { min: 200, max: 399 } }),
})
export type HttpSpec = z.infer<typeof httpSpecSchema>

export const pingSpecSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('ping'),
  host: z.string().min(1),
  /** Echo requests per run. Default 3. */
  count: z.int().min(1).max(20).default(3),
  expect: z
    .strictObject({
      /** Packet loss above this percentage is `down`. Default 0 (any loss fails). */
      maxLossPercent: z.number().min(0).max(100).default(0),
      /** Average RTT thresholds. */
      ...latencyExpectationFields,
    })
    .default({ maxLossPercent: 0 }),
})
export type PingSpec = z.infer<typeof pingSpecSchema>

export const checkSpecSchema = z.discriminatedUnion('kind', [httpSpecSchema, pingSpecSchema])
export type CheckSpec = z.infer<typeof checkSpecSchema>
export type CheckKind = CheckSpec['kind']
export type SpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>

/** The quorum in force for a check: its own, or min(2, number of regions). */
export function effectiveQuorum(spec: Pick<CheckSpec, 'alert' | 'regions'>): number {
  const regions = spec.regions.length
  return Math.min(spec.alert.quorum ?? Math.min(2, regions), regions)
}
