/**
 * The HTTP(S) runner. Every run opens its own connection (a fresh undici Agent,
 * destroyed afterwards) so that DNS, TCP and TLS are measured on each run instead of
 * being hidden by a kept-alive socket, and so that a TLS session is never resumed.
 *
 * Phases come from our own `connect` function (http-connect.ts): dnsMs, connectMs
 * and tlsMs are summed over the connections of a run (a redirect to another origin
 * opens a second one); ttfbMs is the rest of the time until the final response's
 * headers, i.e. server time plus the earlier redirect hops; transferMs is the time
 * to read the final body.
 *
 * Metrics: httpStatus, responseBytes, httpVersion (1.1, or 2 when the server chose
 * HTTP/2), redirects, ipVersion, and on https certDaysLeft and certValid. Details:
 * the certificate's subject, issuer, SANs, expiry and verification, the final URL
 * after redirects, and the address connected to.
 */
import type { Readable } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { applyShouldFail } from '../assertions.ts'
import { boundDetail, ERROR_CODES, type CheckResult } from '../result.ts'
import type { HttpSpec } from '../spec.ts'
import {
  ConnectionLog,
  originKey,
  timedConnect,
  type ConnectionFacts,
  type ConnectOptions,
} from './http-connect.ts'
import {
  certificateAssertions,
  evaluateResponse,
  MAX_BODY_TEXT_BYTES,
  needsBodyText,
} from './http-expectations.ts'
import {
  prepareRequest,
  RedirectError,
  sendFollowingRedirects,
  type RequestProgress,
} from './http-request.ts'
import { classifyNetworkError } from './network-errors.ts'
import { certificateDetails, certificateMetrics } from './tls-info.ts'
import type { Runner, RunOutcome } from './types.ts'
import { Agent } from './undici-core.ts'

/** Kept here too: callers and tests imported it from the http runner first. */
export { classifyNetworkError } from './network-errors.ts'

type Phases = NonNullable<CheckResult['phases']>

export interface HttpRunnerOptions {
  /**
   * TLS options for every check this runner runs: `ca`, CA certificates to trust
   * instead of the public roots. A check's own `tls.ca` wins over it.
   */
  tls?: { ca?: ConnectOptions['ca'] }
}

/** Microsecond precision is plenty and keeps results compact. */
function roundMs(ms: number): number {
  return Math.round(Math.max(0, ms) * 1_000) / 1_000
}

function roundPhases(phases: Phases): Phases {
  const rounded: Phases = {}
  for (const [name, ms] of Object.entries(phases) as [keyof Phases, number | undefined][]) {
    if (ms !== undefined) rounded[name] = roundMs(ms)
  }
  return rounded
}

/** Bytes and, when `keepText`, the first MAX_BODY_TEXT_BYTES as text. */
interface BodyRead {
  bytes: number
  chunks: Buffer[]
  keptBytes: number
  truncated: boolean
}

/** Reason given to the per-run agent when it is torn down after a complete response. */
const RUN_FINISHED = new Error('http run finished')
// Format the stack once now; every later destroy reuses it.
void RUN_FINISHED.stack

/** Reads the whole body into `read`, so that a body cut short still counts what came. */
async function readBody(body: Readable, keepText: boolean, read: BodyRead): Promise<void> {
  for await (const chunk of body) {
    const buffer = chunk as Buffer
    read.bytes += buffer.length
    if (!keepText) continue
    const room = MAX_BODY_TEXT_BYTES - read.keptBytes
    if (buffer.length > room) read.truncated = true
    if (room > 0) {
      const kept = buffer.subarray(0, room)
      read.chunks.push(kept)
      read.keptBytes += kept.length
    }
  }
}

/** What the connection to the final (or failing) origin tells: metrics and details. */
function connectionReport(
  facts: ConnectionFacts | undefined,
  now: number,
): { metrics: Record<string, number>; details: Record<string, string> } {
  const metrics: Record<string, number> = {}
  let details: Record<string, string> = {}
  if (facts?.ipVersion) metrics.ipVersion = facts.ipVersion
  if (facts?.remoteAddress) details.remoteAddress = facts.remoteAddress
  if (facts?.certificate) {
    Object.assign(metrics, certificateMetrics(facts.certificate, now))
    details = { ...certificateDetails(facts.certificate), ...details }
  }
  return { metrics, details }
}

