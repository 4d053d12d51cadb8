/** Wording that every human-readable channel shares, so Slack, email and Teams say the same. */
import type { AlertEvent } from '../types.ts'

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const

/** 150000 -> "2m30s", 7200000 -> "2h": the two largest units are precise enough for an outage. */
export function formatDuration(ms: number): string {
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
export function checkLabel(event: AlertEvent): string {
  return event.checkName === event.checkId ? event.checkId : `${event.checkName} (${event.checkId})`
}

/** What the channels get besides the event: who is monitoring, and where to look. */
export interface PayloadContext {
  /** The monitoring project's name (`project` in monitors.ts). */
  project: string
  /** The public status page, when the hub knows its URL. */
  statusUrl?: string
}

/**
 * One line that says what happened, for titles and subjects.
 *
 * @example
 * headline(fired) // 'DOWN: API health (api-health) in 2 regions'
 * headline(resolved) // 'RESOLVED: API health (api-health) after 2m30s'
 */
export function headline(event: AlertEvent): string {
  if (event.type === 'resolved') {
    return `RESOLVED: ${checkLabel(event)} after ${formatDuration(event.durationMs ?? 0)}`
  }
  const count = event.regions.length
  return `DOWN: ${checkLabel(event)} in ${count} region${count === 1 ? '' : 's'}`
}

/** The facts under the headline, as label and value pairs in display order. */
export function facts(event: AlertEvent, ctx: PayloadContext): [string, string][] {
  const rows: [string, string][] = [
    ['Check', event.checkId],
    ['State', event.type === 'fired' ? 'DOWN' : 'UP'],
    [event.type === 'fired' ? 'Regions' : 'Regions that failed', event.regions.join(', ') || '-'],
  ]
  if (event.type === 'fired') rows.push(['Quorum', String(event.quorum)])
  if (event.firstError) {
    rows.push(['Error', `${event.firstError.code} ${event.firstError.message}`])
  }
  if (event.type === 'resolved') rows.push(['Duration', formatDuration(event.durationMs ?? 0)])
  rows.push(['Project', ctx.project], ['At', new Date(event.at).toISOString()])
  if (ctx.statusUrl) rows.push(['Status', ctx.statusUrl])
  return rows
}

/** The headline and facts as plain text lines, for email, Telegram and the like. */
export function plainText(event: AlertEvent, ctx: PayloadContext): string {
  const lines = facts(event, ctx).map(([label, value]) => `${label}: ${value}`)
  return [headline(event), '', ...lines].join('\n')
}
