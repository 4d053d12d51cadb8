/**
 * The browser runner: what a browser check's result means, over attempts the engine
 * makes (checks/browser/engine.ts; probe/browser/ drives Chromium). It retries a failed
 * attempt when the check allows it, and a run that passes only on a retry is
 * `degraded`, never `up`; it judges the Web-vital budgets; it keeps the artifacts of a
 * failure (or of every run, if the check asks), with a trace recorded on a retry or on a
 * re-run after the result (trace 'retry'), or on every attempt ('always'); and it puts the worst page's vitals,
 * the console and request counts in `metrics` for charts.
 */
import { ulid } from '../../lib/ulid.ts'
import type { BrowserAttemptOutcome } from '../browser/engine.ts'
import type { BrowserReport } from '../browser/browser-result.ts'
import { judgeBudgets, VITAL_NAMES, type VitalName } from '../browser/vitals.ts'
import { traceModeOf } from '../specs/browser.ts'
import { ERROR_CODES, type AssertionResult } from '../result.ts'
import type { Runner, RunOutcome } from './types.ts'

/** Metric names of the vitals: timings in ms carry the unit, CLS has none. */
const VITAL_METRICS: Record<VitalName, string> = {
  lcp: 'lcpMs',
  cls: 'cls',
  fcp: 'fcpMs',
  ttfb: 'ttfbMs',
  inp: 'inpMs',
  tbt: 'tbtMs',
}

function metricsOf(report: Omit<BrowserReport, 'artifacts'>): Record<string, number> {
  const metrics: Record<string, number> = {
    steps: report.steps.length + (report.moreSteps ?? 0),
    pages: report.pages.length,
    consoleErrors: report.console.errors,
    pageErrors: report.console.pageErrors,
    requests: report.requests.total,
    failedRequests: report.requests.failed,
    transferBytes: report.requests.transferBytes,
    attempts: report.attempts,
  }
  for (const name of VITAL_NAMES) {
    const values = report.pages.flatMap((page) =>
      page.vitals[name] ? [page.vitals[name].value] : [],
    )
    if (values.length > 0) metrics[VITAL_METRICS[name]] = Math.max(...values)
  }
  return metrics
}

function describeFailure(outcome: BrowserAttemptOutcome): string {
  return outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : outcome.status
}

/** The verdict of the attempts: the last one's, but never `up` after a failed one. */
function verdict(
  attempts: BrowserAttemptOutcome[],
): Pick<RunOutcome, 'status' | 'error' | 'assertions'> {
  const last = attempts[attempts.length - 1]!
  if (last.status !== 'up' || attempts.length === 1) {
    return { status: last.status, error: last.error, assertions: last.assertions }
  }
  const first = attempts[0]!
  const retried: AssertionResult = {
    name: 'passed without a retry',
    ok: false,
    expected: 'the first attempt to pass',
    actual: `passed on attempt ${attempts.length}; attempt 1 failed with ${describeFailure(first)}`,
  }
  return { status: 'degraded', assertions: [retried, ...last.assertions] }
}

export const run: Runner<'browser'> = async (spec, ctx) => {
  const engine = ctx.browser
  if (!engine) {
    return {
      status: 'inconclusive',
      error: {
        code: ERROR_CODES.CAPABILITY_MISSING,
        message:
          'this probe cannot launch Chromium, so it has no browser capability: install one ' +
          '(Debian: apt-get install chromium) or set VANTAGE_CHROMIUM',
      },
      assertions: [],
    }
  }
  const resultId = ctx.resultId ?? ulid(ctx.now())
  // Without evidence kept there is nothing to trace for.
  const traceMode = spec.artifacts.when === 'never' ? 'never' : traceModeOf(spec.artifacts)
  const attempts: BrowserAttemptOutcome[] = []
  let traced = false
  for (let attempt = 1; attempt <= spec.retries + 1; attempt++) {
    // 'retry': the first attempt after a failure is traced, as Playwright's 'on-first-retry'.
    const trace: boolean =
      traceMode === 'always' || (traceMode === 'retry' && attempt > 1 && !traced)
    const outcome = await engine.attempt({ spec, resultId, attempt, trace, signal: ctx.signal })
    traced ||= trace
    attempts.push(outcome)
    if (outcome.status === 'up' || ctx.signal.aborted) break
  }
  const last = attempts[attempts.length - 1]!
  const judged = verdict(attempts)
  let { status, error } = judged
  const assertions = [...judged.assertions]
  const report = { ...last.report, attempts: attempts.length }
  if (status === 'up' || status === 'degraded') {
    const budgets = judgeBudgets(
      spec.expect,
      report.pages.map((page) => page.vitals),
    )
    assertions.push(...budgets.assertions)
    if (budgets.status === 'down') {
      status = 'down'
      const over = budgets.assertions.filter((assertion) => !assertion.ok)
      error = {
        code: ERROR_CODES.ASSERTION_FAILED,
        message: over.map((a) => `${a.name}: expected ${a.expected}, got ${a.actual}`).join('; '),
      }
    } else if (budgets.status === 'degraded') {
      status = 'degraded'
    }
  }
  const keep =
    spec.artifacts.when === 'always' || (spec.artifacts.when === 'failure' && status !== 'up')
  const runVerdict = { keep, status, errorCode: error?.code }
  const artifacts = await engine.settle(resultId, runVerdict)
  // A failure the site may be at fault for, with no attempt traced: a re-run records the
  // trace. Not for inconclusive runs (a crashed or busy browser), nor a stopped one.
  const siteFailed = status === 'down' || status === 'degraded'
  if (keep && siteFailed && traceMode === 'retry' && !traced && !ctx.signal.aborted) {
    engine.traceRerun({ spec, resultId, verdict: runVerdict })
  }
  return {
    status,
    ...(error ? { error } : {}),
    assertions,
    metrics: metricsOf(report),
    browser: { ...report, artifacts },
  }
}
