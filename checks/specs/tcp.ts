/** The tcp check kind: connect, optional TLS, optionally send a payload and expect a response. */
import { isIP } from 'node:net'
import { z } from 'zod'
import { baseFields, latencyExpectationFields, regexSchema, regionFields } from './common.ts'
import type { CommonCheckProps, Duration, LatencyWindowProps } from './common-props.ts'
import { defineKind, type KindInput } from './kind.ts'

const PORT_RANGE = 'must be a port number from 1 to 65535'

const tlsOptionsSchema = z.strictObject({
  /** Name sent in SNI and checked against the certificate. Default: `host` when it is a name. */
  servername: z.string().min(1).optional(),
  /** Accept a certificate that is expired, self-signed or for another name. Default false. */
  insecure: z.boolean().default(false),
})

/** A response is expected to contain a text, or to match a regular expression. */
export const bannerExpectationSchema = z.union(
  [z.string().min(1), z.strictObject({ matches: regexSchema })],
  { error: 'must be a text the response contains, or { matches: "regex" }' },
)
export type BannerExpectation = z.infer<typeof bannerExpectationSchema>

export const tcpSpecSchema = z.strictObject({
  ...baseFields,
  ...regionFields,
  kind: z.literal('tcp'),
  host: z.string().min(1),
  port: z
    .int({ error: PORT_RANGE })
    .min(1, { error: PORT_RANGE })
    .max(65_535, { error: PORT_RANGE }),
  tls: z
    .union([z.boolean(), tlsOptionsSchema], {
      error: 'must be true, false or { servername?, insecure? }',
    })
    .default(false),
  /** Written once connected (and after the TLS handshake). */
  send: z.string().min(1).optional(),
  expect: z
    .strictObject({
      /** What the server must send, read until it matches, the server closes or the timeout. */
      banner: bannerExpectationSchema.optional(),
      ...latencyExpectationFields,
    })
    .default({}),
})
export type TcpSpec = z.infer<typeof tcpSpecSchema>

/** `host:port`, with brackets around an IPv6 address. @example tcpTarget({ host: '::1', port: 25 }) // '[::1]:25' */
export function tcpTarget(spec: Pick<TcpSpec, 'host' | 'port'>): string {
  return isIP(spec.host) === 6 ? `[${spec.host}]:${spec.port}` : `${spec.host}:${spec.port}`
}

export interface TcpProps extends CommonCheckProps {
  /** Host name or IP address to connect to. @example 'mail.example.com' */
  host: string
  /** TCP port, 1 to 65535. @example 25 */
  port: number
  /**
   * Connect with TLS: `true` verifies the certificate against `host`. Default `false`.
   * @example { servername: 'mail.example.com' }
   */
  tls?:
    | boolean
    | {
        /** Name for SNI and the certificate check. Default: `host` when it is a name. */
        servername?: string
        /** Accept an expired, self-signed or wrongly named certificate. Default `false`. */
        insecure?: boolean
      }
  /** Written once connected (after the TLS handshake), as is. @example 'PING\r\n' */
  send?: string
  expect?: {
    /**
     * What the server must send (the response to `send`, or its banner): a text it
     * contains, or `{ matches }` with a regular expression. Read until it matches, the
     * server closes the connection, or the timeout. Default: nothing is read.
     * @example '220 ' or { matches: '^SSH-2\\.0-' }
     */
    banner?: string | { matches: string }
    /** Total time above which the result is `degraded`. @example '500ms' */
    degradedAbove?: Duration
    /** Total time above which the result is `down`. @example '3s' */
    failAbove?: Duration
    /**
     * Limits on the p50 / p95 of the total time over each region's last runs, judged by the
     * hub: a region past one is degraded, never down. Default: none.
     * @example { p50: { above: '2x', baseline: '7d' }, p95: { above: '1.5s' } }
     */
    latency?: LatencyWindowProps
  }
}

/**
 * A TCP check: connects, optionally over TLS, optionally sends a payload and expects
 * a banner or a response.
 * @example tcp('smtp', { host: 'mail.example.com', port: 25, expect: { banner: '220 ' } })
 */
export function tcp(id: string, props: TcpProps): KindInput<'tcp', TcpProps> {
  return { kind: 'tcp', id, ...props }
}

export const tcpKind = defineKind({ schema: tcpSpecSchema, factory: tcp, target: tcpTarget })
