/**
 * The http check kind: request, redirects, TLS, expectations. `HttpProps` are the
 * options of `http(id, props)` with what editors show for each: the input form of
 * HttpSpec, which the hub validates and fills in with defaults.
 */
import { z } from 'zod'
import type { JsonExpectation, JsonValue } from '../content-assertions.ts'
import { parseJsonPath } from '../json-path.ts'
import {
  baseFields,
  ipFamilyConflict,
  ipFamilySchema,
  latencyExpectationFields,
  regexSchema,
  regionFields,
} from './common.ts'
import type { CommonCheckProps, Duration, LatencyWindowProps } from './common-props.ts'
import { defineKind, type KindInput } from './kind.ts'

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
export const statusExpectationSchema = z.union(
  [z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1), statusRangeSchema],
  {
    error: (issue) =>
      `expected a status code (200), a list ([200, 204]) or a range ({ min: 200, max: 299 }), got ${JSON.stringify(issue.input) ?? 'undefined'}`,
  },
)
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

/** A response header is expected to be exactly a text, or to match a regular expression. */
export type HeaderExpectation = string | { equals: string } | { matches: string }

export interface HttpProps extends CommonCheckProps {
  /** The URL to request. @example 'https://api.example.com/health' */
  url: string
  /** Default `GET`. @example 'POST' */
  method?: HttpSpec['method']
  /**
   * Request headers. Default `{}`; a `user-agent` of Vantage's own is added unless set.
   * @example { 'x-api-key': 'k-123', accept: 'application/json' }
   */
  headers?: Record<string, string>
  /**
   * Query parameters, added to those already in `url`; a list repeats the name.
   * Default: none.
   * @example { q: 'health', page: 2, tag: ['a', 'b'] } // ?q=health&page=2&tag=a&tag=b
   */
  query?: Record<string, string | number | boolean | Array<string | number | boolean>>
  /** Request body, sent as is; set a `content-type` header to match. Not with `json`. @example 'ping' */
  body?: string
  /**
   * A value sent as a JSON body, with `content-type: application/json` unless a
   * header sets another. Not with `body`. Default: no body.
   * @example { name: 'synthetic-order', quantity: 1 }
   */
  json?: JsonValue
  /**
   * Credentials, sent as an `authorization` header: basic auth or a bearer token.
   * Dropped when a redirect leaves the origin, like browsers do. Default: none.
   * @example { username: 'monitor', password: process.env.MONITOR_PASSWORD! }
   * @example { bearer: process.env.API_TOKEN! }
   */
  auth?: { username: string; password: string } | { bearer: string }
  /**
   * Redirects to follow, at most. `0` follows none: a redirect is then judged by its
   * own status (`expect.status: 301` checks that a URL redirects). More redirects than
   * this fail with TOO_MANY_REDIRECTS, a URL seen twice with REDIRECT_LOOP. Default 5.
   * @example 0
   */
  followRedirects?: number
  /**
   * IP version to connect over: `4`, `6`, or `'auto'` (whatever the name resolves to,
   * both tried at once). Default `'auto'`.
   * @example 6
   */
  ipFamily?: 4 | 6 | 'auto'
  /**
   * Accept a certificate that is expired, self-signed or for another name. The run
   * still reports the certificate (`certValid: 0`, the reason in details), and
   * `expect.certMinDays` still applies. Default `false`.
   * @example true
   */
  insecure?: boolean
  /**
   * TLS options. `ca`: the CA certificate(s) to trust instead of the public roots, as
   * PEM text, for services behind a private CA. Default: the public roots.
   * @example { ca: readFileSync('./internal-ca.pem', 'utf8') }
   */
  tls?: { ca: string | string[] }
  expect?: {
    /**
     * Accepted status: a code, a list, or `{ min, max }`. Default `{ min: 200, max: 399 }`.
     * @example [200, 204]
     */
    status?: StatusExpectation
    /**
     * Response headers, by name (any case): a text the header equals, or
     * `{ matches: 'regex' }`. A header that is missing fails. Default: none.
     * @example { 'content-type': { matches: '^application/json' }, 'cache-control': 'no-store' }
     */
    headers?: Record<string, HeaderExpectation>
    /**
     * The body contains a text, and/or matches a regular expression (JavaScript syntax,
     * no flags). The first 1 MiB of the body is searched. Default: none.
     * @example { contains: '"status":"ok"' }
     * @example { matches: 'version: \\d+\\.\\d+' }
     */
    body?: { contains?: string; matches?: string }
    /**
     * Paths in a JSON body (`data.items[0].id`) that equal a value, exist (or not),
     * or compare with `lessThan`/`greaterThan`. A body that is not JSON fails them.
     * Default: none.
     * @example [{ path: 'status', equals: 'ok' }, { path: 'queue.depth', lessThan: 100 }]
     */
    json?: JsonExpectation[]
    /** Total time above which the result is `degraded`. Default: none. @example '800ms' */
    degradedAbove?: Duration
    /** Total time above which the result is `down` (LATENCY). Default: none. @example '5s' */
    failAbove?: Duration
    /**
     * Limits on the p50 / p95 of the total time over each region's last runs, judged by the
     * hub: a region past one is degraded, never down. Default: none.
     * @example { p50: { above: '2x', baseline: '7d' }, p95: { above: '1.5s' } }
     */
    latency?: LatencyWindowProps
    /**
     * Days the TLS certificate must still be valid for; fewer make the result
     * `degraded` (a renewal warning, not downtime). https:// URLs only. Default: none.
     * @example 14
     */
    certMinDays?: number
    /**
     * Invert the result: `up` when the check fails (whatever the reason, a refused
     * connection included), `down` when it passes. A timeout stays `down`. The first
     * assertion, `should fail`, says which way it went. Default `false`.
     * @example true // e.g. the admin UI must not be reachable from outside
     */
    shouldFail?: boolean
  }
}

/** An HTTP(S) check. @example http('api', { url: 'https://api.example.com/health' }) */
export function http(id: string, props: HttpProps): KindInput<'http', HttpProps> {
  return { kind: 'http', id, ...props }
}

export const httpKind = defineKind({
  schema: httpSpecSchema,
  factory: http,
  target: (spec) => spec.url,
})
