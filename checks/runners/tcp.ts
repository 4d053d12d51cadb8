/**
 * The TCP runner: connects (with TLS when asked), writes `send` if set, and when
 * `expect.banner` is set reads until the response matches, the server closes the
 * connection, or the runner's deadline passes. Every run opens its own connection
 * and destroys it at the end.
 *
 * Phases: dnsMs (host names only), connectMs (the TCP handshake), tlsMs (the TLS
 * handshake) and ttfbMs (from the ready connection to the first byte received).
 */
import { connect as netConnect, isIP, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { StringDecoder } from 'node:string_decoder'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { assertLatency, statusFromAssertions } from '../assertions.ts'
import { ERROR_CODES, type AssertionResult, type CheckResult } from '../result.ts'
import { tcpTarget as target, type BannerExpectation, type TcpSpec } from '../specs/tcp.ts'
import { startDeadline, type RunnerDeadline } from './deadline.ts'
import { classifyNetworkError } from './network-errors.ts'
import type { Runner, RunContext, RunOutcome } from './types.ts'

type Phases = NonNullable<CheckResult['phases']>

/** A banner or a short reply is what a tcp check reads; the cap bounds memory if a server streams. */
const MAX_RESPONSE_BYTES = 64 * 1024
/** How much of the response an assertion shows. */
const SHOWN_CHARS = 200

export interface TcpRunnerOptions {
  /** Extra TLS options for every connection, e.g. `ca` to trust a private CA. */
  tls?: Pick<ConnectionOptions, 'ca'>
}

/** Where a run was when it failed, to say what did not finish in time. */
type Stage = 'connect' | 'tls' | 'exchange'

/** Why reading stopped. */
type ReadEnd = 'match' | 'closed' | 'limit' | 'deadline' | 'error'

interface Reading {
  text: string
  bytes: number
  end: ReadEnd
  error?: Error
}

function roundMs(ms: number): number {
  return Math.round(Math.max(0, ms) * 1_000) / 1_000
}

/** Opens the connection, recording phases as they finish; resolves once it is ready for data. */
function open(
  spec: TcpSpec,
  options: TcpRunnerOptions,
  signal: AbortSignal,
  phases: Phases,
  progress: { stage: Stage },
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason)
      return
    }
    const { host, port } = spec
    const tls = spec.tls === true ? { insecure: false } : spec.tls || undefined
    const start = performance.now()
    const socket: Socket = tls
      ? tlsConnect({
          ...options.tls,
          host,
          port,
          servername: tls.servername ?? (isIP(host) ? undefined : host),
          rejectUnauthorized: !tls.insecure,
        })
      : netConnect({ host, port })
    let lookupAt: number | undefined
    let connectAt: number | undefined

    const fail = (error: unknown): void => {
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(error)
    }
    const ready = (): void => {
      signal.removeEventListener('abort', onAbort)
      socket.off('error', fail)
      // Later errors reach the write callback or the reader; without a listener an
      // 'error' event between the two would crash the probe.
      socket.on('error', () => undefined)
      resolve(socket)
    }
    const onAbort = (): void => fail(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })

    socket.once('lookup', (error) => {
      if (error) return
      lookupAt = performance.now()
      phases.dnsMs = roundMs(lookupAt - start)
    })
    socket.once('connect', () => {
      connectAt = performance.now()
      phases.connectMs = roundMs(connectAt - (lookupAt ?? start))
      progress.stage = 'tls'
      if (!tls) ready()
    })
    socket.once('secureConnect', () => {
      phases.tlsMs = roundMs(performance.now() - (connectAt ?? start))
      ready()
    })
    socket.once('error', fail)
  })
}

/** Writes `payload`; gives up at `signal`, since a server that never reads can hold a write back. */
function write(socket: Socket, payload: string, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    socket.write(payload, (error) => {
      signal.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve()
    })
  })
}

function matcher(expected: BannerExpectation): (text: string) => boolean {
  if (typeof expected === 'string') return (text) => text.includes(expected)
  const pattern = new RegExp(expected.matches)
  return (text) => pattern.test(text)
}

function describeExpected(expected: BannerExpectation): string {
  return typeof expected === 'string'
    ? `contains ${JSON.stringify(expected)}`
    : `matches /${expected.matches}/`
}

/** The response as an assertion shows it: quoted, so that \r\n and padding are visible. */
function describeReceived(text: string): string {
  if (text === '') return '(nothing received)'
  const shown = JSON.stringify(text.slice(0, SHOWN_CHARS))
  return text.length > SHOWN_CHARS ? `${shown}... (${text.length} chars)` : shown
}

/**
 * Reads until `matches` accepts the text received so far, the server closes or resets
 * the connection, MAX_RESPONSE_BYTES arrive, or `signal` aborts. Never rejects.
 */
