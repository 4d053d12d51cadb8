/**
 * Project-wide alerting options of a monitoring file: how the hub groups, routes,
 * reminds and escalates notifications, the flap thresholds, when a region or probe
 * alert replaces per-check alerts, maintenance windows and the SLO that incident
 * reports measure error budget against. All of it stays on the hub.
 */
import { z } from 'zod'
import { durationSchema, flappingSchema } from './specs/common.ts'
import {
  MAX_MAINTENANCE_MS,
  maintenanceDurationSchema,
  windowDateProblem,
  windowDateSchema,
  windowSpanProblem,
} from './window-limits.ts'

/**
 * Which checks something applies to: a check matches when its id is in `checks` or it
 * carries one of `tags`. An empty matcher matches every check.
 * @example { tags: ['payments'] }
 */
export const matcherSchema = z.strictObject({
  checks: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string().min(1)).optional(),
})
export type Matcher = z.infer<typeof matcherSchema>

/** True when `check` is selected by `matcher` (see matcherSchema). */
export function matches(matcher: Matcher, check: { id: string; tags?: string[] }): boolean {
  if (matcher.checks === undefined && matcher.tags === undefined) return true
  if (matcher.checks?.includes(check.id)) return true
  return (check.tags ?? []).some((tag) => matcher.tags?.includes(tag) ?? false)
}

/** Five cron fields (minute hour day month weekday), UTC; node-cron syntax without seconds. */
const CRON_FIELDS = /^\s*(\S+\s+){4}\S+\s*$/

/**
 * A maintenance window: results measured inside it count neither as up nor as down,
 * and the matched checks do not page. One-off (`start` + `end`, ISO 8601) or recurring
 * (`cron` + `duration`, UTC).
 * @example { match: { tags: ['db'] }, cron: '0 2 * * 0', duration: '1h', reason: 'weekly vacuum' }
 */
export const maintenanceWindowSchema = z
  .strictObject({
    match: matcherSchema,
    start: windowDateSchema.optional(),
    end: windowDateSchema.optional(),
    cron: z
      .string()
      .regex(CRON_FIELDS, { error: 'must have five fields: minute hour day month weekday' })
      .optional(),
    duration: maintenanceDurationSchema.optional(),
    reason: z.string().optional(),
  })
  .refine(
    (w) =>
      (w.start !== undefined && w.end !== undefined && w.cron === undefined) ||
      (w.cron !== undefined && w.duration !== undefined && w.start === undefined),
    { error: 'give either start and end, or cron and duration' },
  )
  .refine(
    (w) => w.start === undefined || w.end === undefined || Date.parse(w.start) < Date.parse(w.end),
    {
      error: 'end must be after start',
    },
  )
  .superRefine((w, ctx) => {
    if (w.start === undefined || w.end === undefined) return
    const start = Date.parse(w.start)
    const end = Date.parse(w.end)
    const problem = windowSpanProblem(start, end, 'a maintenance window', MAX_MAINTENANCE_MS)
    const dated = windowDateProblem(start) === undefined && windowDateProblem(end) === undefined
    if (dated && end > start && problem)
      ctx.addIssue({ code: 'custom', path: ['end'], message: problem })
  })
export type MaintenanceWindowConfig = z.infer<typeof maintenanceWindowSchema>

/**
 * A notification route: the checks it matches notify `channels`; `escalate` levels add
 * channels while an incident stays unacknowledged, and `remindEvery` repeats the alert.
 * @example { match: { tags: ['payments'] }, channels: ['slack'], remindEvery: '30m', escalate: [{ after: '10m', channels: ['pagerduty'] }] }
 */
export const routeSchema = z.strictObject({
  match: matcherSchema.default({}),
  channels: z.array(z.string().min(1)).min(1, 'list at least one channel'),
  /** Also tell these channels when the incident resolves. Default true. */
  notifyOnResolve: z.boolean().default(true),
  /** Repeat the alert this often while the incident is open and unacknowledged. */
  remindEvery: durationSchema.optional(),
  /**
   * Also send the route's channels tickets: notifications that never page, such as a
   * latency anomaly. Only non-paging channels (not PagerDuty or Opsgenie). Default false.
   */
  tickets: z.boolean().optional(),
  /** Each level notifies its channels once the incident has been unacknowledged for `after`. */
  escalate: z
    .array(
      z.strictObject({
        after: durationSchema,
        channels: z.array(z.string().min(1)).min(1, 'list at least one channel'),
      }),
    )
    .default([]),
})
export type RouteConfig = z.infer<typeof routeSchema>

export const alertingSchema = z.strictObject({
  /** Notifications with the same group key that fire within this go out as one message. Default `5s`. */
  groupWait: durationSchema.default('5s'),
  /** What groups notifications: the check's tags (default) or nothing (one message each). */
  groupBy: z.enum(['tags', 'none']).default('tags'),
  /** Flap thresholds for every check, or false to turn flap detection off. */
  flapping: z.union([z.literal(false), flappingSchema]).default({ low: 20, high: 30 }),
  /** A region whose checks fail together while other regions pass gets one connectivity alert. */
  regionLoss: z
    .strictObject({
      /** Share of the region's checks failing there, and passing elsewhere. Default 0.5. */
      share: z.number().gt(0).max(1).default(0.5),
      /** Fewer checks than this in the region never make a region alert. Default 3. */
      minChecks: z.int().min(1).default(3),
    })
    .default({ share: 0.5, minChecks: 3 }),
  /** A probe offline this long raises a probe alert. Default `1m`. */
  probeOfflineAfter: durationSchema.default('1m'),
  /** A channel whose deliveries fail this many times in a row raises a channel alert. Default 3. */
  channelFailingAfter: z.int().min(1).default(3),
  /** Channels for probe, region and channel alerts. Default: every channel. */
  notify: z.array(z.string().min(1)).optional(),
})
export type AlertingConfig = z.infer<typeof alertingSchema>

/** The availability objective that incident reports measure error budget against. */
export const sloSchema = z.strictObject({
  /** Percent of time available. Default 99.9. */
  target: z.number().gt(0).lt(100).default(99.9),
  /** The rolling window. Default `30d`. */
  window: durationSchema.default('30d'),
})
export type SloConfig = z.infer<typeof sloSchema>

export const DEFAULT_ALERTING: AlertingConfig = alertingSchema.parse({})
export const DEFAULT_SLO: SloConfig = sloSchema.parse({})
