/**
 * Fields and schemas every check kind shares. Each kind's schema lives in its own
 * file beside this one and spreads `baseFields` (plus `regionFields` for checks
 * that run from regions).
 */
import { isIP } from 'node:net'
import { z } from 'zod'
import { isDuration } from '../duration.ts'

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
  alert: alertPolicySchema.default({ failAfter: 2, recoverAfter: 2 }),
  /** Channel names to notify; all channels when omitted. Never sent to probes. */
  notify: z.array(z.string()).optional(),
}

export const latencyExpectationFields = {
  /** Above this the result is `degraded`. */
  degradedAbove: durationSchema.optional(),
  /** Above this the result is `down`. */
  failAbove: durationSchema.optional(),
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
}
