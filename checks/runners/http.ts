/**
 * The HTTP(S) runner. Every run opens its own connection (a fresh undici Agent,
 * destroyed afterwards) so that DNS, TCP and TLS are measured on each run instead of
 * being hidden by a kept-alive socket, and so that a TLS session is never resumed.
 *
 * Phases come from our own `connect` function (undici has no timing hooks):
 * dnsMs, connectMs and tlsMs are summed over the connections of a run (a redirect
 * to another origin opens a second one); ttfbMs is the rest of the time until the
 * final response's headers, i.e. server time plus the earlier redirect hops;
 * transferMs is the time to read the final body.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { Agent, interceptors, request, type buildConnector } from 'undici'
import { assertLatency, assertStatus, statusFromAssertions } from '../assertions.ts'
import { ERROR_CODES, type CheckResult } from '../result.ts'
import type { HttpSpec } from '../spec.ts'
import type { Runner, RunOutcome } from './types.ts'

type Phases = NonNullable<CheckResult['phases']>

/** Enough for the usual http -> https -> canonical host -> login chains; more is a loop. */
const MAX_REDIRECTS = 5
const USER_AGENT = 'Vantage-Probe/0.1 (synthetic monitoring)'

export interface HttpRunnerOptions {
  /** Extra TLS options for every connection, e.g. `ca` to trust a private CA. */
  tls?: Pick<ConnectionOptions, 'ca'>
}

/** Sums connection phases over every connection a run opens. */
class ConnectPhases {
  readonly totals: Pick<Phases, 'dnsMs' | 'connectMs' | 'tlsMs'> = {}

  add(phase: 'dnsMs' | 'connectMs' | 'tlsMs', ms: number): void {
    this.totals[phase] = (this.totals[phase] ?? 0) + ms
  }

  sum(): number {
    return (this.totals.dnsMs ?? 0) + (this.totals.connectMs ?? 0) + (this.totals.tlsMs ?? 0)
  }
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

/**
 * A connect function that records when DNS, TCP and TLS finish. It also destroys a
 * socket still connecting when the run is aborted: undici does not own the socket
 * yet, so nothing else would.
 */
function timedConnect(
  phases: ConnectPhases,
  signal: AbortSignal,
  tlsOptions: HttpRunnerOptions['tls'],
): buildConnector.connector {
  return (options, callback) => {
    if (signal.aborted) {
      callback(signal.reason instanceof Error ? signal.reason : new Error('aborted'), null)
      return
    }
    const secure = options.protocol === 'https:'
    const host = options.hostname
    const port = Number(options.port) || (secure ? 443 : 80)
    const start = performance.now()
    const socket: Socket = secure
      ? tlsConnect({
          ...tlsOptions,
          host,
          port,
          servername: options.servername || (isIP(host) ? undefined : host),
          ALPNProtocols: ['http/1.1'],
        })
      : netConnect({ host, port })
    let lookupAt: number | undefined
    let connectAt: number | undefined
    let settled = false

    const settle = (error?: Error): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (error) {
        socket.destroy()
        callback(error, null)
      } else {
        callback(null, socket)
      }
    }
    const onAbort = (): void => settle(new Error('aborted while connecting'))
    signal.addEventListener('abort', onAbort, { once: true })

    socket.setNoDelay(true)
    socket.once('lookup', (error) => {
      if (error) return
      lookupAt = performance.now()
      phases.add('dnsMs', lookupAt - start)
    })
    socket.once('connect', () => {
      connectAt = performance.now()
      phases.add('connectMs', connectAt - (lookupAt ?? start))
      if (!secure) settle()
    })
    socket.once('secureConnect', () => {
      phases.add('tlsMs', performance.now() - (connectAt ?? start))
      settle()
    })
    socket.once('error', (error) => settle(error))
  }
}

/** Network error codes, as set by Node, OpenSSL and undici, mapped to result codes. */
const CODE_MAP: Record<string, { code: string; what: string }> = {
  ECONNREFUSED: { code: ERROR_CODES.CONNECT_REFUSED, what: 'connection refused' },
  ENOTFOUND: { code: ERROR_CODES.DNS_NXDOMAIN, what: 'host name not found' },
  EAI_AGAIN: { code: ERROR_CODES.DNS_TIMEOUT, what: 'DNS lookup failed temporarily' },
  ETIMEDOUT: { code: ERROR_CODES.CONNECT_TIMEOUT, what: 'connect timed out' },
  UND_ERR_CONNECT_TIMEOUT: { code: ERROR_CODES.CONNECT_TIMEOUT, what: 'connect timed out' },
  ECONNRESET: { code: ERROR_CODES.CONNECT_RESET, what: 'connection reset' },
  EPIPE: { code: ERROR_CODES.CONNECT_RESET, what: 'connection closed while sending' },
  UND_ERR_SOCKET: { code: ERROR_CODES.CONNECT_RESET, what: 'connection closed by the server' },
  UND_ERR_CLOSED: { code: ERROR_CODES.CONNECT_RESET, what: 'connection closed' },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    code: ERROR_CODES.CONNECT_RESET,
    what: 'response body cut short',
  },
}
/** OpenSSL verification codes and Node's TLS codes: certificate or handshake problems. */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH)/

