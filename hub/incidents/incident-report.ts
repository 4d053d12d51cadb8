/**
 * The post-incident report: a Markdown correction-of-error document built from an
 * incident, its timeline, its impact figures and sample results. What the hub knows
 * is filled in (summary, customer impact, timeline, samples); what only people know
 * (root cause, corrective actions, lessons) is left blank with a prompt, so the
 * review starts from facts instead of memory. Pure: tested without a hub.
 */
import { cell, describeEntry, errorText, failingAtFire, percent, utc } from './timeline-text.ts'
import { formatDuration } from '../../checks/duration.ts'
import type { SampleResult } from './incident-results.ts'
import { NOT_A_CHECK, type IncidentImpact } from './incident-impact.ts'
import type { IncidentKind, IncidentWithTimeline } from './incident-store.ts'

/** An event-log entry as the report lists it. */
export interface ReportEvent {
  at: number
  kind: string
  actor: string | null
  summary: string
}

/** A deploy as the report lists it. */
export interface RecentDeploy {
  version: string
  source: string
  createdAt: number
}

export interface IncidentReportInput {
  project: string
  /** The check's display name (its id when it has none or is no longer deployed). */
  checkName: string
  incident: IncidentWithTimeline
  impact: IncidentImpact
  samples: SampleResult[]
  /** Deploys in the half hour before the failure began, newest first (deploysBefore). */
  deploysBefore?: RecentDeploy[]
  /**
   * Changes from the event log in the hour before the failure began, deploys first
   * (silences, probes, remediation, commands ...). Absent: the section is left out.
   */
  eventsBefore?: ReportEvent[]
  /** When the report is made (epoch ms): an open incident is described up to now. */
  now: number
}

/** What happened, per kind, as the title and summary say it. */
const WHAT_HAPPENED: Record<IncidentKind, string> = {
  down: 'was DOWN',
  degraded: 'was DEGRADED',
  flapping: 'was flapping',
  region: 'lost connectivity',
  probe: 'was offline',
  channel: 'kept failing to deliver notifications',
  anomaly: 'was slower than usual',
  slo: 'burned its error budget',
}

function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)]
}