/**
 * Builds an HTTP runner. Production uses {@link run}; the options let a caller
 * trust a private CA for every check (tests trust their own loopback CA).
 */
export function createHttpRunner(options: HttpRunnerOptions = {}): Runner<'http'> {
  return async (spec, ctx) => {
    const outcome = await runOnce(spec, ctx.signal, ctx.now, options)
    return spec.expect.shouldFail ? applyShouldFail(outcome) : outcome
  }
}

async function runOnce(
  spec: HttpSpec,
  signal: AbortSignal,
  now: () => number,
  options: HttpRunnerOptions,
): Promise<RunOutcome> {
  const log = new ConnectionLog()
  const connect: ConnectOptions = {
    signal,
    ca: spec.tls?.ca ?? options.tls?.ca,
    insecure: spec.insecure,
    ipFamily: spec.ipFamily,
  }
  // One connection per origin: the agent then makes a bare Client for each origin instead
  // of a Pool around one, whose bookkeeping a run that sends one request at a time never
  // uses (about a tenth of the probe's CPU per check at 100 checks a second).
  const agent = new Agent({ connect: timedConnect(log, connect), connections: 1 })
  const first = prepareRequest(spec)
  const progress: RequestProgress = { url: first.url, redirects: 0 }
  const body: BodyRead = { bytes: 0, chunks: [], keptBytes: 0, truncated: false }
  const started = performance.now()
  let headersAt: number | undefined

  const measured = (): Phases => {
    const phases: Phases = { ...log.totals }
    if (headersAt !== undefined) {
      phases.ttfbMs = headersAt - started - log.sum()
      phases.transferMs = performance.now() - headersAt
    }
    return roundPhases(phases)
  }
  /** Metrics and details of the run so far, from the connection of the URL reached last. */
  const report = () => {
    const url = progress.url
    const facts = log.factsFor(originKey(url.protocol, url.hostname, url.port))
    const { metrics, details } = connectionReport(facts, now())
    if (progress.status !== undefined) {
      metrics.httpStatus = progress.status
      metrics.httpVersion = facts?.alpn === 'h2' ? 2 : 1.1
      metrics.redirects = progress.redirects
    }
    if (headersAt !== undefined) metrics.responseBytes = body.bytes
    if (progress.redirects > 0) details.finalUrl = boundDetail(url.href)
    return {
      ...(Object.keys(metrics).length > 0 && { metrics }),
      ...(Object.keys(details).length > 0 && { details }),
      certificate: facts?.certificate,
    }
  }

  let finished = false
  try {
    const response = await sendFollowingRedirects(
      agent,
      first,
      spec.followRedirects,
      progress,
      signal,
    )
    headersAt = performance.now()
    const keepText = needsBodyText(spec.expect)
    await readBody(response.body, keepText, body)
    finished = true
    const totalMs = performance.now() - started
    // Before the expectations run: a regex over a large body is not transfer time.
    const phases = measured()
    const { certificate, ...reported } = report()
    const verdict = evaluateResponse(
      spec.expect,
      {
        status: response.statusCode,
        headers: response.headers,
        ...(keepText && {
          body: { text: Buffer.concat(body.chunks).toString('utf8'), truncated: body.truncated },
        }),
        totalMs,
        ...(certificate && { certificate }),
      },
      now(),
    )
    return { ...verdict, phases, ...reported }
  } catch (error) {
    const failure = signal.aborted
      ? { code: ERROR_CODES.TIMEOUT, message: 'run aborted at its timeout' }
      : error instanceof RedirectError
        ? { code: error.code, message: error.message }
        : classifyNetworkError(error)
    const { certificate, ...reported } = report()
    // An expired certificate still says how long ago, next to the error.
    const days = certificateAssertions(spec.expect, certificate, now())
    return {
      status: 'down',
      error: failure,
      phases: measured(),
      assertions: days?.assertions ?? [],
      ...reported,
    }
  } finally {
    // destroy, not close: close would wait for a hung response to finish. After a complete
    // response nothing is pending, so a prebuilt error spares undici building (and Node
    // source-mapping) a fresh stack per run: about a quarter of the runner's CPU.
    await agent.destroy(finished ? RUN_FINISHED : null).catch(() => undefined)
  }
}

/** Runs one HTTP(S) check over a fresh connection; see the file comment for phases. */
export const run: Runner<'http'> = createHttpRunner()
