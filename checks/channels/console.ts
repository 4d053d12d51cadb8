/**
 * The console channel: one line per alert on standard output, for a person watching
 * the hub (the demo, a terminal, journald). Logs go to standard error, so these
 * lines stay readable on their own.
 */
import { z } from 'zod'
import type { AlertEvent } from '../alert-event.ts'
import { checkLabel, formatDuration, headline } from './alert-text.ts'
import { channelName } from './config-fields.ts'

export const configSchema = z.strictObject({ type: z.literal('console'), name: channelName })
export type ConsoleChannel = z.infer<typeof configSchema>

/** Each line is written as its alert comes, for a person watching: a group would only delay it. */
export const groupable = false

/**
 * The line for an alert event, without a trailing newline. A check going DOWN gives
 * its regions, quorum and error in one line, so the demo reads like a log; every other
 * event is its headline. The notifier never groups console lines, but a grouped event
 * still reads well: its headline lists each alert.
 *
 * AlertEvent does not carry how many regions the check runs in, so the line gives the
 * failing regions and the quorum rather than "3/3".
 *
 * @example
 * buildPayload(fired)
 * // '2026-01-01T00:02:00.000Z ALERT  api-health is DOWN in 3 regions (eu-west, us-east, ap-south), quorum 2: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081 [incident 01KDX2Q4...]'
 * buildPayload(resolved)
 * // '2026-01-01T00:04:30.000Z RESOLVED api-health is back up after 2m30s'
 * buildPayload(acknowledged)
 * // '2026-01-01T00:03:00.000Z ACKNOWLEDGED by alice: api-health: looking'
 */
export function buildPayload(event: AlertEvent): string {
  const time = new Date(event.at).toISOString()
  const single = (event.grouped ?? []).length === 0 && (event.subject ?? 'check') === 'check'
  if (single && event.type === 'resolved') {
    return `${time} RESOLVED ${checkLabel(event)} is back up after ${formatDuration(event.durationMs ?? 0)}`
  }
  if (!single || event.type !== 'fired' || event.severity === 'degraded') {
    return `${time} ${headline(event)}`
  }
  const count = event.regions.length
  const where = `${count} region${count === 1 ? '' : 's'} (${event.regions.join(', ')})`
  const error = event.firstError ? `: ${event.firstError.code} ${event.firstError.message}` : ''
  // The incident id is what `vantage ack` and `vantage incidents show` take.
  return `${time} ALERT  ${checkLabel(event)} is DOWN in ${where}, quorum ${event.quorum}${error} [incident ${event.incidentId}]`
}

/** Writes the line; `write` is injectable so tests and the CLI can capture it. */
export function send(
  line: string,
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  write(`${line}\n`)
}
