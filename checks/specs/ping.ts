/** The ping check kind: ICMP echo through the system ping. */
import { z } from 'zod'
import { isDuration, parseDuration } from '../duration.ts'
import {
  baseFields,
  durationSchema,
  ipFamilyConflict,
  ipFamilySchema,
  latencyExpectationFields,
  regionFields,
} from './common.ts'
import type { CommonCheckProps, Duration, LatencyWindowProps } from './common-props.ts'
import { defineKind, type KindInput } from './kind.ts'

/** iputils refuses a shorter interval to users other than root (before 2020: 200 ms too). */
const MIN_INTERVAL_MS = 200
/** ping waits whole seconds for a reply (its -W); less would round to nothing. */
const MIN_PACKET_TIMEOUT_MS = 1_000

function atLeast(minMs: number, what: string) {
  // A text that is no duration at all is reported by durationSchema already.
  return durationSchema.refine((text) => !isDuration(text) || parseDuration(text) >= minMs, {
    error: (issue) => `${JSON.stringify(issue.input)} is too short: ${what}`,
  })
}

export const pingSpecSchema = z
  .strictObject({
    ...baseFields,
    ...regionFields,
    kind: z.literal('ping'),
    host: z.string().min(1),
    /** Echo requests per run. Default 3. */
    count: z.int().min(1).max(20).default(3),
    /** Time between echo requests. Default `1s`, at least `200ms`. */
    interval: atLeast(MIN_INTERVAL_MS, 'ping sends at most one packet per 200ms').default('1s'),
    /** How long to wait for each reply, in whole seconds (rounded up). Default `2s`. */
    packetTimeout: atLeast(MIN_PACKET_TIMEOUT_MS, 'ping waits whole seconds, at least 1s').default(
      '2s',
    ),
    ipFamily: ipFamilySchema,
    expect: z
      .strictObject({
        /** Packet loss above this percentage is `down`. Default 0 (any loss fails). */
        maxLossPercent: z.number().min(0).max(100).default(0),
        /** Average RTT thresholds. */
        ...latencyExpectationFields,
      })
      .default({ maxLossPercent: 0 }),
  })
  .check((ctx) => {
    // Options that are wrong on their own are reported already; comparing them means nothing.
    if (ctx.issues.length > 0) return
    const spec = ctx.value
    const conflict = ipFamilyConflict(spec.host, spec.ipFamily)
    if (conflict) {
      ctx.issues.push({ code: 'custom', path: ['ipFamily'], message: conflict, input: spec })
    }
    // Past the timeout ping is stopped and the packets not yet sent are never counted,
    // so a run that cannot send them all would report less than it was asked to.
    const neededMs =
      (spec.count - 1) * parseDuration(spec.interval) + pingWaitMs(spec.packetTimeout)
    if (neededMs > parseDuration(spec.timeout)) {
      ctx.issues.push({
        code: 'custom',
        path: ['timeout'],
        message:
          `${spec.count} packet(s) ${spec.interval} apart, waiting ${spec.packetTimeout} for the ` +
          `last reply, take ${neededMs / 1_000}s: more than the ${spec.timeout} timeout ` +
          '(lower count or interval, or raise timeout)',
        input: spec,
      })
    }
  })
export type PingSpec = z.infer<typeof pingSpecSchema>

/** The per-reply wait ping really uses: whole seconds, rounded up. */
export function pingWaitMs(packetTimeout: string): number {
  return Math.ceil(parseDuration(packetTimeout) / 1_000) * 1_000
}

export interface PingProps extends CommonCheckProps {
  /** Host name or IP address to ping. @example 'db.internal' */
  host: string
  /** Echo requests per run, 1 to 20. Default 3. @example 5 */
  count?: number
  /** Time between echo requests, at least `200ms`. Default `1s`. @example '500ms' */
  interval?: Duration
  /**
   * How long to wait for each reply; ping counts whole seconds, so this is rounded up.
   * Default `2s`. @example '1s'
   */
  packetTimeout?: Duration
  /** IP version to ping over: `4`, `6`, or `'auto'`. Default `'auto'`. @example 6 */
  ipFamily?: 4 | 6 | 'auto'
  expect?: {
    /** Packet loss (%) above which the result is `down`. Default 0. */
    maxLossPercent?: number
    /** Average RTT above which the result is `degraded`. */
    degradedAbove?: Duration
    /** Average RTT above which the result is `down`. */
    failAbove?: Duration
    /**
     * Limits on the p50 / p95 of the average RTT over each region's last runs, judged by the
     * hub: a region past one is degraded, never down. Default: none.
     * @example { p50: { above: '2x', baseline: '7d' }, p95: { above: '1.5s' } }
     */
    latency?: LatencyWindowProps
  }
}

/** An ICMP ping check, run with the system `ping`. @example ping('gateway', { host: '10.0.0.1' }) */
export function ping(id: string, props: PingProps): KindInput<'ping', PingProps> {
  return { kind: 'ping', id, ...props }
}

export const pingKind = defineKind({
  schema: pingSpecSchema,
  factory: ping,
  target: (spec) => spec.host,
  // Only probes that have the system ping are given ping checks (probe/capabilities.ts).
  capability: 'ping',
})
