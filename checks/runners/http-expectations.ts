/**
 * Judges an HTTP response against the check's `expect`: status, headers, body, JSON
 * paths, latency and the certificate's remaining days. The order of the assertions is
 * the order a person reads them in, and the first failure in that order names the
 * result's error code.
 */
import {
  assertCertDays,
  assertLatency,
  assertStatus,
  statusFromAssertions,
  type GradedAssertions,
} from '../assertions.ts'
import { assertJson, assertText, parseJsonBody, type ParsedBody } from '../content-assertions.ts'
import { ERROR_CODES, type AssertionResult } from '../result.ts'
import type { HttpSpec } from '../spec.ts'
import type { RunOutcome } from './types.ts'
import type { PeerCertificateInfo } from './tls-info.ts'

type Expect = HttpSpec['expect']
type Verdict = Pick<RunOutcome, 'status' | 'error' | 'assertions'>

/** The body text kept for expectations; the rest is counted, not kept. */
export const MAX_BODY_TEXT_BYTES = 1024 * 1024

export interface ResponseFacts {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The body as text (UTF-8), present when an expectation reads it. */
  body?: { text: string; truncated: boolean }
  /** From the request to the end of the body. */
  totalMs: number
  /** The final connection's certificate, on https. */
  certificate?: PeerCertificateInfo
}

/** True when an expectation reads the body, which is then kept (up to 1 MiB). */
export function needsBodyText(expect: Expect): boolean {
  return expect.body !== undefined || expect.json !== undefined
}

/** The certificate's days against `certMinDays`; undefined when either is missing. */
export function certificateAssertions(
  expect: Expect,
  certificate: PeerCertificateInfo | undefined,
  now: number,
): GradedAssertions | undefined {
  if (expect.certMinDays === undefined || !certificate || Number.isNaN(certificate.validTo)) {
    return undefined
  }
  return assertCertDays((certificate.validTo - now) / 86_400_000, expect.certMinDays)
}

function headerText(headers: ResponseFacts['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value.join(', ') : value
}

function parsedBody(body: ResponseFacts['body']): ParsedBody {
  if (!body) return { ok: false, error: 'body not read' }
  if (body.truncated) {
    return { ok: false, error: `body is larger than ${MAX_BODY_TEXT_BYTES} bytes, read as JSON` }
  }
  return parseJsonBody(body.text)
}

function failure(code: string, assertion: AssertionResult): Verdict['error'] {
  return {
    code,
    message: `${assertion.name}: expected ${assertion.expected}, actual ${assertion.actual}`,
  }
}

/**
 * Every assertion of the response and the verdict they reach.
 * @example evaluateResponse(spec.expect, { status: 503, headers: {}, totalMs: 12 }, Date.now())
 * // { status: 'down', error: { code: 'HTTP_STATUS', message: 'status 503, expected 200..399' }, assertions: [...] }
 */
export function evaluateResponse(expect: Expect, response: ResponseFacts, now: number): Verdict {
  const status = assertStatus(response.status, expect.status)
  const content: AssertionResult[] = []
  for (const [name, expected] of Object.entries(expect.headers ?? {})) {
    const want = typeof expected === 'string' ? { equals: expected } : expected
    content.push(...assertText(`header ${name}`, headerText(response.headers, name), want))
  }
  if (expect.body) content.push(...assertText('body', response.body?.text, expect.body))
  if (expect.json) {
    const body = parsedBody(response.body)
    for (const expectation of expect.json) content.push(...assertJson(body, expectation))
  }
  const latency = assertLatency('response time', response.totalMs, expect)
  const certificate = certificateAssertions(expect, response.certificate, now)
  const graded = certificate ? [latency, certificate] : [latency]

  const verdict: Verdict = {
    status: statusFromAssertions(status, ...content, ...graded),
    assertions: [status, ...content, ...graded.flatMap((outcome) => outcome.assertions)],
  }
  const failedContent = content.find((assertion) => !assertion.ok)
  const slow = latency.assertions.find((a) => !a.ok && a.name === 'response time')
  if (!status.ok) {
    verdict.error = {
      code: ERROR_CODES.HTTP_STATUS,
      message: `status ${status.actual}, expected ${status.expected}`,
    }
  } else if (failedContent) {
    verdict.error = failure(ERROR_CODES.ASSERTION_FAILED, failedContent)
  } else if (latency.status === 'down' && slow) {
    verdict.error = {
      code: ERROR_CODES.LATENCY,
      message: `response time ${slow.actual}, expected ${slow.expected}`,
    }
  }
  return verdict
}