function readResponse(
  socket: Socket,
  matches: (text: string) => boolean,
  signal: AbortSignal,
  onFirstByte: () => void,
): Promise<Reading> {
  return new Promise((resolve) => {
    const decoder = new StringDecoder('utf8')
    let text = ''
    let bytes = 0
    const finish = (end: ReadEnd, error?: Error): void => {
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
      signal.removeEventListener('abort', onAbort)
      resolve(error ? { text, bytes, end, error } : { text, bytes, end })
    }
    const onData = (chunk: Buffer): void => {
      if (bytes === 0) onFirstByte()
      bytes += chunk.length
      text += decoder.write(chunk)
      if (matches(text)) finish('match')
      else if (bytes >= MAX_RESPONSE_BYTES) finish('limit')
    }
    const onEnd = (): void => {
      text += decoder.end()
      finish(matches(text) ? 'match' : 'closed')
    }
    const onError = (error: Error): void => finish('error', error)
    const onAbort = (): void => finish('deadline')
    socket.on('data', onData)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
    socket.once('error', onError)
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** The error of a run that failed before it had a connection, or while sending. */
function connectionFailure(
  error: unknown,
  spec: TcpSpec,
  ctx: RunContext,
  deadline: RunnerDeadline,
  stage: Stage,
): NonNullable<RunOutcome['error']> {
  if (ctx.signal.aborted) {
    return { code: ERROR_CODES.TIMEOUT, message: 'run aborted at its timeout' }
  }
  if (deadline.passed()) {
    const what =
      stage === 'connect'
        ? `no connection to ${target(spec)}`
        : stage === 'tls'
          ? `the TLS handshake with ${target(spec)} did not finish`
          : `could not send to ${target(spec)}`
    return {
      code: ERROR_CODES.CONNECT_TIMEOUT,
      message: `${what} within ${Math.round(deadline.budgetMs)}ms`,
    }
  }
  return classifyNetworkError(error)
}

/** Why a response did not match, when the connection itself worked. */
function mismatch(
  reading: Reading,
  spec: TcpSpec,
  expected: string,
  deadline: RunnerDeadline,
): NonNullable<RunOutcome['error']> {
  const got = `${reading.bytes} bytes received`
  const message =
    reading.end === 'closed'
      ? `${target(spec)} closed the connection without a response that ${expected} (${got})`
      : reading.end === 'limit'
        ? `no response that ${expected} in the first ${MAX_RESPONSE_BYTES} bytes`
        : `no response that ${expected} within ${Math.round(deadline.budgetMs)}ms (${got})`
  return { code: ERROR_CODES.ASSERTION_FAILED, message }
}

/**
 * Builds a TCP runner. Production uses {@link run}; the options let a caller trust a
 * private CA (and tests trust their own loopback certificate).
 */
export function createTcpRunner(options: TcpRunnerOptions = {}): Runner<'tcp'> {
  return async (spec, ctx) => {
    const deadline = startDeadline(spec.timeout, ctx.signal)
    const started = performance.now()
    const phases: Phases = {}
    const progress = { stage: 'connect' as Stage }
    let socket: Socket | undefined
    try {
      socket = await open(spec, options, deadline.signal, phases, progress)
      progress.stage = 'exchange'
      const readyAt = performance.now()
      const banner = spec.expect.banner
      const reading = banner
        ? readResponse(socket, matcher(banner), deadline.signal, () => {
            phases.ttfbMs = roundMs(performance.now() - readyAt)
          })
        : undefined
      if (spec.send !== undefined) await write(socket, spec.send, deadline.signal)
      const metrics: Record<string, number> = { connectMs: phases.connectMs ?? 0 }
      const assertions: AssertionResult[] = []
      if (banner && reading) {
        const read = await reading
        metrics.responseBytes = read.bytes
        const expected = describeExpected(banner)
        const assertion = {
          name: 'banner',
          ok: read.end === 'match',
          expected,
          actual: describeReceived(read.text),
        }
        assertions.push(assertion)
        if (!assertion.ok) {
          const error =
            read.end === 'error' || ctx.signal.aborted
              ? connectionFailure(read.error, spec, ctx, deadline, progress.stage)
              : mismatch(read, spec, expected, deadline)
          return { status: 'down', error, phases, assertions, metrics }
        }
      }
      const latency = assertLatency('response time', performance.now() - started, spec.expect)
      const outcome: RunOutcome = {
        status: statusFromAssertions(...assertions, latency),
        phases,
        assertions: [...assertions, ...latency.assertions],
        metrics,
      }
      if (latency.status === 'down') {
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
      return {
        status: 'down',
        error: connectionFailure(error, spec, ctx, deadline, progress.stage),
        phases,
        assertions: [],
      }
    } finally {
      deadline.clear()
      socket?.destroy()
    }
  }
}

/** Runs one TCP check over a fresh connection; see the file comment for phases. */
export const run: Runner<'tcp'> = createTcpRunner()
