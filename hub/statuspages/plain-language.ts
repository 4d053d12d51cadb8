/**
 * What a status page says about a failing or degraded check, in words a visitor
 * understands: "Not responding", "Certificate problem", "Slow". Raw error codes stay
 * internal unless a page opts in to them.
 */
import type { CheckResult } from '../../checks/result.ts'

const BY_CODE: ReadonlyArray<[RegExp, string]> = [
  [
    /^(TIMEOUT|CONNECT_REFUSED|CONNECT_TIMEOUT|CONNECT_RESET|NETWORK|HOST_PORT_CLOSED)$/,
    'Not responding',
  ],
  [/^TLS_/, 'Certificate problem'],
  [/^DNS_/, 'Name lookup failing'],
  [/^HTTP_STATUS$/, 'Error responses'],
  [/^(REDIRECT_LOOP|TOO_MANY_REDIRECTS)$/, 'Redirect problem'],
  [/^ASSERTION_FAILED$/, 'Unexpected responses'],
  [/^LATENCY$/, 'Slow'],
  [/^PACKET_LOSS$/, 'Packet loss'],
  [/^HEARTBEAT_(MISSED|HUNG)$/, 'Scheduled job overdue'],
  [/^HEARTBEAT_FAILED$/, 'Scheduled job failing'],
  [/^HOST_/, 'Server problem'],
]

/**
 * The plain-language wording of an error code.
 * @example plainError('CONNECT_TIMEOUT') // 'Not responding'
 */
export function plainError(code: string | undefined): string {
  if (code === undefined) return 'Not working as expected'
  return BY_CODE.find(([pattern]) => pattern.test(code))?.[1] ?? 'Not working as expected'
}

function daysText(days: number): string {
  const whole = Math.floor(days)
  if (whole < 0) return 'Certificate has expired'
  if (whole === 0) return 'Certificate expires today'
  return `Certificate expires in ${whole} day${whole === 1 ? '' : 's'}`
}

/**
 * Why a check is degraded or failing, from its newest results (one per region): the
 * certificate's days left, slowness, or the plain wording of the error; null when
 * none of them says.
 * @example
 * plainReason([{ status: 'degraded', metrics: { certDaysLeft: 5.2 }, assertions: [...] }])
 * // 'Certificate expires in 5 days'
 */
export function plainReason(
  results: ReadonlyArray<Pick<CheckResult, 'status' | 'error' | 'metrics' | 'assertions'>>,
): string | null {
  const troubled = results.filter((r) => r.status === 'down' || r.status === 'degraded')
  const worst = troubled.find((r) => r.status === 'down') ?? troubled[0]
  if (!worst) return null
  const failed = worst.assertions.filter((a) => !a.ok).map((a) => a.name)
  const certDays = worst.metrics?.certDaysLeft
  if (certDays !== undefined && failed.some((name) => name.startsWith('certificate'))) {
    return daysText(certDays)
  }
  if (worst.error) return plainError(worst.error.code)
  if (failed.some((name) => name.startsWith('response time') || name === 'rtt avg')) return 'Slow'
  if (failed.includes('packet loss')) return 'Packet loss'
  return worst.status === 'degraded' ? 'Slower or less reliable than usual' : plainError(undefined)
}
