/**
 * Fields and schemas every check kind shares. Each kind's schema lives in its own
 * file beside this one and spreads `baseFields` (plus `regionFields` for checks
 * that run from regions).
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { isDuration } from '../duration.ts'
import { latencyWindowSchema } from './latency-window.ts'

/** Check ids become MQTT-safe keys, URL segments and SQLite keys. */
const CHECK_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/

export const durationSchema = z.string().refine(isDuration, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a duration (use e.g. 30s, 5m, 1h)`,
})

/** A quorum as a region count (`2`) or a share of the check's regions (`'60%'`). */
export const quorumSchema = z.union([
  z.int().min(1),
  z.string().regex(/^(100|[1-9]?[0-9])%$/, {
    error: 'must be a region count like 2 or a share like "60%"',
  }),
])
export type Quorum = z.infer<typeof quorumSchema>

/** Nagios-style flap thresholds: percent state change over the last 21 states. */
export const flappingSchema = z
  .strictObject({
    /** Below this a flapping series is stable again. Default 20. */
    low: z.number().min(0).max(100).default(20),
    /** Above this a series is flapping. Default 30. */
    high: z.number().min(0).max(100).default(30),
  })
  .refine((t) => t.low < t.high, { error: 'low must be below high' })
export type FlappingThresholds = z.infer<typeof flappingSchema>

export const alertPolicySchema = z.strictObject({
  /**
   * Regions that must be failing at once before the check is DOWN: a count or a
   * percentage. Default: a majority of the check's regions, at least 2 when it has 2 or more.
   */
  quorum: quorumSchema.optional(),
  /** Consecutive down results that make one region failing. Default 2. */
  failAfter: z.int().min(1).default(2),
  /** Consecutive up results that make a failing region pass again. Default 2. */
  recoverAfter: z.int().min(1).default(2),
  /** DEGRADED (a quorum of regions degraded) pages like DOWN. Default false: shown only. */
  pageOnDegraded: z.boolean().default(false),
  /** Flap thresholds for this check, or false to turn flap detection off. Default: the project's. */
  flapping: z.union([z.literal(false), flappingSchema]).optional(),
})
export type AlertPolicy = z.infer<typeof alertPolicySchema>

/**
 * A remediation command's name, in `remediate[].command` and in the hub's allow-list
 * (hub/remediation-commands.ts): one pattern, so every listed name can be referred to.
 */
export const COMMAND_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })

/**
 * An auto-remediation action: POST to a webhook, or run a command that the hub's own
 * config allow-lists by name (the deployed file only names it, so a deploy token can
 * never run an arbitrary command on the hub).
 */
export const remediationSchema = z
  .strictObject({
    webhook: httpUrl.optional(),
    /** Extra request headers for the webhook, e.g. an auth header. */
    headers: z.record(z.string(), z.string()).optional(),
    /** The name of a command in the hub's `--remediation` file. */
    command: z
      .string()
      .regex(COMMAND_NAME, { error: 'must be a command name like "restart-api"' })
      .optional(),
    /** Least time between two runs of this action for the same check. Default `10m`. */
    cooldown: durationSchema.default('10m'),
    /** Runs of this action per incident at most. Default 3. */
    maxAttempts: z.int().min(1).max(20).default(3),
  })
  .refine((a) => (a.webhook === undefined) !== (a.command === undefined), {
    error: 'give exactly one of webhook or command',
  })
export type RemediationAction = z.infer<typeof remediationSchema>

/** What a check adds to its default Prometheus series (hub/metrics/check-metrics.ts). */
export const metricsOptInSchema = z.strictObject({
  /** `vantage_check_duration_seconds`, a histogram: 14 more series per region. */
  latency: z.boolean().optional(),
  /** `vantage_check_phase_duration_seconds{phase}`: 14 more per phase and region. */
  phases: z.boolean().optional(),
})
export type MetricsOptIn = z.infer<typeof metricsOptInSchema>

export const NO_REGIONS = 'no regions given (set regions on the check or defaults.regions)'

export const baseFields = {
  id: z.string().regex(CHECK_ID, {
    error: 'must be lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  }),
  name: z.string().min(1).optional(),
  every: durationSchema.default('1m'),
  timeout: durationSchema.default('10s'),
  tags: z.array(z.string().min(1)).default([]),
  enabled: z.boolean().default(true),
  alert: alertPolicySchema.default({ failAfter: 2, recoverAfter: 2, pageOnDegraded: false }),
  /** Channel names to notify; all channels when omitted. Never sent to probes. */
  notify: z.array(z.string()).optional(),
  /** Checks this one depends on: while one of them is DOWN, this check does not page. Hub only. */
  dependsOn: z.array(z.string().min(1)).optional(),
  /**
   * More Prometheus series for this check than its default 5 per region: the duration
   * histogram (`latency`) and the per-phase one (`phases`). Hub only.
   */
  metrics: metricsOptInSchema.optional(),
  /** Actions the hub runs once the check is confirmed DOWN. Hub only, never sent to probes. */
  remediate: z.array(remediationSchema).optional(),
  /**
   * The check's own SLO (a target, or slo() options). validate-slos.ts checks it and
   * takes it off the check before this schema sees it: a spec never carries it.
   */
  slo: z.unknown().optional(),
}

export const latencyExpectationFields = {
  /** Above this the result is `degraded`. */
  degradedAbove: durationSchema.optional(),
  /** Above this the result is `down`. */
  failAbove: durationSchema.optional(),
  /** p50 / p95 limits over the last runs, judged by the hub per region (latency-window.ts). */
  latency: latencyWindowSchema.optional(),
}

/** Why `source` does not compile as a JavaScript regular expression; undefined when it does. */
function regexProblem(source: string): string | undefined {
  try {
    new RegExp(source)
    return undefined
  } catch (error) {
    // V8 repeats the pattern: "Invalid regular expression: /(/: Unterminated group".
    return (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')
  }
}

/** A regular expression as a string (JavaScript syntax, no flags), checked to compile. */
export const regexSchema = z.string().refine((source) => regexProblem(source) === undefined, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a valid regular expression (${regexProblem(String(issue.input))})`,
})

/** The IP version a check connects over: 4, 6, or `auto` (both, as the resolver orders them). */
export const ipFamilySchema = z
  .literal([4, 6, 'auto'], { error: 'must be 4, 6 or "auto"' })
  .default('auto')
export type IpFamily = z.infer<typeof ipFamilySchema>

/**
 * Why an IP-literal host cannot be reached over `family`, e.g. `::1` with 4; undefined
 * when it can, or when the host is a name (the resolver is asked for that family then).
 */
export function ipFamilyConflict(host: string, family: IpFamily): string | undefined {
  const literal = isIP(host.replace(/^\[(.*)\]$/, '$1'))
  if (family === 'auto' || literal === 0 || literal === family) return undefined
  return `${host} is an IPv${literal} address, so it cannot be reached over IPv${family}`
}

/** For checks that run from regions (http, ping, tcp, dns, browser). */
export const regionFields = {
  regions: z
    .array(z.string().min(1), {
      // A missing list is the usual mistake; other wrong types keep zod's message.
      error: (issue) => (issue.input === undefined ? NO_REGIONS : undefined),
    })
    .min(1, { error: NO_REGIONS }),
  /** False: the hub does not watch the latency for anomalies (hub/anomaly/). Hub only. */
  anomaly: z.boolean().optional(),
}
