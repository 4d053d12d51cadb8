/** The dns check kind: one query, its rcode and its answers. */
import { isIP } from 'node:net'
import { z } from 'zod'
import { baseFields, latencyExpectationFields, regexSchema, regionFields } from './common.ts'
import type { CommonCheckProps, Duration, LatencyWindowProps } from './common-props.ts'
import { defineKind, type KindInput } from './kind.ts'

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA'] as const
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number]

/** The response codes a resolver reports distinctly (RFC 1035 §4.1.1). */
export const DNS_RCODES = [
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
] as const
export type DnsRcode = (typeof DNS_RCODES)[number]

/** Labels of 1-63 characters (underscores allowed, for `_dmarc` and the like), 253 at most. */
const DOMAIN_NAME = /^(?=.{1,253}\.?$)([^.\s]{1,63}\.)*[^.\s]{1,63}\.?$/
const DEFAULT_DNS_PORT = 53

/** A resolver address: an IP address and a port. */
export interface DnsServer {
  host: string
  port: number
}

/**
 * Parses `1.2.3.4`, `1.2.3.4:53`, `2001:db8::1` or `[2001:db8::1]:53`; undefined when
 * the text is none of these. Resolvers are addressed by IP: resolving a resolver's
 * own name would need another resolver.
 * @example parseDnsServer('[::1]:5353') // { host: '::1', port: 5353 }
 */
export function parseDnsServer(text: string): DnsServer | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text)
  const v4 = /^([\d.]+)(?::(\d{1,5}))?$/.exec(text)
  const [host, port] = bracketed
    ? [bracketed[1], bracketed[2]]
    : v4
      ? [v4[1], v4[2]]
      : [text, undefined]
  const family = bracketed || !v4 ? 6 : 4
  if (host === undefined || isIP(host) !== family) return undefined
  const portNumber = port === undefined ? DEFAULT_DNS_PORT : Number(port)
  if (portNumber < 1 || portNumber > 65_535) return undefined
  return { host, port: portNumber }
}

/** `host:port`, with brackets around an IPv6 address. */
export function formatDnsServer(server: DnsServer): string {
  return isIP(server.host) === 6
    ? `[${server.host}]:${server.port}`
    : `${server.host}:${server.port}`
}

export const dnsSpecSchema = z.strictObject({
  ...baseFields,
  ...regionFields,
  kind: z.literal('dns'),
  name: z.string().regex(DOMAIN_NAME, { error: 'must be a domain name, e.g. api.example.com' }),
  type: z
    .enum(DNS_RECORD_TYPES, {
      error: (issue) =>
        `unknown record type ${JSON.stringify(issue.input)} (expected one of ${DNS_RECORD_TYPES.join(', ')})`,
    })
    .default('A'),
  server: z
    .string()
    .refine((text) => parseDnsServer(text) !== undefined, {
      error: (issue) =>
        `${JSON.stringify(issue.input)} is not a resolver address (use an IP and an optional port, e.g. 1.1.1.1:53 or [2606:4700:4700::1111]:53)`,
    })
    .optional(),
  expect: z
    .strictObject({
      rcode: z
        .enum(DNS_RCODES, {
          error: (issue) =>
            `unknown rcode ${JSON.stringify(issue.input)} (expected one of ${DNS_RCODES.join(', ')})`,
        })
        .default('NOERROR'),
      answers: z
        .strictObject({
          /** The whole answer set, in any order. */
          equals: z.array(z.string().min(1)).optional(),
          /** One answer is exactly this. */
          contains: z.string().min(1).optional(),
          /** At least one answer matches. */
          matches: regexSchema.optional(),
        })
        .optional(),
      ...latencyExpectationFields,
    })
    .default({ rcode: 'NOERROR' }),
})
export type DnsSpec = z.infer<typeof dnsSpecSchema>

export interface DnsProps extends CommonCheckProps {
  /** The domain name to query. @example 'api.example.com' */
  name: string
  /** Record type: A, AAAA, CNAME, MX, TXT, NS or SOA. Default `A`. */
  type?: DnsRecordType
  /**
   * The resolver to ask: an IP address and an optional port (default 53), IPv6 in
   * brackets. Default: the probe's system resolvers.
   * @example '1.1.1.1:53' or '[2606:4700:4700::1111]:53'
   */
  server?: string
  expect?: {
    /** The response code. Default `NOERROR`; `NXDOMAIN` checks that a name does not exist. */
    rcode?: DnsRcode
    /**
     * The answers, as `dig +short` prints them: `127.0.0.1`, `10 mail.example.com`, TXT
     * text joined, SOA as `mname rname serial refresh retry expire minimum`. Names
     * compare without case or trailing dot. Default: any answers.
     */
    answers?: {
      /** Exactly these answers, in any order. @example ['192.0.2.10', '192.0.2.11'] */
      equals?: string[]
      /** One of the answers is exactly this. @example '192.0.2.10' */
      contains?: string
      /** At least one answer matches this regular expression. @example '^v=spf1 ' */
      matches?: string
    }
    /** Lookup time above which the result is `degraded`. @example '200ms' */
    degradedAbove?: Duration
    /** Lookup time above which the result is `down`. @example '2s' */
    failAbove?: Duration
    /**
     * Limits on the p50 / p95 of the lookup time over each region's last runs, judged by the
     * hub: a region past one is degraded, never down. Default: none.
     * @example { p50: { above: '2x', baseline: '7d' }, p95: { above: '1.5s' } }
     */
    latency?: LatencyWindowProps
  }
}

/**
 * A DNS check: one query, its response code, its answers and the lookup time.
 * @example dns('api-a', { name: 'api.example.com', expect: { answers: { contains: '192.0.2.10' } } })
 */
export function dns(id: string, props: DnsProps): KindInput<'dns', DnsProps> {
  return { kind: 'dns', id, ...props }
}

export const dnsKind = defineKind({
  schema: dnsSpecSchema,
  factory: dns,
  target: (spec) => `${spec.name} ${spec.type}${spec.server ? ` @${spec.server}` : ''}`,
})