/**
 * Maps a network error (or one it wraps as `cause`) to a stable result code and a
 * message that says what happened in words, followed by the system's own message.
 * @example classifyNetworkError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
 * // { code: 'CONNECT_REFUSED', message: 'connection refused (connect ECONNREFUSED 127.0.0.1:1)' }
 */
export function classifyNetworkError(error: unknown): { code: string; message: string } {
  const chain: Error[] = []
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e)
  for (const e of chain) {
    const code = (e as NodeJS.ErrnoException).code ?? ''
    const known = CODE_MAP[code]
    if (known) return { code: known.code, message: `${known.what} (${e.message})` }
    const tls = TLS_CODE.test(code)
    if (tls) return { code: ERROR_CODES.TLS_ERROR, message: `TLS: ${e.message} (${code})` }
  }
  const message = chain.map((e) => e.message).join(': ') || String(error)
  return { code: ERROR_CODES.NETWORK, message }
}

function requestHeaders(spec: HttpSpec): Record<string, string> {
  const userSetAgent = Object.keys(spec.headers).some((name) => name.toLowerCase() === 'user-agent')
  return userSetAgent ? spec.headers : { 'user-agent': USER_AGENT, ...spec.headers }
}

/**
 * Builds an HTTP runner. Production uses {@link run}; the options let a caller
 * trust a private CA (and tests trust their own loopback certificate).
 */
export function createHttpRunner(options: HttpRunnerOptions = {}): Runner<'http'> {
  return async (spec, ctx) => {
    const connectPhases = new ConnectPhases()
    const agent = new Agent({ connect: timedConnect(connectPhases, ctx.signal, options.tls) })
    const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }))
    const started = performance.now()
    let headersAt: number | undefined
    let httpStatus: number | undefined
    let responseBytes = 0

    const measured = (): Phases => {
      const phases: Phases = { ...connectPhases.totals }
      if (headersAt !== undefined) {
        phases.ttfbMs = headersAt - started - connectPhases.sum()
        phases.transferMs = performance.now() - headersAt
      }
      return roundPhases(phases)
    }

    try {
      const response = await request(spec.url, {
        dispatcher,
        method: spec.method,
        headers: requestHeaders(spec),
        body: spec.body,
        signal: ctx.signal,
      })
      headersAt = performance.now()
      httpStatus = response.statusCode
      for await (const chunk of response.body) responseBytes += (chunk as Buffer).length
      const totalMs = performance.now() - started

      const status = assertStatus(response.statusCode, spec.expect.status)
      const latency = assertLatency('response time', totalMs, spec.expect)
      const outcome: RunOutcome = {
        status: statusFromAssertions(status, latency),
        phases: measured(),
        assertions: [status, ...latency.assertions],
        metrics: { httpStatus, responseBytes },
      }
      if (!status.ok) {
        outcome.error = {
          code: ERROR_CODES.HTTP_STATUS,
          message: `status ${status.actual}, expected ${status.expected}`,
        }
      } else if (latency.status === 'down') {
        const failed = latency.assertions.find(
          (assertion) => !assertion.ok && assertion.name === 'response time',
        )
        outcome.error = {
          code: ERROR_CODES.LATENCY,
          message: `response time ${failed?.actual}, expected ${failed?.expected}`,
        }
      }
      return outcome
    } catch (error) {
      const failure = ctx.signal.aborted
        ? { code: ERROR_CODES.TIMEOUT, message: 'run aborted at its timeout' }
        : classifyNetworkError(error)
      const outcome: RunOutcome = {
        status: 'down',
        error: failure,
        phases: measured(),
        assertions: [],
      }
      if (httpStatus !== undefined) outcome.metrics = { httpStatus, responseBytes }
      return outcome
    } finally {
      // destroy, not close: close would wait for a hung response to finish.
      await agent.destroy().catch(() => undefined)
    }
  }
}

/** Runs one HTTP(S) check over a fresh connection; see the file comment for phases. */
export const run: Runner<'http'> = createHttpRunner()
