/**
 * Runs checks once on this machine, a few at a time, through the same `runCheck`
 * wrapper a probe uses, so a local result means what a probe's result means.
 */
import type { BrowserEngine } from '../checks/browser/engine.ts'
import { runCheck } from '../checks/run-check.ts'
import type { CheckResult } from '../checks/result.ts'
import type { CheckSpec } from '../checks/spec.ts'

export interface RunLocalOptions {
  /** Runs at once. Each run is bounded by its check's timeout, so the total is too. */
  concurrency: number
  /** Stamped on the results, like a probe's region. */
  region: string
  probeId: string
  configVersion: string
  /** Called as each run starts. */
  onStart?: (check: CheckSpec) => void
  /** Called as each run finishes, in finishing order. */
  onResult?: (result: CheckResult, check: CheckSpec) => void
  /** The browser for browser checks; without it they are CAPABILITY_MISSING. */
  browser?: BrowserEngine
}

/**
 * Runs every check once with trigger `manual`; the results come back in the order
 * of `checks`. A small worker pool by hand: the project has no p-limit, and this is
 * the only place that needs one.
 */
export async function runLocally(
  checks: readonly CheckSpec[],
  options: RunLocalOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = new Array(checks.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < checks.length) {
      const index = next++
      const check = checks[index]!
      options.onStart?.(check)
      const result = await runCheck(check, {
        probeId: options.probeId,
        region: options.region,
        configVersion: options.configVersion,
        scheduledAt: Date.now(),
        trigger: 'manual',
        browser: options.browser,
      })
      results[index] = result
      options.onResult?.(result, check)
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency, checks.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return results
}
