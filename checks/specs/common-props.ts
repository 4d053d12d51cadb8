/**
 * The options every check kind's props share, as `monitors.ts` writes them (the input
 * side of `baseFields` and `regionFields` in common.ts). Each kind's props interface
 * lives in its spec module beside its schema and extends these.
 */
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
   * Actions the hub runs once the check is confirmed DOWN: a webhook, or a command the
   * hub's `--remediation` file allow-lists by name. Each has a cooldown (default `10m`)
   * and an attempt limit per incident (default 3); a confirmation run follows each.
   * @example [{ command: 'restart-api' }, { webhook: 'https://ops.example.com/hooks/recycle' }]
   */
  remediate?: RemediationInput[]
}

export type RemediationInput = {
  cooldown?: Duration
  maxAttempts?: number
} & (
  | { webhook: string; headers?: Record<string, string>; command?: never }
  | { command: string; webhook?: never; headers?: never }
)
