/**
 * Evaluates a check's expectations. Every assertion records the expected and the
 * actual value as text a person reads on a status page or in an alert, Gatus style:
 * `status: expected 200..399, actual 503` rather than "failed".
 */
import { parseDuration } from './duration.ts'
import { ERROR_CODES, type AssertionResult, type CheckStatus } from './result.ts'
import type { StatusExpectation } from './spec.ts'

/** The verdict assertions can reach; `inconclusive` is decided elsewhere (probe health, runner bugs). */
export type Severity = Exclude<CheckStatus, 'inconclusive'>

/** Latency limits as written in a spec: duration strings such as `800ms` or `5s`. */
export interface LatencyThresholds {
  /** Above this the result is `degraded`. */
  degradedAbove?: string
  /** Above this the result is `down`. */
  failAbove?: string
}

/** Assertions whose failure is not simply `down`: they carry their own severity. */
export interface GradedAssertions {
  assertions: AssertionResult[]
  status: Severity
}

const RANK: Record<Severity, number> = { up: 0, degraded: 1, down: 2 }

/** Formats a status expectation: `200`, `one of 200, 204` or `200..399`. */
export function formatStatusExpectation(expected: StatusExpectation): string {
  if (typeof expected === 'number') return String(expected)
  if (Array.isArray(expected)) return `one of ${expected.join(', ')}`
  return `${expected.min}..${expected.max}`
}

/** Formats a measured time for people: `0.42ms`, `12.3ms`, `950ms`, `1.25s`. */
export function formatMs(ms: number): string {
  if (ms < 1) return `${Number(ms.toFixed(2))}ms`
  if (ms < 100) return `${Number(ms.toFixed(1))}ms`
  if (ms < 1_000) return `${Math.round(ms)}ms`
  return `${Number((ms / 1_000).toFixed(2))}s`
}

function statusMatches(actual: number, expected: StatusExpectation): boolean {
  if (typeof expected === 'number') return actual === expected
  if (Array.isArray(expected)) return expected.includes(actual)
  return actual >= expected.min && actual <= expected.max
}

/**
 * Checks an HTTP status code against the expectation; a failure means `down`.
 * @example assertStatus(503, { min: 200, max: 399 })
 * // { name: 'status', ok: false, expected: '200..399', actual: '503' }
 */
export function assertStatus(actual: number, expected: StatusExpectation): AssertionResult {
  return {
    name: 'status',
    ok: statusMatches(actual, expected),
    expected: formatStatusExpectation(expected),
    actual: String(actual),
  }
}

/**
 * Checks a measured time against the `degradedAbove` and `failAbove` limits. Each
 * limit that is set gives one assertion (the degraded one is named `${name} (degraded)`);
 * no limits give no assertions and `up`. A time equal to a limit passes.
 * @example assertLatency('response time', 950, { degradedAbove: '800ms', failAbove: '5s' })
 * // { status: 'degraded', assertions: [
 * //   { name: 'response time (degraded)', ok: false, expected: '<= 800ms', actual: '950ms' },
 * //   { name: 'response time', ok: true, expected: '<= 5s', actual: '950ms' } ] }
 * @throws Error when a limit is not a duration (specs are validated before they get here)
 */
export function assertLatency(
  name: string,
  actualMs: number,
  thresholds: LatencyThresholds,
): GradedAssertions {
  const assertions: AssertionResult[] = []
  let status: Severity = 'up'
  const actual = formatMs(actualMs)
  if (thresholds.degradedAbove !== undefined) {
    const ok = actualMs <= parseDuration(thresholds.degradedAbove)
    assertions.push({
      name: `${name} (degraded)`,
      ok,
      expected: `<= ${thresholds.degradedAbove.trim()}`,
      actual,
    })
    if (!ok) status = 'degraded'
  }
  if (thresholds.failAbove !== undefined) {
    const ok = actualMs <= parseDuration(thresholds.failAbove)
    assertions.push({ name, ok, expected: `<= ${thresholds.failAbove.trim()}`, actual })
    if (!ok) status = 'down'
  }
  return { assertions, status }
}

/**
 * Checks packet loss (percent) against the highest loss allowed; a failure means `down`.
 * @example assertPacketLoss(33.333, 0)
 * // { name: 'packet loss', ok: false, expected: '<= 0%', actual: '33.3%' }
 */
