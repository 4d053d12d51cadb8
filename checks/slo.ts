/**
 * Service level objectives as code: `slo('checkout', { checks, target, window, sli })`
 * in monitors.ts, or a check's own `slo:` shorthand. The hub measures each SLO on
 * minute slices judged by the checks' quorum verdicts, keeps its error budget and pages
 * or opens tickets on multiwindow, multi-burn-rate alerts (hub/slo/).
 *
 * The alert windows and factors are the SRE workbook's (chapter 5): a page when 2 % of a
 * 30-day budget burns in an hour or 5 % in six hours, a ticket when 10 % burns in a day
 * or three days; each long window is paired with a short one that lets the alert clear
 * soon after the burn stops.
 */
import { z } from 'zod'
import { durationSchema } from './specs/common.ts'
import { parseDuration } from './duration.ts'

const MIN = 60_000

/** The rolling windows an objective may use. */
export const SLO_WINDOWS = ['7d', '28d', '30d', '90d'] as const
export type SloWindow = (typeof SLO_WINDOWS)[number]

export type AlertSeverity = 'page' | 'ticket'

/** One multiwindow burn-rate rule: fires while both windows burn at least `burnRate`. */
export interface BurnRatePair {
  severity: AlertSeverity
  /** e.g. `1h/5m`, how the pair is named in alerts and reports. */
  name: string
  longMs: number
  shortMs: number
  burnRate: number
}

export const BURN_RATE_PAIRS: readonly BurnRatePair[] = [
  { severity: 'page', name: '1h/5m', longMs: 60 * MIN, shortMs: 5 * MIN, burnRate: 14.4 },
  { severity: 'page', name: '6h/30m', longMs: 360 * MIN, shortMs: 30 * MIN, burnRate: 6 },
  { severity: 'ticket', name: '1d/2h', longMs: 1_440 * MIN, shortMs: 120 * MIN, burnRate: 3 },
  { severity: 'ticket', name: '3d/6h', longMs: 4_320 * MIN, shortMs: 360 * MIN, burnRate: 1 },
]

/** Below this many bad minutes to page, validation and deploy plans warn. */
export const FEW_BAD_MINUTES = 3

/**
 * The fewest bad minutes a paging pair's long window must hold before it pages. With
 * minute slices one bad minute is already a 16.7× burn over an hour at 99.9 %, so the
 * workbook's 1h/5m pair alone would page on every isolated bad minute; requiring a
 * second one in the hour keeps a service that is bad 0.5 % of the time on tickets while
 * a real outage still pages at its second minute.
 */
export const DEFAULT_MIN_BAD_MINUTES = 2

/** How long an alert stays open after its last burning pair stops, by default. */
export const DEFAULT_KEEP_FIRING_FOR = '10m'

/** Budget consumed (percent) at which an SLO notifies, by default; 100 is budget exhausted. */
export const DEFAULT_THRESHOLDS = [50, 75, 100]

/** What a minute slice is judged on. */
export const sliSchema = z.union(
  [
    z.literal('availability'),
    z.strictObject({ latency: z.strictObject({ below: durationSchema }) }),
  ],
  { error: "expected 'availability' or { latency: { below: '800ms' } }" },
)
export type Sli = z.infer<typeof sliSchema>

const targetSchema = z
  .number({ error: 'expected a percentage such as 99.9' })
  .gt(0, 'a target is a percentage above 0, such as 99.9')
  .lt(100, 'a target is below 100 %: 100 % leaves no error budget')

const windowSchema = z.enum(SLO_WINDOWS, {
  error: (issue) => `expected one of ${SLO_WINDOWS.join(', ')}, got ${JSON.stringify(issue.input)}`,
})

export const objectiveSchema = z.strictObject({ target: targetSchema, window: windowSchema })
export type Objective = z.infer<typeof objectiveSchema>

export const sloAlertsSchema = z.strictObject({
  /** Page on the 1h/5m and 6h/30m pairs. Default true. */
  page: z.boolean().default(true),
  /** Ticket on the 1d/2h and 3d/6h pairs. Default true. */
  ticket: z.boolean().default(true),
  /** A ticket while the error budget is spent. Default true. */
  budgetExhausted: z.boolean().default(true),
  /** A ticket when no minute could be judged for this long (false: never). Default `30m`. */
  sliMissing: z.union([z.literal(false), durationSchema]).default('30m'),
  /** Budget consumed (percent) at which to notify once. Default [50, 75, 100]. */
  thresholds: z.array(z.number().gt(0).max(100)).default(DEFAULT_THRESHOLDS),
  /** Bad minutes a paging pair's long window must hold to page (1: the workbook's rule). Default 2. */
  minBadMinutes: z
    .number({ error: 'expected a whole number of minutes such as 2' })
    .int('expected a whole number of minutes such as 2')
    .min(1, 'at least 1: a page needs a bad minute')
    .max(60, 'at most 60: the 1h/5m pair holds 60 minutes')
    .default(DEFAULT_MIN_BAD_MINUTES),
  /** How long a page or ticket stays open after its last burning pair stops. Default `10m`. */
  keepFiringFor: durationSchema.default(DEFAULT_KEEP_FIRING_FOR),
})
export type SloAlerts = z.infer<typeof sloAlertsSchema>

