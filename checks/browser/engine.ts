/**
 * The contract between the browser runner (checks/runners/browser.ts), which knows
 * what a browser check's result means (retries, budgets, the verdict), and the engine
 * that drives Chromium (probe/browser/), which only a machine with a browser has. The
 * runner never loads Playwright: the hub reads this folder, and a probe without a
 * browser has no engine at all.
 */
import type { ProbeCheck } from '../bundle.ts'
import type { BrowserReport } from './browser-result.ts'
import type { AssertionResult, CheckStatus } from '../result.ts'

/** A browser check as probes get it: none of the fields the hub keeps for itself. */
export type BrowserRunSpec = Extract<ProbeCheck, { kind: 'browser' }>

export interface BrowserAttemptRequest {
  spec: BrowserRunSpec
  /** The id the run's result will carry: artifacts are filed under it. */
  resultId: string
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number
  /** Record a Playwright trace of this attempt (kept with its evidence). */
  trace: boolean
  /** Aborted when the whole run must stop (the probe is stopping, or run-check gave up). */
  signal: AbortSignal
}

/** What one attempt found; `report` has no `attempts`, which the runner counts. */
export interface BrowserAttemptOutcome {
  status: CheckStatus
  error?: { code: string; message: string }
  assertions: AssertionResult[]
  report: Omit<BrowserReport, 'attempts' | 'artifacts'>
}

/** What the artifacts of a run are evidence of. */
export interface RunVerdict {
  keep: boolean
  status: CheckStatus
  errorCode?: string
}

export interface BrowserEngine {
  /** Runs one attempt in a fresh browser context; never throws. */
  attempt(request: BrowserAttemptRequest): Promise<BrowserAttemptOutcome>
  /**
   * Ends a run: keeps its artifacts for the hub (`keep`), labelled with the run's
   * verdict, or deletes them. Returns the files kept, within the per-run cap.
   */
  settle(resultId: string, verdict: RunVerdict): Promise<BrowserReport['artifacts']>
  /**
   * Runs a settled, failed run's journey once more with tracing on, in the background
   * (its result has gone out already), and keeps that trace with the run's artifacts as
   * `rerun-trace.zip`. Returns at once; a check with a re-run still going gets no other.
   */
  traceRerun(run: { spec: BrowserRunSpec; resultId: string; verdict: RunVerdict }): void
}

/** The name of the trace a re-run recorded for a failed run (BrowserEngine.traceRerun). */
export const RERUN_TRACE_FILE = 'rerun-trace.zip'
