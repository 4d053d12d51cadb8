/**
 * The options every check kind's props share, as `monitors.ts` writes them (the input
 * side of `baseFields` and `regionFields` in common.ts). Each kind's props interface
 * lives in its spec module beside its schema and extends these.
 */
import type { CheckSloInput } from '../slo.ts'
import type { AlertPolicy } from './common.ts'

/** A duration string: `250ms`, `30s`, `5m`, `1h30m`, `1d`. */
export type Duration = string

/** Options every check accepts. Unset options come from `defaults`, then built-in defaults. */
export interface CommonCheckProps {
  /** Human name shown on status pages. Default: the id. */
  name?: string
  /** How often each region runs the check. Default `1m`. @example '30s' */
  every?: Duration
  /** Hard limit for one run; the run is `down` with TIMEOUT past it. Default `10s`. */
  timeout?: Duration
  /** Regions that run the check. Default: `defaults.regions`. @example ['eu-west', 'us-east'] */
  regions?: string[]
  /** Free-form tags, used for grouping and routing. Default `[]`. */
  tags?: string[]
  /** Set `false` to keep a check defined but not scheduled. Default `true`. */
  enabled?: boolean
  /**
   * The hub watches each region's latency for anomalies: a region whose latency leaves
   * what its own history (time of day and week included) predicts is shown degraded,
   * with the reason, and a ticket goes to the routes marked `tickets: true` once two
   * regions agree (or the check runs in one). Never pages, never counts against
   * availability. Default `true`.
   */
  anomaly?: boolean
  /**
   * When the check counts as DOWN. Defaults: quorum a majority of regions (at least 2),
   * failAfter 2, recoverAfter 2, pageOnDegraded false, the project's flap thresholds.
   */
  alert?: Partial<AlertPolicy>
  /** Channel names to notify. Default: every channel (or the routes that match). */
  notify?: string[]
  /**
   * Check ids this check depends on: while one of them is DOWN this check's alerts are
   * held back (recorded, not sent); they go out if it is still down once the dependency recovers.
   * @example ['db-primary']
   */
  dependsOn?: string[]
  /**
   * Prometheus series beyond the default 5 per region (up, and runs by status), for the
   * checks worth the cardinality: `latency` adds the duration histogram, `phases` the
   * per-phase one (dns, connect, tls, ttfb, transfer). Default: neither.
   * @example { latency: true }
   */
  metrics?: { latency?: boolean; phases?: boolean }
  /**
   * Actions the hub runs once the check is confirmed DOWN: a webhook, or a command the
   * hub's `--remediation` file allow-lists by name. Each has a cooldown (default `10m`)
   * and an attempt limit per incident (default 3); a confirmation run follows each.
   * @example [{ command: 'restart-api' }, { webhook: 'https://ops.example.com/hooks/recycle' }]
   */
  remediate?: RemediationInput[]
  /**
   * An SLO of this check alone, named after it: a target (`99.9`), or the options of
   * `slo()` without `checks`. Its window defaults to the project's `slo.window`.
   * @example 99.9
   * @example { target: 99.5, window: '7d', sli: { latency: { below: '800ms' } } }
   */
  slo?: CheckSloInput
}

/** A latency limit over a window of runs: a time, or a multiple of a baseline median. */
export interface LatencyLimitProps {
  /** A time (`'1.5s'`) or a multiple of the region's median over `baseline` (`'2x'`). */
  above: string
  /** The period whose median a multiple applies to, 1h to 30d. Default `'7d'`. */
  baseline?: Duration
}

/**
 * Latency limits the hub judges per region over its last `runs` runs: a region past one
 * is degraded (never down), with the reason, e.g. "p50 412 ms, 2.3× its 7-day median".
 * @example { p50: { above: '2x', baseline: '7d' }, p95: { above: '1.5s' }, runs: 20 }
 */
export interface LatencyWindowProps {
  p50?: LatencyLimitProps
  p95?: LatencyLimitProps
  /** How many of the region's last runs the percentiles are over, 5 to 200. Default 20. */
  runs?: number
}

export type RemediationInput = {
  cooldown?: Duration
  maxAttempts?: number
} & (
  | { webhook: string; headers?: Record<string, string>; command?: never }
  | { command: string; webhook?: never; headers?: never }
)