export function assertPacketLoss(actualPercent: number, maxPercent: number): AssertionResult {
  return {
    name: 'packet loss',
    ok: actualPercent <= maxPercent,
    expected: `<= ${maxPercent}%`,
    actual: `${Number(actualPercent.toFixed(1))}%`,
  }
}

/**
 * Checks that a TLS certificate stays valid for `minDays` more days. A failure is
 * `degraded`, not `down`: the site still works, someone must renew before it stops.
 * @example assertCertDays(3.5, 14)
 * // { status: 'degraded', assertions: [{ name: 'certificate days left', ok: false, expected: '>= 14', actual: '3.5' }] }
 */
export function assertCertDays(daysLeft: number, minDays: number): GradedAssertions {
  const ok = daysLeft >= minDays
  return {
    status: ok ? 'up' : 'degraded',
    assertions: [
      {
        name: 'certificate days left',
        ok,
        expected: `>= ${minDays}`,
        actual: String(Number(daysLeft.toFixed(1))),
      },
    ],
  }
}

/** The parts of a run's outcome that `shouldFail` turns around. */
export interface Verdict {
  status: CheckStatus
  error?: { code: string; message: string }
  assertions: AssertionResult[]
}

const SHOULD_FAIL = 'should fail'
const SHOULD_FAIL_EXPECTED = 'the check to fail (shouldFail: true)'

/**
 * Turns a verdict around for a check with `shouldFail: true` (e.g. "the admin port
 * must not answer from outside"): a run that failed for any reason is `up`, and a run
 * that passed, even `degraded`, is `down` with ASSERTION_FAILED. An assertion named
 * `should fail`, placed first, says which way it went; the original assertions stay.
 * Two verdicts are kept as they are: `inconclusive` (nothing was learnt about the
 * target) and TIMEOUT (a run that never finished proved nothing either).
 * @example applyShouldFail({ status: 'down', error: { code: 'HTTP_STATUS', message: 'status 404, expected 200..399' }, assertions: [] })
 * // { status: 'up', assertions: [{ name: 'should fail', ok: true,
 * //   expected: 'the check to fail (shouldFail: true)', actual: 'it failed: HTTP_STATUS status 404, expected 200..399' }] }
 */
export function applyShouldFail<V extends Verdict>(verdict: V): V {
  if (verdict.status === 'inconclusive' || verdict.error?.code === ERROR_CODES.TIMEOUT) {
    return verdict
  }
  if (verdict.status === 'down') {
    const { error, ...rest } = verdict
    const failed = verdict.assertions.find((assertion) => !assertion.ok)
    const why = error
      ? `${error.code} ${error.message}`
      : `${failed?.name}: expected ${failed?.expected}, actual ${failed?.actual}`
    return {
      ...rest,
      status: 'up',
      assertions: [
        {
          name: SHOULD_FAIL,
          ok: true,
          expected: SHOULD_FAIL_EXPECTED,
          actual: `it failed: ${why}`,
        },
        ...verdict.assertions,
      ],
    } as V
  }
  return {
    ...verdict,
    status: 'down',
    error: {
      code: ERROR_CODES.ASSERTION_FAILED,
      message: 'the check passed, but shouldFail is set: it was expected to fail',
    },
    assertions: [
      { name: SHOULD_FAIL, ok: false, expected: SHOULD_FAIL_EXPECTED, actual: 'it passed' },
      ...verdict.assertions,
    ],
  }
}

/**
 * The final verdict of a set of assertions: the worst outcome wins. A plain
 * assertion that failed means `down`; graded assertions bring their own severity.
 * @example statusFromAssertions(assertStatus(200, 200), assertLatency('response time', 950, { degradedAbove: '800ms' })) // 'degraded'
 */
export function statusFromAssertions(
  ...outcomes: ReadonlyArray<AssertionResult | GradedAssertions>
): Severity {
  let worst: Severity = 'up'
  for (const outcome of outcomes) {
    const severity: Severity = 'assertions' in outcome ? outcome.status : outcome.ok ? 'up' : 'down'
    if (RANK[severity] > RANK[worst]) worst = severity
  }
  return worst
}
