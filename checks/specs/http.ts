/** The http check kind: request, redirects, TLS, expectations. */
import { z } from 'zod'
import { parseJsonPath } from '../json-path.ts'
import {
  baseFields,
  ipFamilyConflict,
  ipFamilySchema,
  latencyExpectationFields,
  regexSchema,
  regionFields,
} from './common.ts'

/** Enough for the usual http -> https -> canonical host -> login chains. */
export const DEFAULT_FOLLOW_REDIRECTS = 5
/** Browsers give up at about 20; a longer chain is a misconfiguration, not a site. */
const MAX_FOLLOW_REDIRECTS = 20
/** A PEM bundle of a few CAs is a few KiB; this only stops a file pasted by mistake. */
const MAX_CA_LENGTH = 64 * 1024
/** JSON expectations per check: each one costs a line on the status page. */
const MAX_JSON_EXPECTATIONS = 50
/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A range of acceptable HTTP status codes, inclusive. */
const statusRangeSchema = z.strictObject({ min: z.int(), max: z.int() })
export const statusExpectationSchema = z.union([
  z.int().min(100).max(599),
  z.array(z.int().min(100).max(599)).min(1),
  statusRangeSchema,
])
export type StatusExpectation = z.infer<typeof statusExpectationSchema>

const headerNameSchema = z.string().regex(HEADER_NAME)
/** A record keyed by header names; zod alone would say "Invalid key in record". */
function byHeaderName<T extends z.ZodType>(value: T) {
  return z.record(headerNameSchema, value, {
    error: (issue) => (issue.code === 'invalid_key' ? 'is not a valid header name' : undefined),
  })
}

const queryValueSchema = z.union([z.string(), z.number(), z.boolean()])

const authSchema = z.union(
  [
    z.strictObject({
      // RFC 7617: the user-id of basic auth cannot contain a colon.
      username: z.string().regex(/^[^:]*$/, { error: 'must not contain ":"' }),
      password: z.string(),
    }),
    z.strictObject({ bearer: z.string().min(1) }),
  ],
  { error: 'must be { username, password } or { bearer }' },
)

const pemSchema = z
  .string()
  .max(MAX_CA_LENGTH)
  .refine((pem) => pem.includes('-----BEGIN CERTIFICATE-----'), {
    error: 'must be PEM text with -----BEGIN CERTIFICATE----- (the file content, not its path)',
  })

const headerExpectationSchema = z.union([
  z.string(),
  z
    .strictObject({ equals: z.string().optional(), matches: regexSchema.optional() })
    .refine((header) => (header.equals === undefined) !== (header.matches === undefined), {
      error: 'give either equals or matches',
    }),
])

const bodyExpectationSchema = z
  .strictObject({ contains: z.string().min(1).optional(), matches: regexSchema.optional() })
  .refine((body) => body.contains !== undefined || body.matches !== undefined, {
    error: 'give contains, matches or both',
  })

const jsonPathSchema = z.string().check((ctx) => {
  const parsed = parseJsonPath(ctx.value)
  if (!parsed.ok) ctx.issues.push({ code: 'custom', message: parsed.error, input: ctx.value })
})

const jsonExpectationSchema = z
  .strictObject({
    path: jsonPathSchema,
    equals: z.json().optional(),
    exists: z.boolean().optional(),
    lessThan: z.number().optional(),
    greaterThan: z.number().optional(),
  })
  .refine(
    (json) =>
      [json.equals, json.exists, json.lessThan, json.greaterThan].some((v) => v !== undefined),
    { error: 'give equals, exists, lessThan or greaterThan' },
  )

const DEFAULT_STATUS = { min: 200, max: 399 }

export const httpSpecSchema = z
  .strictObject({
    ...baseFields,
    ...regionFields,
    kind: z.literal('http'),
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    headers: byHeaderName(z.string()).default({}),
    query: z
      .record(z.string().min(1), z.union([queryValueSchema, z.array(queryValueSchema)]))
      .optional(),
    body: z.string().optional(),
    json: z.json().optional(),
    auth: authSchema.optional(),
    followRedirects: z.int().min(0).max(MAX_FOLLOW_REDIRECTS).default(DEFAULT_FOLLOW_REDIRECTS),
    ipFamily: ipFamilySchema,
    insecure: z.boolean().default(false),
    tls: z.strictObject({ ca: z.union([pemSchema, z.array(pemSchema).min(1)]) }).optional(),
    expect: z
      .strictObject({
        status: statusExpectationSchema.default(DEFAULT_STATUS),
        headers: byHeaderName(headerExpectationSchema).optional(),
        body: bodyExpectationSchema.optional(),
        json: z.array(jsonExpectationSchema).min(1).max(MAX_JSON_EXPECTATIONS).optional(),
        ...latencyExpectationFields,
        certMinDays: z.number().min(0).optional(),
        shouldFail: z.boolean().optional(),
      })
      .default({ status: DEFAULT_STATUS }),
  })
  .check((ctx) => {
    // Options that are wrong on their own are reported already; comparing them means nothing.
    if (ctx.issues.length > 0) return
    const spec = ctx.value
    const problem = (path: PropertyKey[], message: string): void => {
      ctx.issues.push({ code: 'custom', path, message, input: spec })
    }
    if (spec.body !== undefined && spec.json !== undefined) {
      problem(['json'], 'set either body (text) or json, not both')
    }
    const headerNames = Object.keys(spec.headers).map((name) => name.toLowerCase())
    if (spec.auth && headerNames.includes('authorization')) {
      problem(['auth'], 'set either auth or an authorization header, not both')
    }
    const url = new URL(spec.url)
    const conflict = ipFamilyConflict(url.hostname, spec.ipFamily)
    if (conflict) problem(['ipFamily'], conflict)
    if (spec.expect.certMinDays !== undefined && url.protocol !== 'https:') {
      problem(['expect', 'certMinDays'], 'needs an https:// URL: plain http has no certificate')
    }
  })
export type HttpSpec = z.infer<typeof httpSpecSchema>
