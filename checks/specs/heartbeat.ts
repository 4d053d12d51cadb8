/**
 * The heartbeat check kind: a push monitor. No probe runs it; the job being watched
 * (a cron job, a backup script) calls the hub's secret ping URL, and the hub turns
 * missing, failed or hung runs into results (hub/heartbeats/).
 */
import { z } from 'zod'
import { alertPolicySchema, baseFields, durationSchema, type AlertPolicy } from './common.ts'
import type { CommonCheckProps, Duration } from './common-props.ts'
import { defineKind, type KindInput } from './kind.ts'

/**
 * The one region of every heartbeat. Availability and the alert engine see a
 * heartbeat as a single series of that name, so the quorum is 1; no probe may use
 * it as its region (`vantage probe` refuses it).
 */
export const HUB_REGION = 'hub'

/**
 * Grace when none is given: how late a ping may be, and how long a started run may
 * take, before the heartbeat is down. One hour, as Healthchecks.io does: wide enough
 * for a nightly job's start jitter and run time, which are what heartbeats mostly watch.
 * Set a shorter grace for frequent jobs (e.g. `every: '5m', grace: '2m'`).
 */
export const DEFAULT_HEARTBEAT_GRACE = '1h'

const NOT_HUB = `heartbeats are watched on the hub and always have regions ["${HUB_REGION}"]; remove regions`
const MISSING_EVERY = 'a heartbeat needs every: how often the job pings, e.g. "1d"'

export const heartbeatSpecSchema = z.strictObject({
  ...baseFields,
  kind: z.literal('heartbeat'),
  /**
   * How often the job pings. Required: inheriting `defaults.every` (meant for probe
   * checks, typically a minute) would page about every nightly job.
   */
  every: z
    .string({ error: (issue) => (issue.input === undefined ? MISSING_EVERY : undefined) })
    .pipe(durationSchema),
  /** How late a ping may be, and how long a started run may last. Default `1h`. */
  grace: durationSchema.default(DEFAULT_HEARTBEAT_GRACE),
  regions: z
    .array(z.string(), { error: NOT_HUB })
    .refine((regions) => regions.length === 1 && regions[0] === HUB_REGION, { error: NOT_HUB })
    .default([HUB_REGION]),
  /**
   * failAfter and recoverAfter default to 1: a missed or failed run is already a
   * confirmed fact (nothing retries it the way a probe re-runs a check), and the next
   * good run is a confirmed recovery.
   */
  alert: alertPolicySchema
    .extend({
      failAfter: z.int().min(1).default(1),
      recoverAfter: z.int().min(1).default(1),
    })
    .default({ failAfter: 1, recoverAfter: 1, pageOnDegraded: false }),
})
export type HeartbeatSpec = z.infer<typeof heartbeatSpecSchema>

/**
 * A heartbeat is watched by the hub, not run by probes, so it takes no regions or
 * timeout, and ignores `defaults` except `tags` and `enabled`.
 */
export interface HeartbeatProps extends Omit<
  CommonCheckProps,
  'every' | 'timeout' | 'regions' | 'anomaly'
> {
  /** How often the job pings. Required. @example '1d' */
  every: Duration
  /**
   * How late a ping may arrive, and how long a run announced by `/start` may last,
   * before the heartbeat is down. Default `1h`. @example '2h'
   */
  grace?: Duration
  /** Defaults: failAfter 1 and recoverAfter 1 (a missed run is already confirmed). */
  alert?: Partial<AlertPolicy>
}

/**
 * A push monitor: the job calls a secret ping URL on the hub (`vantage status` shows
 * it) when it succeeds, and optionally `/start` and `/fail`. Down when no ping comes
 * within `every` + `grace`, at once on a fail, and when a started run does not end
 * within `grace`.
 * @example heartbeat('nightly-backup', { every: '1d', grace: '2h' })
 */
export function heartbeat(
  id: string,
  props: HeartbeatProps,
): KindInput<'heartbeat', HeartbeatProps> {
  return { kind: 'heartbeat', id, ...props }
}

export const heartbeatKind = defineKind({
  schema: heartbeatSpecSchema,
  factory: heartbeat,
  // Never the ping URL: this text is public, and the URL's token is the secret.
  target: (spec) => `a ping every ${spec.every} (grace ${spec.grace})`,
})
