/**
 * The DNS runner: one query through Node's resolver (c-ares), to `spec.server` or to
 * the probe's system resolvers. Every run builds its own Resolver, so that c-ares'
 * query cache never answers in the server's place and the lookup time is real.
 *
 * Node reports a response's rcode only through its error codes: ENOTFOUND is
 * NXDOMAIN, ENODATA a NOERROR without answers of the type, ESERVFAIL, EREFUSED,
 * ENOTIMP and EFORMERR the others. Those rcodes are results to check, not failures.
 */
import { Resolver } from 'node:dns/promises'
import { performance } from 'node:perf_hooks'
import { assertLatency, statusFromAssertions } from '../assertions.ts'
import { ERROR_CODES, type AssertionResult } from '../result.ts'
import { formatDnsServer, parseDnsServer, type DnsRcode, type DnsSpec } from '../specs/dns.ts'
import { startDeadline, type RunnerDeadline } from './deadline.ts'
import { formatAnswers, normalizeRecord, queryRecords } from './dns-records.ts'
import type { Runner, RunContext, RunOutcome } from './types.ts'

/** Resolver errors that carry a response, and the rcode of that response. */
const RCODE_OF_ERROR: Record<string, DnsRcode> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NOERROR',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  ENOTIMP: 'NOTIMP',
  EFORMERR: 'FORMERR',
}

/** The code of a result whose rcode was not the expected one. */
const CODE_OF_RCODE: Partial<Record<DnsRcode, string>> = {
  NXDOMAIN: ERROR_CODES.DNS_NXDOMAIN,
  SERVFAIL: ERROR_CODES.DNS_SERVFAIL,
  REFUSED: ERROR_CODES.DNS_REFUSED,
}

/** One retry covers a lost UDP packet; the runner's deadline bounds the whole query. */
const TRIES = 2
/** c-ares doubles the wait on each retry, so 1 + 2 shares of the budget. */
const TIMEOUT_SHARES = 3
const MIN_TRY_MS = 100

interface Response {
  rcode: DnsRcode
  answers: string[]
}

function serverLabel(spec: DnsSpec): string {
  return spec.server ?? 'the system resolver'
}

async function query(spec: DnsSpec, deadline: RunnerDeadline): Promise<Response> {
  const resolver = new Resolver({
    timeout: Math.max(MIN_TRY_MS, Math.floor(deadline.budgetMs / TIMEOUT_SHARES)),
    tries: TRIES,
  })
  const server = spec.server === undefined ? undefined : parseDnsServer(spec.server)
  if (server) resolver.setServers([formatDnsServer(server)])
  const onAbort = (): void => resolver.cancel()
  deadline.signal.addEventListener('abort', onAbort, { once: true })
  try {
    return { rcode: 'NOERROR', answers: await queryRecords(resolver, spec.name, spec.type) }
  } catch (error) {
    const rcode = RCODE_OF_ERROR[(error as NodeJS.ErrnoException).code ?? '']
    if (rcode) return { rcode, answers: [] }
    throw error
  } finally {
    deadline.signal.removeEventListener('abort', onAbort)
  }
}

/** A query that got no response at all: the resolver is silent, unreachable or broken. */
function noResponse(
  error: unknown,
  spec: DnsSpec,
  ctx: RunContext,
  deadline: RunnerDeadline,
): RunOutcome['error'] {
  const code = (error as NodeJS.ErrnoException).code
  const server = serverLabel(spec)
  if (ctx.signal.aborted) {
    return { code: ERROR_CODES.TIMEOUT, message: 'run aborted at its timeout' }
  }
  if (deadline.passed() || code === 'ETIMEOUT') {
    return {
      code: ERROR_CODES.DNS_TIMEOUT,
      message: `no answer from ${server} for ${spec.name} ${spec.type} within ${Math.round(deadline.budgetMs)}ms`,
    }
  }
  if (code === 'ECONNREFUSED') {
    return {
      code: ERROR_CODES.CONNECT_REFUSED,
      message: `${server} could not be reached (nothing listens on its port?) (${(error as Error).message})`,
    }
  }
  return { code: ERROR_CODES.NETWORK, message: `query to ${server} failed: ${String(error)}` }
}

/** The answer expectations that are set, each against the answers received. */
function assertAnswers(spec: DnsSpec, answers: string[]): AssertionResult[] {
  const expected = spec.expect.answers
  if (!expected) return []
  const { type } = spec
  const actual = formatAnswers(type, answers)
  const assertions: AssertionResult[] = []
  if (expected.equals) {
    const want = [...new Set(expected.equals.map((text) => normalizeRecord(type, text)))].sort()
    const got = [...new Set(answers)].sort()
    assertions.push({
      name: 'answers equal',
      ok: want.length === got.length && want.every((text, index) => text === got[index]),
      expected: formatAnswers(type, want),
      actual,
    })
  }
  if (expected.contains !== undefined) {
    const want = normalizeRecord(type, expected.contains)
    assertions.push({
      name: 'answers contain',
      ok: answers.includes(want),
      expected: type === 'TXT' ? JSON.stringify(want) : want,
      actual,
    })
  }
  if (expected.matches !== undefined) {
    const pattern = new RegExp(expected.matches)
    assertions.push({
      name: 'answers match',
      ok: answers.some((text) => pattern.test(text)),
      expected: `/${expected.matches}/`,
      actual,
    })
  }
  return assertions
}

/**
 * Queries `spec.name` for `spec.type` once. Checks the rcode (`expect.rcode`, default
 * NOERROR), the answers (`expect.answers`) and the lookup time. Metrics: lookupMs and
 * answers (their count).
 */
export const run: Runner<'dns'> = async (spec, ctx) => {
  const deadline = startDeadline(spec.timeout, ctx.signal)
  const started = performance.now()
  let response: Response
  try {
    if (deadline.signal.aborted) throw deadline.signal.reason
    response = await query(spec, deadline)
  } catch (error) {
    return { status: 'down', error: noResponse(error, spec, ctx, deadline), assertions: [] }
  } finally {
    deadline.clear()
  }
  const lookupMs = Math.round((performance.now() - started) * 1_000) / 1_000

  const rcode: AssertionResult = {
    name: 'rcode',
    ok: response.rcode === spec.expect.rcode,
    expected: spec.expect.rcode,
    actual: response.rcode,
  }
  const answers = assertAnswers(spec, response.answers)
  const latency = assertLatency('lookup time', lookupMs, spec.expect)
  const outcome: RunOutcome = {
    status: statusFromAssertions(rcode, ...answers, latency),
    assertions: [rcode, ...answers, ...latency.assertions],
    metrics: { lookupMs, answers: response.answers.length },
  }
  const failedAnswer = answers.find((assertion) => !assertion.ok)
  if (!rcode.ok) {
    outcome.error = {
      code: CODE_OF_RCODE[response.rcode] ?? ERROR_CODES.ASSERTION_FAILED,
      message: `${spec.name} ${spec.type} got ${response.rcode} from ${serverLabel(spec)}, expected ${rcode.expected}`,
    }
  } else if (failedAnswer) {
    outcome.error = {
      code: ERROR_CODES.ASSERTION_FAILED,
      message: `${failedAnswer.name}: expected ${failedAnswer.expected}, actual ${failedAnswer.actual}`,
    }
  } else if (latency.status === 'down') {
    const failed = latency.assertions.find(
      (assertion) => !assertion.ok && assertion.name === 'lookup time',
    )
    outcome.error = {
      code: ERROR_CODES.LATENCY,
      message: `lookup time ${failed?.actual}, expected ${failed?.expected}`,
    }
  }
  return outcome
}
