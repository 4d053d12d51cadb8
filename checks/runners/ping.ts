/**
 * The ICMP ping runner, through the `ping` package (0.4), which runs the system
 * `ping` and parses its text output.
 *
 * A probe that cannot ping (no binary on PATH, no permission to open an ICMP
 * socket) says so: the result is `inconclusive` with CAPABILITY_MISSING, never
 * `down`, because the target may be perfectly fine.
 */
import ping from 'ping'
import { assertLatency, assertPacketLoss, statusFromAssertions } from '../assertions.ts'
import { parseDuration } from '../duration.ts'
import { ERROR_CODES } from '../result.ts'
import { pingWaitMs, type PingSpec } from '../specs/ping.ts'
import type { Runner, RunOutcome } from './types.ts'
import { findOnPath } from './find-on-path.ts'

type PingResponse = Awaited<ReturnType<typeof ping.promise.probe>>
type PingConfig = NonNullable<Parameters<typeof ping.promise.probe>[1]>

const PING_BINARY = 'ping'
/** What iputils, BSD and busybox print when the process may not open an ICMP socket. */
const NO_PERMISSION =
  /operation not permitted|permission denied|missing cap_net_raw|are you root|must be root|lacking privilege/i
/** Resolver failures as printed by iputils (glibc messages) and BSD ping; with -4/-6, no address of that family. */
const NAME_NOT_FOUND =
  /unknown host|name or service not known|no address associated|nodename nor servname|address family for hostname not supported/i
const NAME_TEMPORARY_FAILURE = /temporary failure in name resolution/i

/**
 * Runs the system ping once. ping 0.4 sets `process.env.LANG = 'C'` in our own
 * process (so that it can parse English output); we put LANG back right after the
 * spawn so the rest of the probe keeps its locale.
 */
function probe(host: string, config: PingConfig, flags: string[] = []): Promise<PingResponse> {
  const lang = process.env.LANG
  try {
    return ping.promise.probe(host, {
      ...config,
      // iputils' `ping` handles IPv6 itself (-6); with v6 true, ping 0.4 would run the
      // separate `ping6` binary, which current distributions no longer ship.
      v6: false,
      // "--" ends option parsing, so a host such as "-f" is never read as a flag.
      extra: [...flags, '--'],
    })
  } finally {
    if (lang === undefined) delete process.env.LANG
    else process.env.LANG = lang
  }
}

/** The options ping 0.4 has no setting for: the interval and the IP version. */
function pingFlags(spec: PingSpec): string[] {
  const flags = ['-i', String(parseDuration(spec.interval) / 1_000)]
  if (spec.ipFamily !== 'auto') flags.push(`-${spec.ipFamily}`)
  return flags
}

/** ping 0.4 reports numbers as strings, and 'unknown' when it found none. */
function toNumber(text: string | number | undefined): number | undefined {
  const value = Number(text)
  return text === undefined || text === 'unknown' || !Number.isFinite(value) ? undefined : value
}

const timedOut = (): RunOutcome => ({
  status: 'down',
  error: { code: ERROR_CODES.TIMEOUT, message: 'ping did not finish before the timeout' },
  assertions: [],
})

function capabilityMissing(message: string): RunOutcome {
  return {
    status: 'inconclusive',
    error: { code: ERROR_CODES.CAPABILITY_MISSING, message },
    assertions: [],
  }
}

/** The line of ping's output that explains a failure best, for messages. */
function explainingLine(output: string, pattern?: RegExp): string {
  const lines = output.split('\n').map((line) => line.trim())
  return (
    (pattern && lines.find((line) => pattern.test(line))) ??
    lines.find((line) => line.startsWith('ping:')) ??
    lines.find((line) => line) ??
    'no output'
  )
}

/**
 * True when this machine can run ping checks: a `ping` binary is on PATH and it can
 * ping 127.0.0.1 (which also proves it may open an ICMP socket). The probe
 * advertises the result as a capability.
 */
export async function pingAvailable(): Promise<boolean> {
  if (!(await findOnPath(PING_BINARY))) return false
  try {
    const response = await probe('127.0.0.1', { min_reply: 1, timeout: 1, deadline: 2 })
    return response.alive
  } catch {
    return false
  }
}

