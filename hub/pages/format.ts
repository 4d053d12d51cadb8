/**
 * Text for numbers and times on pages. Times are shown in UTC: a status page is read
 * from every time zone, and the server does not know the reader's.
 */

/**
 * An availability as a percentage, truncated (never rounded up) to two decimals, so
 * that 99.996% never reads as 100%.
 *
 * @example formatPercent(0.99996) // '99.99%'
 */
export function formatPercent(value: number | null): string {
  if (value === null) return '—'
  if (value >= 1) return '100%'
  if (value <= 0) return '0%'
  return `${(Math.floor(value * 10_000) / 100).toFixed(2)}%`
}

/** A run's duration: '87 ms', '1.24 s'. */
export function formatLatency(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(2)} s`
}

/** A coarse span: '45s', '12m', '3h 5m', '3h', '2d 4h'. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000))
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`
  return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d ${hours % 24}h`
}

/** How long ago `at` was, seen from `now`: 'just now', '12s ago', '3h 5m ago'. */
export function formatAgo(at: number, now: number): string {
  return now - at < 1_000 ? 'just now' : `${formatSpan(now - at)} ago`
}

/** Date and time in UTC: '2026-01-01 12:00:00 UTC'. */
export function formatDateTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** Time of day in UTC, to the minute: '12:00'. */
export function formatClock(at: number): string {
  return new Date(at).toISOString().slice(11, 16)
}
