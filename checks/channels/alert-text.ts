/**
 * Wording that every human-readable channel shares, so Slack, email, Teams and the
 * rest say the same thing for each event type, subject and group.
 */
import type { AlertEvent } from '../alert-event.ts'
import { sloBrokenWord, sloFacts, sloHeadline } from './slo-text.ts'

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

/**
 * What a headline calls the alert's subject: a check by its label; a region, probe or
 * channel by its name, since the headline already says which kind it is.
 */
function subjectLabel(event: AlertEvent): string {
  return (event.subject ?? 'check') === 'check' ? checkLabel(event) : event.checkName
}

/** What the channels get besides the event: who is monitoring, and where to look. */
export interface PayloadContext {
  /** The monitoring project's name (`project` in monitors.ts). */
  project: string
  /** The public status page, when the hub knows its URL. */
  statusUrl?: string
}

/**
 * How an event should look, for colours and icons:
 * - down: something is broken and nobody may have seen it yet;
 * - warning: degraded, or flapping;
 * - info: somebody acknowledged it;
 * - ok: it is over.
 */
export type Tone = 'down' | 'warning' | 'info' | 'ok'

const TONE_RANK: Tone[] = ['ok', 'info', 'warning', 'down']

/** The tone of one event, or of a group: the worst of its alerts. */
export function tone(event: AlertEvent): Tone {
  return alertsIn(event)
    .map(toneOfOne)
    .reduce((worst, next) => (TONE_RANK.indexOf(next) > TONE_RANK.indexOf(worst) ? next : worst))
}

function toneOfOne(event: AlertEvent): Tone {
  switch (event.type) {
    case 'resolved':
    case 'flapping-stopped':
      return 'ok'
    case 'acknowledged':
      return 'info'
    case 'flapping-started':
    case 'anomaly':
      return 'warning'
    default:
      return event.severity === 'degraded' ? 'warning' : 'down'
  }
}

/** The event and the alerts grouped with it, in the order they fired. */
export function alertsIn(event: AlertEvent): AlertEvent[] {
  const { grouped = [], ...lead } = event
  return [lead, ...grouped]
}

/** Regions are listed up to this many; beyond it the line says how many more. */
const REGIONS_SHOWN = 5

function regionList(regions: string[]): string {
  const shown = regions.slice(0, REGIONS_SHOWN).join(', ')
  const more = regions.length - REGIONS_SHOWN
  return more > 0 ? `${shown} +${more} more` : shown
}

/** The state word of the thing the alert is about, while it is broken. */
function brokenWord(event: AlertEvent): string {
  switch (event.subject ?? 'check') {
    case 'region':
      return 'REGION DOWN'
    case 'probe':
      return 'PROBE OFFLINE'
    case 'channel':
      return 'CHANNEL FAILING'
    case 'check':
      return event.severity === 'degraded' ? 'DEGRADED' : 'DOWN'
    case 'slo':
      return sloBrokenWord(event)
  }
}

/**
 * What is wrong, after the label: the failing regions for a check, the summary for
 * region, probe and channel alerts (their "regions" say little on their own).
 */
function whatIsWrong(event: AlertEvent): string {
  const subject = event.subject ?? 'check'
  if (subject !== 'check' && event.summary) return `${subjectLabel(event)}: ${event.summary}`
  if (subject !== 'check' || event.regions.length === 0) return subjectLabel(event)
  return `${checkLabel(event)} in ${regionList(event.regions)}`
}

/**
 * One line that says what happened, for titles and subjects. A group lists each alert.
 *
 * @example
 * headline(fired) // 'DOWN: API health (api-health) in eu-west, us-east'
 * headline(resolved) // 'RESOLVED: API health (api-health) after 2m30s'
 * headline({ ...fired, type: 'escalated', level: 2 }) // 'ESCALATED (level 2): DOWN: API health (api-health) in eu-west, us-east'
 * headline({ ...fired, grouped: [shop, login] }) // '3 alerts: DOWN: API health ...; DOWN: Shop ...; DOWN: Login ...'
 */
export function headline(event: AlertEvent): string {
  const alerts = alertsIn(event)
  if (alerts.length === 1) return headlineOfOne(event)
  return `${alerts.length} alerts: ${alerts.map(headlineOfOne).join('; ')}`
}