function summary(input: IncidentReportInput, checkLabel: string): string[] {
  const { incident, impact, samples, now } = input
  const { startedAt, endedAt } = incident
  const when =
    endedAt === null
      ? `since ${utc(startedAt)} UTC, still open (${formatDuration(now - startedAt)} so far)`
      : `from ${utc(startedAt)} UTC to ${utc(endedAt)} UTC (${formatDuration(endedAt - startedAt)})`
  const fired = incident.timeline.find((entry) => entry.type === 'fired')
  const confirmations = incident.timeline.filter(
    (entry) => entry.type === 'confirmation' && entry.at <= startedAt,
  ).length
  const detection = [
    !fired
      ? `the incident opened at ${utc(startedAt)} UTC`
      : NOT_A_CHECK.includes(incident.kind)
        ? `the alert fired at ${utc(fired.at)} UTC`
        : `the alert fired at ${utc(fired.at)} UTC with ${failingAtFire(fired.detail)}`,
  ]
  if (confirmations > 0) {
    detection.push(
      `after ${confirmations} confirmation round(s) asked other regions to run the check at once`,
    )
  }
  const firstFailure = samples.reduce<number | null>(
    (first, sample) => (first === null || sample.scheduledAt < first ? sample.scheduledAt : first),
    null,
  )
  const aboutACheck = !NOT_A_CHECK.includes(incident.kind)
  if (aboutACheck && firstFailure !== null && firstFailure <= startedAt) {
    detection.push(
      `the first failing run sampled was scheduled at ${utc(firstFailure)} UTC, ` +
        `${formatDuration(startedAt - firstFailure)} before`,
    )
  }
  const ack =
    incident.ackedAt === null
      ? 'not acknowledged'
      : `by ${incident.ackedBy ?? 'unknown'} at ${utc(incident.ackedAt)} UTC ` +
        `(${formatDuration(Math.max(0, incident.ackedAt - startedAt))} after it started)`
  const regions =
    impact.regions.length > 0 && !NOT_A_CHECK.includes(incident.kind)
      ? ` in ${impact.regions.join(', ')}`
      : ''
  return [
    `- **What failed:** ${checkLabel} ${WHAT_HAPPENED[incident.kind]}${regions}.`,
    `- **When:** ${when}.`,
    `- **How it was detected:** ${detection.join('; ')}.`,
    ...(aboutACheck
      ? [
          `- **First error:** ${incident.firstError ? `\`${errorText(incident.firstError)}\`` : 'none recorded'}`,
        ]
      : []),
    `- **Acknowledged:** ${ack}.`,
  ]
}

/** The availability figure with its basis: over the whole window, or the part observed. */
export function availabilityText(impact: IncidentImpact, digits = 3): string {
  if (impact.availability === null) return 'not measured'
  const { windowMs } = impact.errorBudget
  const basis =
    impact.observedMs >= windowMs
      ? `over the ${formatDuration(windowMs)} SLO window`
      : `over the ${formatDuration(impact.observedMs)} observed (SLO window ${formatDuration(windowMs)})`
  return `${percent(impact.availability, digits)} ${basis}`
}

/** A budget from the SLO engine's minute slices: bad minutes against the judged ones. */
function sliceBudgetText(budget: IncidentImpact['errorBudget']): string {
  const against = budget.slo ? `SLO ${budget.slo}` : 'the default objective'
  const remaining =
    budget.remainingShare < 0
      ? `the budget is overspent by ${percent(-budget.remainingShare, 1)}`
      : `${percent(budget.remainingShare, 1)} of it remains`
  return (
    `${formatDuration(budget.consumedMs)} of bad minutes of the ${formatDuration(budget.allowedDowntimeMs)} ` +
    `that ${against} (${budget.target} % over ${formatDuration(budget.windowMs)}) allows over its ` +
    `${budget.judgedMinutes} judged minutes (${percent(budget.consumedShare, 1)}); ${remaining}`
  )
}

/** The error budget with its basis: the downtime the target allows over the full window. */
export function budgetText(impact: IncidentImpact): string {
  const budget = impact.errorBudget
  if (budget.judgedMinutes !== undefined) return sliceBudgetText(budget)
  const remaining =
    budget.remainingShare < 0
      ? `the budget is overspent by ${percent(-budget.remainingShare, 1)}`
      : `${percent(budget.remainingShare, 1)} of it remains`
  return (
    `${formatDuration(budget.consumedMs)} of the ${formatDuration(budget.allowedDowntimeMs)} ` +
    `of downtime that ${budget.target} % allows over ${formatDuration(budget.windowMs)} ` +
    `(${percent(budget.consumedShare, 1)}); ${remaining}`
  )
}

function customerImpact(impact: IncidentImpact): string[] {
  const failedShare =
    impact.totalRuns > 0 ? ` (${percent(impact.failedRuns / impact.totalRuns, 1)})` : ''
  return [
    `- **Duration:** ${formatDuration(impact.durationMs)}`,
    `- **Regions affected:** ${impact.regions.length > 0 ? impact.regions.join(', ') : 'none recorded'}`,
    `- **Failed runs:** ${impact.failedRuns} of ${impact.totalRuns} conclusive runs${failedShare}`,
    `- **Availability:** ${availabilityText(impact)}`,
    `- **Error budget consumed by this incident:** ${budgetText(impact)}.`,
  ]
}

/** Region, probe and channel incidents are about the monitoring: no runs, availability or budget. */
function monitoringImpact(incident: IncidentWithTimeline, impact: IncidentImpact): string[] {
  const fired = incident.timeline.find((entry) => entry.type === 'fired')
  const summaryText = typeof fired?.detail.summary === 'string' ? fired.detail.summary : null
  return [
    `- **Duration:** ${formatDuration(impact.durationMs)}`,
    ...(summaryText ? [`- **What the hub saw:** ${summaryText}`] : []),
    `- **Service impact:** none charged. This incident is about the monitoring network ` +
      `(${MONITORING_SUBJECT[incident.kind] ?? incident.kind}), so no availability or error ` +
      'budget is counted against a check; checks it affected have incidents of their own.',
  ]
}

const MONITORING_SUBJECT: Partial<Record<IncidentKind, string>> = {
  region: 'a region lost connectivity',
  probe: 'a probe was offline or unhealthy',
  channel: 'a notification channel kept failing',
  slo: 'an SLO alert; the outages behind it are the incidents of its checks',
}

/** Deploys shortly before the failure began: where a review looks first for a cause. */
function changesBefore(input: IncidentReportInput): string[] {
  const deploys = input.deploysBefore ?? []
  const began = input.incident.failingSince ?? input.incident.startedAt
  if (deploys.length === 0) return ['No config was deployed in the 30 minutes before it began.']
  return table(
    ['Time (UTC)', 'Deploy', 'Before the failure began'],
    deploys.map((d) => [
      utc(d.createdAt),
      `${d.version} from ${d.source}`,
      formatDuration(began - d.createdAt),
    ]),
  )
}

/**
 * What changed in the hour before, from the event log, deploys first: a correction-of-
 * error review starts from what changed, and the log has the changes the config history
 * does not (silences, probes, remediation, chat and API commands).
 */
function eventsAround(input: IncidentReportInput): string[] {
  const events = input.eventsBefore ?? []
  const began = input.incident.failingSince ?? input.incident.startedAt
  if (events.length === 0) return ['The event log has no changes in the hour before it began.']
  return table(
    ['Time (UTC)', 'Before it began', 'Kind', 'Who', 'What'],
    events.map((event) => [
      utc(event.at),
      formatDuration(began - event.at),
      event.kind,
      event.actor ?? '',
      event.summary,
    ]),
  )
}

function sampleSection(samples: SampleResult[]): string[] {
  if (samples.length === 0) {
    return [
      'No failing results are stored for this time (raw results are kept for a short retention).',
    ]
  }
  return table(
    ['Time (UTC)', 'Region', 'Probe', 'Status', 'Duration', 'Error', 'Result id'],
    samples.map((s) => [
      utc(s.scheduledAt),
      s.region,
      s.probeId,
      s.status,
      formatDuration(s.durationMs),
      errorText(s.error),
      s.id,
    ]),
  )
}

/**
 * @example
 * const markdown = buildIncidentReport({ project: 'Acme', checkName: 'API health', incident, impact, samples, now })
 */
export function buildIncidentReport(input: IncidentReportInput): string {
  const { incident, project, now } = input
  const checkLabel =
    input.checkName === incident.checkId
      ? `\`${incident.checkId}\``
      : `${input.checkName} (\`${incident.checkId}\`)`
  const state = incident.endedAt === null ? 'open' : 'resolved'
  const timelineRows = incident.timeline.map((entry) => [utc(entry.at), ...describeEntry(entry)])
  const lines = [
    `# Incident report: ${input.checkName} ${WHAT_HAPPENED[incident.kind]} (${incident.incidentId})`,
    '',
    `Project ${project} · incident \`${incident.incidentId}\` (${incident.kind}, ${state}) · ` +
      `report generated ${utc(now)} UTC`,
    '',
    '## Summary',
    '',
    ...summary(input, checkLabel),
    '',
    ...(NOT_A_CHECK.includes(incident.kind)
      ? ['## Monitoring impact', '', ...monitoringImpact(incident, input.impact)]
      : ['## Customer impact', '', ...customerImpact(input.impact)]),
    '',
    '## Changes before it',
    '',
    ...changesBefore(input),
    '',
    ...(input.eventsBefore === undefined
      ? []
      : ['## Events around this incident', '', ...eventsAround(input), '']),
    '## Timeline',
    '',
    ...(timelineRows.length > 0
      ? table(['Time (UTC)', 'Event', 'Detail'], timelineRows)
      : ['No timeline entries were recorded.']),
    '',
    ...(NOT_A_CHECK.includes(incident.kind)
      ? []
      : ['## Sample results', '', ...sampleSection(input.samples), '']),
    '## Root cause and contributing factors',
    '',
    '_Why did it fail? Ask "why" until you reach causes you can act on, and list what made it worse, slower to detect or slower to fix._',
    '',
    '## Corrective actions',
    '',
    ...table(['Action', 'Owner', 'Due'], [['', '', '']]),
    '',
    '## Lessons learned',
    '',
    '### What went well',
    '',
    '-',
    '',
    '### What went wrong',
    '',
    '-',
    '',
    '### Where we got lucky',
    '',
    '-',
    '',
  ]
  return lines.join('\n')
}
