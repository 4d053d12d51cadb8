/**
 * How long a check that fails in one region alone waits for that region's connectivity
 * verdict (dispatch-holds.ts). Region loss (engine/region-loss.ts) judges a region on
 * the newest result of each check that runs there and in another region; once every such
 * check has run once more, the verdict is in. So the wait is their longest interval,
 * plus a margin for a run's duration and batching.
 */
import { DEFAULT_ALERTING } from '../../../checks/alerting.ts'
import { scheduleIntervalMs } from '../../../checks/schedule.ts'
import { regionsOf } from '../../../checks/spec.ts'
import type { MonitoringConfig } from '../../../checks/validate.ts'

/** A run's timeout and the probe's batching, on top of the interval. */
const VERDICT_MARGIN_MS = 15_000

/** A region whose checks run rarely must not hold a page for long: at most five minutes. */
const MAX_VERDICT_WAIT_MS = 5 * 60_000

/** The wait in ms, or null when fewer checks run in `region` than a region loss needs. */
export function regionVerdictMs(config: MonitoringConfig, region: string): number | null {
  const minChecks = (config.alerting ?? DEFAULT_ALERTING).regionLoss.minChecks
  let checks = 0
  let longest = 0
  for (const spec of config.checks) {
    const regions = regionsOf(spec)
    if (!spec.enabled || !regions || regions.length < 2 || !regions.includes(region)) continue
    if (!('every' in spec) || typeof spec.every !== 'string') continue
    checks += 1
    longest = Math.max(longest, scheduleIntervalMs(spec.every))
  }
  if (checks < minChecks) return null
  return Math.min(longest + VERDICT_MARGIN_MS, MAX_VERDICT_WAIT_MS)
}
