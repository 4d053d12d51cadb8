import { describe, expect, it } from 'vitest'
import type { SampleResult } from './incident-results.ts'
import type { IncidentImpact } from './incident-impact.ts'
import { buildIncidentReport, type IncidentReportInput } from './incident-report.ts'
import { cell, describeEntry } from './timeline-text.ts'
import type { IncidentWithTimeline, TimelineEntry } from './incident-store.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0)
const timeout = { code: 'TIMEOUT', message: 'no answer in 10s' }

const SECTIONS = [
  '## Summary',
  '## Customer impact',
  '## Timeline',
  '## Sample results',
  '## Root cause and contributing factors',
  '## Corrective actions',
  '## Lessons learned',
  '### What went well',
  '### What went wrong',
  '### Where we got lucky',
]

const timeline: TimelineEntry[] = [
  {
    at: T0 - 40_000,
    type: 'confirmation',
    detail: { regions: ['us-east', 'ap-south'], probes: 2 },
  },
  {
    at: T0,
    type: 'fired',
    detail: { regions: ['eu-west', 'us-east'], quorum: 2, firstError: timeout },
  },
  {
    at: T0 + 1_000,
    type: 'notification',
    detail: {
      channel: 'ops',
      channelType: 'webhook',
      alert: 'fired',
      attempt: 1,
      outcome: 'delivered',
    },
  },
  {
    at: T0 + 2_000,
    type: 'remediation',
    detail: {
      action: 'command restart-api',
      attempt: 1,
      outcome: 'ok',
      exitCode: 0,
      durationMs: 1_200,
    },
  },
  {
    at: T0 + 3 * MIN,
    type: 'region',
    detail: { region: 'ap-south', state: 'failing', result: { error: timeout } },
  },
  { at: T0 + 4 * MIN, type: 'ack', detail: { by: 'alice', comment: 'looking | db?' } },
  { at: T0 + 5 * MIN, type: 'suppressed', detail: { reason: 'maintenance: weekly vacuum' } },
  { at: T0 + 10 * MIN, type: 'escalation', detail: { level: 2, channels: ['pager'] } },
  {
    at: T0 + 20 * MIN,
    type: 'deploy',
    detail: { version: '7-abc', source: 'ci', checkChanged: true },
  },
  { at: T0 + 43 * MIN, type: 'resolved', detail: { durationMs: 43 * MIN } },
]

const incident: IncidentWithTimeline = {
  incidentId: '01KJM6Q1Z8X4AB5C6D7E8F9G0H',
  checkId: 'api',
  kind: 'down',
  startedAt: T0,
  endedAt: T0 + 43 * MIN,
  regions: ['eu-west', 'us-east'],
  firstError: timeout,
  ackedAt: T0 + 4 * MIN,
  ackedBy: 'alice',
  timeline,
}

const impact: IncidentImpact = {
  durationMs: 43 * MIN,
  regions: ['eu-west', 'us-east', 'ap-south'],
  failedRuns: 120,
  totalRuns: 129,
  availability: 0.999,
  observedMs: 30 * 24 * 60 * MIN,
  errorBudget: {
    target: 99.9,
    windowMs: 30 * 24 * 60 * MIN,
    allowedDowntimeMs: 43.2 * MIN,
    consumedMs: 43 * MIN,
    consumedShare: 43 / 43.2,
    remainingShare: 1 - 43 / 43.2,
  },
}

const samples: SampleResult[] = [
  {
    id: '01KJM6PZ000000000000000000',
    region: 'eu-west',
    probeId: 'eu-west-1',
    scheduledAt: T0 - 61_000,
    status: 'down',
    error: { code: 'HTTP_STATUS', message: 'expected 200 | 204, got 503' },
    durationMs: 10_000,
  },
]

function input(overrides: Partial<IncidentReportInput> = {}): IncidentReportInput {
  return {
    project: 'Acme',
    checkName: 'API health',
    incident,
    impact,
    samples,
    now: T0 + DAY,
    ...overrides,
  }
}
const DAY = 24 * 60 * MIN

function section(report: string, heading: string): string {
  const start = report.indexOf(`${heading}\n`)
  const next = report.indexOf('\n## ', start + heading.length)
  return report.slice(start, next === -1 ? undefined : next)
}

