/** The tcp check kind: connect, optional TLS, optionally send a payload and expect a response. */
import { isIP } from 'node:net'
import { z } from 'zod'
import { baseFields, latencyExpectationFields, regexSchema, regionFields } from './common.ts'

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
