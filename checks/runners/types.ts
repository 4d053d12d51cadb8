/**
 * The contract between the probe and the per-kind runners. A runner does only
 * what is particular to its kind; `runCheck` (checks/run-check.ts) adds the id,
 * the times, the hard timeout and the final CheckResult around it.
 */
import type { BrowserEngine } from '../browser/engine.ts'
import type { AssertionResult, CheckResult, CheckStatus } from '../result.ts'
import type { ProbeKind, SpecOf } from '../spec.ts'

export interface RunContext {
  /** Aborted when the run's hard timeout fires; runners pass it to their I/O. */
  signal: AbortSignal
  probeId: string
  region: string
  /** Injected clock (epoch ms). */
  now(): number
  /** The id the run's result will carry, for what the run files under it (artifacts). */
  resultId?: string
  /** The probe's browser engine; absent where no browser can be launched. */
  browser?: BrowserEngine
}

/** What a runner measured. `status` is the runner's verdict before the wrapper's timeout handling. */
export interface RunOutcome {
  status: CheckStatus
  error?: { code: string; message: string }
  phases?: CheckResult['phases']
  assertions: AssertionResult[]
  metrics?: Record<string, number>
  /** Text facts, such as the certificate's issuer; see `details` in result.ts for the bounds. */
  details?: Record<string, string>
  /** A browser check's steps, pages and artifacts. */
  browser?: CheckResult['browser']
}

export type Runner<K extends ProbeKind> = (spec: SpecOf<K>, ctx: RunContext) => Promise<RunOutcome>

/**
 * Every kind that probes run must have a runner: a missing one fails to compile.
 * Heartbeats are not among them; the hub watches them (hub/heartbeats/).
 */
export type RunnerRegistry = { [K in ProbeKind]: Runner<K> }