function headlineOfOne(event: AlertEvent): string {
  const slo = event.subject === 'slo' && event.type !== 'acknowledged' ? sloHeadline(event) : null
  if (slo) return event.type === 'reminder' ? `REMINDER: still ${slo}` : slo
  const broken = `${brokenWord(event)}: ${whatIsWrong(event)}`
  switch (event.type) {
    case 'fired':
      return broken
    case 'resolved':
      if (event.closedReason) return `CLOSED: ${subjectLabel(event)}: ${event.closedReason}`
      return `RESOLVED: ${subjectLabel(event)} after ${formatDuration(event.durationMs ?? 0)}`
    case 'reminder':
      return `REMINDER: still ${broken}`
    case 'escalated':
      return `ESCALATED (level ${event.level ?? 1}): ${broken}`
    case 'acknowledged': {
      const comment = event.comment ? `: ${event.comment}` : ''
      return `ACKNOWLEDGED by ${event.ackedBy ?? 'someone'}: ${subjectLabel(event)}${comment}`
    }
    case 'flapping-started':
      return `FLAPPING: ${subjectLabel(event)} changes state too often; alerts wait until it settles`
    case 'flapping-stopped':
      return `STOPPED FLAPPING: ${subjectLabel(event)}`
    case 'anomaly': {
      const where = event.regions.length > 0 ? ` in ${regionList(event.regions)}` : ''
      return `SLOWER THAN USUAL: ${checkLabel(event)}${where}`
    }
  }
}

/** The state the subject is in after this event, as the State fact shows it. */
function stateAfter(event: AlertEvent): string {
  switch (event.type) {
    case 'resolved':
      if (event.closedReason) return 'CLOSED'
      return { check: 'UP', region: 'UP', probe: 'ONLINE', channel: 'OK', slo: 'OK' }[
        event.subject ?? 'check'
      ]
    case 'flapping-started':
      return 'FLAPPING'
    case 'flapping-stopped':
      return 'SETTLED'
    case 'anomaly':
      return 'SLOW'
    default:
      return brokenWord(event).split(' ').at(-1)!
  }
}

/** The facts under the headline, as label and value pairs in display order (one alert). */
export function facts(event: AlertEvent, ctx: PayloadContext): [string, string][] {
  const broken = event.type !== 'resolved' && event.type !== 'flapping-stopped'
  const rows: [string, string][] = [
    ['Check', event.checkId],
    ['State', stateAfter(event)],
    [broken ? 'Regions' : 'Regions that failed', event.regions.join(', ') || '-'],
  ]
  if (event.summary) rows.push(['Summary', event.summary])
  rows.push(...sloFacts(event))
  if (event.type === 'fired' && event.subject !== 'slo') rows.push(['Quorum', String(event.quorum)])
  if (event.firstError) {
    rows.push(['Error', `${event.firstError.code} ${event.firstError.message}`])
  }
  if (event.type === 'resolved') rows.push(['Duration', formatDuration(event.durationMs ?? 0)])
  if (event.closedReason) rows.push(['Closed', event.closedReason])
  if (event.type === 'escalated') rows.push(['Level', String(event.level ?? 1)])
  if (event.type === 'acknowledged') {
    rows.push(['Acknowledged by', event.ackedBy ?? '-'])
    if (event.comment) rows.push(['Comment', event.comment])
  }
  if (event.tags && event.tags.length > 0) rows.push(['Tags', event.tags.join(', ')])
  rows.push(['Project', ctx.project], ['At', new Date(event.at).toISOString()])
  if (ctx.statusUrl) rows.push(['Status', ctx.statusUrl])
  return rows
}

/**
 * The headline and facts as plain text lines, for email, Telegram and the like. A
 * group gives its headline, then each alert's own headline and facts.
 */
export function plainText(event: AlertEvent, ctx: PayloadContext): string {
  const alerts = alertsIn(event)
  const lines = (rows: [string, string][]) => rows.map(([label, value]) => `${label}: ${value}`)
  if (alerts.length === 1) return [headline(event), '', ...lines(facts(event, ctx))].join('\n')
  // Each alert's own facts, then what they share (project, status page) once at the end.
  const shared = new Set(['Project', 'Status'])
  const sections = alerts.map((alert) => {
    const own = facts(alert, ctx).filter(([label]) => !shared.has(label))
    return [headlineOfOne(alert), ...lines(own)].join('\n')
  })
  const common = facts(event, ctx).filter(([label]) => shared.has(label))
  return [headline(event), ...sections, lines(common).join('\n')].join('\n\n')
}