const SLO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** An SLO as monitors.ts writes it (the `slo()` factory's output). */
export const sloInputSchema = z
  .strictObject({
    name: z.string().regex(SLO_NAME, {
      error: 'an SLO name is letters, digits, ".", "_" and "-", at most 100, e.g. "checkout"',
    }),
    description: z.string().max(500).optional(),
    /** Check ids. */
    checks: z.array(z.string().min(1)).optional(),
    /** Every check with one of these tags. */
    tags: z.array(z.string().min(1)).optional(),
    target: targetSchema.optional(),
    window: windowSchema.optional(),
    /** Several targets, each with its own budget and alerts. */
    objectives: z.array(objectiveSchema).min(1).optional(),
    sli: sliSchema.default('availability'),
    alerts: sloAlertsSchema.default(sloAlertsSchema.parse({})),
  })
  .superRefine((slo, ctx) => {
    if (!slo.checks?.length && !slo.tags?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['checks'],
        message: 'list the checks it covers (checks: [...] or tags: [...])',
      })
    }
    if (slo.objectives && (slo.target !== undefined || slo.window !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['objectives'],
        message: 'give either target and window, or objectives, not both',
      })
    }
  })

/** An SLO as the hub runs it: its checks resolved, one objective or more. */
export interface SloDefinition {
  name: string
  description?: string
  checks: string[]
  objectives: Objective[]
  sli: Sli
  alerts: SloAlerts
  /** Where it was written: `slos[2]`, or `checks[4].slo` for a check's shorthand. */
  source: string
}

/** The input of `slo()`. */
export interface SloProps {
  /** Check ids this SLO covers. */
  checks?: string[]
  /** Also every check with one of these tags. */
  tags?: string[]
  /** Percent, e.g. 99.9. Default 99.9 (or the project's `slo.target`). */
  target?: number
  /** Rolling window: 7d, 28d, 30d or 90d. Default `30d`. */
  window?: SloWindow
  /** Several objectives instead of target and window. */
  objectives?: { target: number; window: SloWindow }[]
  /** Minute slices by availability (default), or by latency under a bound. */
  sli?: 'availability' | { latency: { below: string } }
  description?: string
  alerts?: {
    page?: boolean
    ticket?: boolean
    budgetExhausted?: boolean
    sliMissing?: false | string
    thresholds?: number[]
    /** Bad minutes a paging pair's long window must hold to page. Default 2; 1 is the workbook's rule. */
    minBadMinutes?: number
    /** How long a page or ticket stays open after its last burning pair stops. Default `10m`. */
    keepFiringFor?: string
  }
}

export type SloInput = SloProps & { name: string }

/** A check's `slo:` shorthand: a target, or the SLO's props without its checks. */
export type CheckSloInput = number | Omit<SloProps, 'checks' | 'tags'>

/**
 * Declares an SLO for monitors.ts.
 *
 * @example
 * slo('checkout', { checks: ['checkout-page', 'payment-api'], target: 99.9, window: '30d' })
 * slo('search-latency', { tags: ['search'], target: 99, window: '7d', sli: { latency: { below: '800ms' } } })
 */
export function slo(name: string, props: SloProps): SloInput {
  return { name, ...props }
}

/** Milliseconds of an objective's window. */
export function windowMs(window: SloWindow): number {
  return parseDuration(window)
}

/**
 * The fewest bad minutes that page under the SLO's paging pairs, with every minute of the
 * windows valid, and the pair that pages first; null when paging is off.
 * With `checks` checks, each check's minute is a slice; no pair pages on fewer than
 * `minBadMinutes` bad ones.
 *
 * @example badMinutesToPage(99.9) // { minutes: 2, pair: '1h/5m' }
 * badMinutesToPage(99.9, 1, 1) // { minutes: 1, pair: '1h/5m' }: the workbook's rule
 */
export function badMinutesToPage(
  target: number,
  checks = 1,
  minBadMinutes = DEFAULT_MIN_BAD_MINUTES,
): { minutes: number; pair: string } | null {
  const budget = 1 - target / 100
  let best: { minutes: number; pair: string } | null = null
  for (const pair of BURN_RATE_PAIRS) {
    if (pair.severity !== 'page') continue
    const need = (ms: number) =>
      Math.max(minBadMinutes, Math.ceil(pair.burnRate * budget * (ms / MIN) * checks - 1e-9))
    const minutes = Math.max(need(pair.longMs), need(pair.shortMs))
    if (!best || minutes < best.minutes) best = { minutes, pair: pair.name }
  }
  return best
}

/** Warnings about SLOs that page on too few bad minutes (fewer than FEW_BAD_MINUTES). */
export function sloWarnings(slos: readonly SloDefinition[]): string[] {
  const warnings: string[] = []
  for (const definition of slos) {
    if (!definition.alerts.page) continue
    for (const objective of definition.objectives) {
      const pages = badMinutesToPage(
        objective.target,
        definition.checks.length,
        definition.alerts.minBadMinutes,
      )
      if (!pages || pages.minutes >= FEW_BAD_MINUTES) continue
      const what = pages.minutes === 1 ? 'a single bad minute' : `${pages.minutes} bad minutes`
      warnings.push(
        `slo "${definition.name}" (${objective.target} % over ${objective.window}) pages on ${what} ` +
          `(pair ${pages.pair}): one short outage pages twice, as the check and as the SLO; ` +
          `lower the target, cover more checks, or set alerts.page to false and rely on tickets`,
      )
    }
  }
  return warnings
}