describe('buildIncidentReport', () => {
  const report = buildIncidentReport(input())

  it('has a title with the check and the incident, and every section in order', () => {
    expect(report.split('\n')[0]).toBe(
      '# Incident report: API health was DOWN (01KJM6Q1Z8X4AB5C6D7E8F9G0H)',
    )
    const positions = SECTIONS.map((heading) => report.indexOf(`\n${heading}\n`))
    expect(positions.every((position) => position > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
  })

  it('summarises what failed, when, how it was detected, the first error and the ack', () => {
    const text = section(report, '## Summary')
    expect(text).toContain('API health (`api`) was DOWN in eu-west, us-east, ap-south.')
    expect(text).toContain('from 2026-03-01 12:00:00 UTC to 2026-03-01 12:43:00 UTC (43m)')
    expect(text).toContain(
      'the alert fired at 2026-03-01 12:00:00 UTC with 2 region(s) failing (quorum 2): eu-west, us-east',
    )
    expect(text).toContain('after 1 confirmation round(s)')
    expect(text).toContain('scheduled at 2026-03-01 11:58:59 UTC, 1m1s before')
    expect(text).toContain('`TIMEOUT: no answer in 10s`')
    expect(text).toContain('by alice at 2026-03-01 12:04:00 UTC (4m after it started)')
  })

  it('states the customer impact with the error budget', () => {
    const text = section(report, '## Customer impact')
    expect(text).toContain('**Duration:** 43m')
    expect(text).toContain('**Failed runs:** 120 of 129 conclusive runs (93.0 %)')
    expect(text).toContain('**Availability:** 99.900 % over the 30d SLO window')
    expect(text).toContain(
      '**Error budget consumed by this incident:** 43m of the 43m12s of downtime that 99.9 % allows over 30d (99.5 %); 0.5 % of it remains.',
    )
  })

  it('states the basis of the availability of a check monitored for less than the window', () => {
    const young = buildIncidentReport(
      input({ impact: { ...impact, availability: 0.609, observedMs: 3 * MIN } }),
    )
    expect(section(young, '## Customer impact')).toContain(
      '**Availability:** 60.900 % over the 3m observed (SLO window 30d)',
    )
  })

  it('lists the deploys shortly before the failure began apart from the timeline', () => {
    const withDeploys = buildIncidentReport(
      input({ deploysBefore: [{ version: '7-bad', source: 'ci', createdAt: T0 - 2 * MIN }] }),
    )
    expect(section(withDeploys, '## Changes before it')).toContain(
      '| 2026-03-01 11:58:00 | 7-bad from ci | 2m |',
    )
    expect(section(report, '## Changes before it')).toContain(
      'No config was deployed in the 30 minutes before it began.',
    )
  })

  it('lists the events of the hour before, deploys first, when the hub has an event log', () => {
    const withEvents = buildIncidentReport(
      input({
        eventsBefore: [
          {
            at: T0 - 40 * MIN,
            kind: 'deploy',
            actor: 'api (token)',
            summary: 'deployed 7-bad from ci',
          },
          {
            at: T0 - 5 * MIN,
            kind: 'silence',
            actor: 'slack:otto',
            summary: 'silence s-1 created for tag db',
          },
        ],
      }),
    )
    const text = section(withEvents, '## Events around this incident')
    expect(text).toContain(
      '| 2026-03-01 11:20:00 | 40m | deploy | api (token) | deployed 7-bad from ci |',
    )
    expect(text.indexOf('deploy |')).toBeLessThan(text.indexOf('silence |'))
    expect(withEvents.indexOf('## Changes before it')).toBeLessThan(
      withEvents.indexOf('## Events around this incident'),
    )
    expect(
      section(buildIncidentReport(input({ eventsBefore: [] })), '## Events around this incident'),
    ).toContain('The event log has no changes in the hour before it began.')
    expect(report).not.toContain('## Events around this incident')
  })

  it('gives a probe incident a monitoring layout, without check figures', () => {
    const probeReport = buildIncidentReport(
      input({
        checkName: 'probe:eu-west-1',
        incident: {
          ...incident,
          kind: 'probe',
          checkId: 'probe:eu-west-1',
          regions: [],
          timeline: [
            {
              at: T0,
              type: 'fired',
              detail: { probeId: 'eu-west-1', summary: 'probe eu-west-1 offline for 1m' },
            },
          ],
        },
        impact: { ...impact, regions: [], failedRuns: 0, totalRuns: 0, availability: null },
      }),
    )
    expect(probeReport).not.toContain('## Customer impact')
    expect(probeReport).not.toMatch(/region\(s\) failing|Failed runs|Error budget/)
    const text = section(probeReport, '## Monitoring impact')
    expect(text).toContain('**What the hub saw:** probe eu-west-1 offline for 1m')
    expect(text).toContain('no availability or error budget is counted')
  })

  it('lists every timeline entry in order, readable, with pipes escaped', () => {
    const rows = section(report, '## Timeline')
      .split('\n')
      .filter((line) => line.startsWith('| 2026'))
    expect(rows).toHaveLength(timeline.length)
    expect(rows).toEqual([
      '| 2026-03-01 11:59:20 | Confirmation run requested | regions us-east, ap-south; 2 probe(s) |',
      '| 2026-03-01 12:00:00 | Alert fired | 2 region(s) failing (quorum 2): eu-west, us-east; TIMEOUT: no answer in 10s |',
      '| 2026-03-01 12:00:01 | Notification (fired) to ops | delivered, attempt 1; webhook channel |',
      '| 2026-03-01 12:00:02 | Remediation: command restart-api | ok, attempt 1; exit code 0; 1s |',
      '| 2026-03-01 12:03:00 | Region ap-south failing | TIMEOUT: no answer in 10s |',
      '| 2026-03-01 12:04:00 | Acknowledged | by alice; looking \\| db? |',
      '| 2026-03-01 12:05:00 | Notification held back | maintenance: weekly vacuum |',
      '| 2026-03-01 12:10:00 | Escalated to level 2 | pager |',
      '| 2026-03-01 12:20:00 | Config deployed: 7-abc | from ci; changed this check |',
      '| 2026-03-01 12:43:00 | Resolved | after 43m |',
    ])
  })

  it('shows sample results in a table, pipes escaped', () => {
    const text = section(report, '## Sample results')
    expect(text).toContain(
      '| 2026-03-01 11:58:59 | eu-west | eu-west-1 | down | 10s | HTTP_STATUS: expected 200 \\| 204, got 503 | 01KJM6PZ000000000000000000 |',
    )
  })

  it('leaves root cause, corrective actions and lessons blank to fill', () => {
    expect(section(report, '## Root cause and contributing factors')).toMatch(
      /_Why did it fail\?.*_/,
    )
    expect(section(report, '## Corrective actions')).toContain(
      '| Action | Owner | Due |\n| --- | --- | --- |\n|  |  |  |',
    )
    expect(section(report, '## Lessons learned').match(/^-$/gm)).toHaveLength(3)
  })

  it('describes an open, unacknowledged incident without samples up to now', () => {
    const open = buildIncidentReport(
      input({
        incident: { ...incident, endedAt: null, ackedAt: null, ackedBy: null, timeline: [] },
        samples: [],
        checkName: 'api',
        impact: {
          ...impact,
          availability: null,
          errorBudget: { ...impact.errorBudget, remainingShare: -0.25 },
        },
        now: T0 + 20 * MIN,
      }),
    )
    expect(open).toContain('`api` was DOWN')
    expect(open).toContain('since 2026-03-01 12:00:00 UTC, still open (20m so far)')
    expect(open).toContain('**Acknowledged:** not acknowledged.')
    expect(open).toContain('not measured')
    expect(open).toContain('the budget is overspent by 25.0 %')
    expect(open).toContain('No timeline entries were recorded.')
    expect(open).toContain('No failing results are stored for this time')
  })
})

describe('describeEntry', () => {
  it('words the remaining entry types', () => {
    const at = T0
    expect(describeEntry({ at, type: 'reminder', detail: { channels: ['ops'] } })).toEqual([
      'Reminder sent',
      'ops',
    ])
    expect(
      describeEntry({
        at,
        type: 'flapping',
        detail: { flapping: true, percentStateChange: 34.56 },
      }),
    ).toEqual(['Started flapping', '34.6 % state change'])
    expect(describeEntry({ at, type: 'flapping', detail: { flapping: false } })[0]).toBe(
      'Stopped flapping',
    )
    expect(describeEntry({ at, type: 'note', detail: { message: 'check removed' } })).toEqual([
      'Note',
      'check removed',
    ])
    expect(
      describeEntry({
        at,
        type: 'remediation',
        detail: {
          action: 'webhook hooks.example',
          attempt: 3,
          outcome: 'skipped',
          reason: 'attempt limit',
        },
      }),
    ).toEqual(['Remediation: webhook hooks.example', 'skipped, attempt 3; attempt limit'])
    expect(
      describeEntry({
        at,
        type: 'notification',
        detail: {
          channel: 'pd',
          alert: 'resolved',
          attempt: 2,
          outcome: 'failed',
          status: 400,
          error: 'bad key',
        },
      }),
    ).toEqual(['Notification (resolved) to pd', 'failed, attempt 2; HTTP 400; bad key'])
    expect(
      describeEntry({ at, type: 'confirmation', detail: { after: 'remediation', probes: 3 } }),
    ).toEqual(['Confirmation run requested', 'after remediation; 3 probe(s)'])
    expect(
      describeEntry({
        at,
        type: 'confirmation',
        detail: { failingRegion: 'eu-west', probes: ['a', 'b'] },
      })[1],
    ).toBe('eu-west failed first; 2 probe(s)')
    expect(
      describeEntry({ at, type: 'confirmation', detail: { rerun: 'us-east', probes: ['c'] } })[1],
    ).toBe('re-run in us-east; 1 probe(s)')
    expect(
      describeEntry({
        at,
        type: 'confirmation',
        detail: { passingRegion: 'eu-west', regions: ['us-east'], probes: ['b'] },
      })[1],
    ).toBe('eu-west passed first; regions us-east; 1 probe(s)')
    expect(
      describeEntry({
        at,
        type: 'confirmation',
        detail: { rerun: 'us-east', recovering: true, probes: ['c'] },
      })[1],
    ).toBe('re-run in us-east to confirm its recovery; 1 probe(s)')
  })

  it('keeps table cells on one line', () => {
    expect(cell('a|b\nc')).toBe('a\\|b c')
  })
})