/**
 * Sends `spec.count` echo requests to `spec.host`. Metrics: lossPercent, and when a
 * reply came back rttMinMs, rttAvgMs, rttMaxMs, rttStddevMs. Packet loss above
 * `expect.maxLossPercent` is `down` (PACKET_LOSS); the latency limits apply to the
 * average RTT (LATENCY).
 *
 * ping exits on its own deadline, one second before the run's timeout, so that a
 * host that stopped answering reports its packet loss instead of a bare TIMEOUT.
 */
export const run: Runner<'ping'> = async (spec, ctx) => {
  if (!(await findOnPath(PING_BINARY))) {
    return capabilityMissing(
      `the system "ping" binary is not on PATH of this probe (PATH=${process.env.PATH ?? ''}); ` +
        'install it (Debian/Ubuntu: iputils-ping) or run ping checks on another probe',
    )
  }
  if (ctx.signal.aborted) return timedOut()
  const deadlineS = Math.max(1, Math.floor(parseDuration(spec.timeout) / 1_000) - 1)
  const pending = probe(
    spec.host,
    {
      min_reply: spec.count,
      timeout: Math.min(pingWaitMs(spec.packetTimeout) / 1_000, deadlineS),
      deadline: deadlineS,
    },
    pingFlags(spec),
  )

  let response: PingResponse
  try {
    response = await untilAborted(pending, ctx.signal)
  } catch (error) {
    if (ctx.signal.aborted) return timedOut()
    // ping 0.4 rejects only when the binary cannot be started.
    return capabilityMissing(`the system "ping" could not be started: ${(error as Error).message}`)
  }

  const output = response.output
  if (NO_PERMISSION.test(output)) {
    return capabilityMissing(
      `the system "ping" may not send ICMP on this probe (${explainingLine(output, NO_PERMISSION)}); ` +
        'grant it cap_net_raw or widen net.ipv4.ping_group_range',
    )
  }
  const lossPercent = toNumber(response.packetLoss)
  if (lossPercent === undefined) {
    // No statistics: ping gave up before sending, e.g. the name did not resolve.
    const [code, pattern] = NAME_TEMPORARY_FAILURE.test(output)
      ? [ERROR_CODES.DNS_TIMEOUT, NAME_TEMPORARY_FAILURE]
      : NAME_NOT_FOUND.test(output)
        ? [ERROR_CODES.DNS_NXDOMAIN, NAME_NOT_FOUND]
        : [ERROR_CODES.NETWORK, undefined]
    return {
      status: 'down',
      error: { code, message: explainingLine(output, pattern) },
      assertions: [],
    }
  }

  const metrics: Record<string, number> = { lossPercent }
  const rtts = {
    rttMinMs: response.min,
    rttAvgMs: response.avg,
    rttMaxMs: response.max,
    rttStddevMs: response.stddev,
  }
  for (const [name, text] of Object.entries(rtts)) {
    const value = toNumber(text)
    if (value !== undefined) metrics[name] = value
  }

  const loss = assertPacketLoss(lossPercent, spec.expect.maxLossPercent)
  const latency =
    metrics.rttAvgMs === undefined
      ? { assertions: [], status: 'up' as const }
      : assertLatency('rtt avg', metrics.rttAvgMs, spec.expect)
  const outcome: RunOutcome = {
    status: statusFromAssertions(loss, latency),
    assertions: [loss, ...latency.assertions],
    metrics,
  }
  if (!loss.ok) {
    outcome.error = {
      code: ERROR_CODES.PACKET_LOSS,
      message: `packet loss ${loss.actual}, expected ${loss.expected}`,
    }
  } else if (latency.status === 'down') {
    const failed = latency.assertions.find(
      (assertion) => !assertion.ok && assertion.name === 'rtt avg',
    )
    outcome.error = {
      code: ERROR_CODES.LATENCY,
      message: `average RTT ${failed?.actual}, expected ${failed?.expected}`,
    }
  }
  return outcome
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts. ping 0.4 gives no
 * handle on its child process, so the child is left to its own deadline.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'))
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
