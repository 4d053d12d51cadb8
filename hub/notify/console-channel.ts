/**
 * The console channel: one line per alert on standard output, for a person watching
 * the hub (the demo, a terminal, journald). Logs go to standard error, so these
 * lines stay readable on their own.
 */
import type { AlertEvent } from '../types.ts'

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const

/** 150000 -> "2m30s", 7200000 -> "2h": the two largest units are precise enough for an outage. */
function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms / 1000)) * 1000
  const largest = UNITS.findIndex(([, size]) => rest >= size)
  if (largest === -1) return '0s'
  return UNITS.slice(largest, largest + 2)
    .map(([unit, size]) => {
      const count = Math.floor(rest / size)
      rest -= count * size
      return count > 0 ? `${count}${unit}` : ''
    })
    .join('')
}

/** The check's name, with its id when the two differ so the line can be grepped by id. */
function checkLabel(event: AlertEvent): string {
  return event.checkName === event.checkId ? event.checkId : `${event.checkName} (${event.checkId})`
}

/**
 * The line for an alert event, without a trailing newline.
 *
 * AlertEvent does not carry how many regions the check runs in, so the line gives the
 * failing regions and the quorum rather than "3/3".
 *
 * @example
 * buildPayload(fired)
 * // '2026-01-01T00:02:00.000Z ALERT  api-health is DOWN in 3 regions (eu-west, us-east, ap-south), quorum 2: CONNECT_REFUSED connect ECONNREFUSED 127.0.0.1:8081'
 * buildPayload(resolved)
 * // '2026-01-01T00:04:30.000Z RESOLVED api-health is back up after 2m30s'
 */
export function buildPayload(event: AlertEvent): string {
  const time = new Date(event.at).toISOString()
  if (event.type === 'resolved') {
    return `${time} RESOLVED ${checkLabel(event)} is back up after ${formatDuration(event.durationMs ?? 0)}`
  }
  const count = event.regions.length
  const where = `${count} region${count === 1 ? '' : 's'} (${event.regions.join(', ')})`
  const error = event.firstError ? `: ${event.firstError.code} ${event.firstError.message}` : ''
  return `${time} ALERT  ${checkLabel(event)} is DOWN in ${where}, quorum ${event.quorum}${error}`
}

/** Writes the line; `write` is injectable so tests and the CLI can capture it. */
export function send(
  line: string,
  write: (text: string) => void = (text) => process.stdout.write(text),
): void {
  write(`${line}\n`)
}
