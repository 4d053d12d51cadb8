/**
 * Incident timelines in words, for a reader who was not there: each entry as an event
 * and a detail, and the small formatters the report and the CLI share.
 */
import { formatDuration } from '../../checks/duration.ts'
import type { IncidentError, TimelineEntry } from './incident-store.ts'

/** `2026-03-01 12:00:00` (UTC). */
export function utc(at: number): string {
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '')
}

/** Text safe inside a Markdown table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
}

export function errorText(error: IncidentError | null | undefined): string {
  return error ? `${error.code}: ${error.message}` : ''
}

export function percent(share: number, digits: number): string {
  return `${(share * 100).toFixed(digits)} %`
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String)
  return value === undefined || value === null ? [] : [String(value)]
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)
}

/** The error a timeline entry's result carried, if any (the engine puts the result in `result`). */
function resultError(detail: Record<string, unknown>): string {
  const result = detail.result as { error?: IncidentError } | undefined
  return errorText(result?.error)
}

function joined(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('; ')
}

/** `2 region(s) failing (quorum 2): eu-west, us-east`, from a `fired` entry. */
export function failingAtFire(detail: Record<string, unknown>): string {
  const regions = list(detail.regions)
  const quorum = detail.quorum === undefined ? '' : ` (quorum ${text(detail.quorum)})`
  return `${regions.length} region(s) failing${quorum}: ${regions.join(', ')}`
}

/** One timeline entry as [event, detail], worded for a reader who was not there. */
export function describeEntry(entry: TimelineEntry): [event: string, detail: string] {
  const d = entry.detail
  switch (entry.type) {
    case 'fired':
      // Region, probe and channel alerts say what they saw in a summary; check alerts list regions.
      if (typeof d.summary === 'string' && d.regions === undefined)
        return ['Alert fired', d.summary]
      return [
        'Alert fired',
        joined(failingAtFire(d), errorText(d.firstError as IncidentError | null)),
      ]
    case 'region':
      return [`Region ${text(d.region)} ${text(d.state)}`, resultError(d)]
    case 'confirmation': {
      const probes = Array.isArray(d.probes) ? d.probes.length : d.probes
      return [
        'Confirmation run requested',
        joined(
          d.after === undefined ? '' : `after ${text(d.after)}`,
          d.failingRegion === undefined ? '' : `${text(d.failingRegion)} failed first`,
          d.passingRegion === undefined ? '' : `${text(d.passingRegion)} passed first`,
          d.rerun === undefined
            ? ''
            : `re-run in ${text(d.rerun)}${d.recovering ? ' to confirm its recovery' : ''}`,
          list(d.regions).length > 0 ? `regions ${list(d.regions).join(', ')}` : '',
          probes === undefined ? '' : `${text(probes)} probe(s)`,
        ),
      ]
    }
    case 'notification':
      return [
        `Notification (${text(d.alert)}) to ${text(d.channel)}`,
        joined(
          `${text(d.outcome)}${d.attempt === undefined ? '' : `, attempt ${text(d.attempt)}`}`,
          d.channelType === undefined ? '' : `${text(d.channelType)} channel`,
          d.status === undefined ? '' : `HTTP ${text(d.status)}`,
          text(d.error),
        ),
      ]
    case 'ack':
      return ['Acknowledged', joined(`by ${text(d.by)}`, text(d.comment))]
    case 'reminder':
      return [
        'Reminder sent',
        joined(d.level === undefined ? '' : `level ${text(d.level)}`, list(d.channels).join(', ')),
      ]
    case 'escalation':
      return [
        `Escalated${d.level === undefined ? '' : ` to level ${text(d.level)}`}`,
        list(d.channels).join(', '),
      ]
    case 'suppressed':
      return ['Notification held back', text(d.reason)]
    case 'remediation':
      return [
        `Remediation: ${text(d.action)}`,
        joined(
          `${text(d.outcome)}${d.attempt === undefined ? '' : `, attempt ${text(d.attempt)}`}`,
          d.exitCode === undefined ? '' : `exit code ${text(d.exitCode)}`,
          d.status === undefined ? '' : `HTTP ${text(d.status)}`,
          typeof d.durationMs === 'number' ? formatDuration(d.durationMs) : '',
          text(d.reason),
          text(d.error),
          text(d.output),
        ),
      ]
    case 'flapping':
      return [
        d.flapping === false ? 'Stopped flapping' : 'Started flapping',
        typeof d.percentStateChange === 'number'
          ? `${d.percentStateChange.toFixed(1)} % state change`
          : '',
      ]
    case 'deploy':
      return [
        `Config deployed: ${text(d.version)}`,
        joined(
          d.source === undefined ? '' : `from ${text(d.source)}`,
          d.checkChanged === true ? 'changed this check' : 'did not change this check',
        ),
      ]
    case 'resolved':
      return [
        'Resolved',
        joined(typeof d.durationMs === 'number' ? `after ${formatDuration(d.durationMs)}` : ''),
      ]
    case 'note':
      return ['Note', text(d.message)]
    default:
      return [String(entry.type), JSON.stringify(d)]
  }
}
