/**
 * The options of `http(id, props)`, with what editors show for each. They are the
 * input form of HttpSpec (specs/http.ts): the hub validates and fills in defaults.
 */
import type { CommonCheckProps, Duration } from './define.ts'
import type { HttpSpec, StatusExpectation } from './spec.ts'
import type { JsonExpectation, JsonValue } from './content-assertions.ts'

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
