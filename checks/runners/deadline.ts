/**
 * A runner's own deadline, a little before the run's hard timeout. The wrapper's
 * timeout can only say TIMEOUT; a runner that gives up first can say what it was
 * waiting for (CONNECT_TIMEOUT, DNS_TIMEOUT, a banner that never came).
 */
import { parseDuration } from '../duration.ts'

/** At most this much of the timeout is kept back for the runner to report. */
const MAX_MARGIN_MS = 1_000
/** And at most this share of it, so that a short timeout is not eaten up by the margin. */
const MARGIN_SHARE = 0.1

export interface RunnerDeadline {
  /** Aborts at the runner's deadline or when the run itself is aborted, whichever is first. */
  signal: AbortSignal
  /** The runner's budget, in ms. */
  budgetMs: number
  /** True once the runner's own deadline has passed (not the run's abort). */
  passed(): boolean
  /** Stops the timer; call when the run is over. */
  clear(): void
}

/**
 * Starts the deadline of one run: the check's timeout less 10% (1 s at most).
 * @example
 * const deadline = startDeadline('10s', ctx.signal) // fires after 9 s
 * try { ... } finally { deadline.clear() }
 */
export function startDeadline(timeout: string, runSignal: AbortSignal): RunnerDeadline {
  const timeoutMs = parseDuration(timeout)
  const budgetMs = timeoutMs - Math.min(MAX_MARGIN_MS, timeoutMs * MARGIN_SHARE)
  const controller = new AbortController()
  let passed = false
  const timer = setTimeout(() => {
    passed = true
    controller.abort(new Error(`the runner's deadline of ${budgetMs}ms passed`))
  }, budgetMs)
  const onRunAbort = (): void => controller.abort(runSignal.reason)
  if (runSignal.aborted) onRunAbort()
  else runSignal.addEventListener('abort', onRunAbort, { once: true })
  return {
    signal: controller.signal,
    budgetMs,
    passed: () => passed,
    clear() {
      clearTimeout(timer)
      runSignal.removeEventListener('abort', onRunAbort)
    },
  }
}
