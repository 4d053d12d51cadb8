import { describe, expect, it } from 'vitest'
import type { IncidentDetail, IncidentListItem } from '../hub/api/contract.ts'
import { formatAcknowledged, formatIncidentDetail, formatIncidentList } from './incidents-format.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0)
const timeout = { code: 'TIMEOUT', message: 'no answer in 10s' }

const resolved: IncidentListItem = {
  id: '01KJM6Q1Z8X4AB5C6D7E8F9G0H',
  kind: 'down',
  check: 'api',
  name: 'API health',
  start: T0,
  end: T0 + 43 * MIN,
  open: false,
  durationMs: 43 * MIN,
  regions: ['eu-west', 'us-east'],
  firstError: timeout,
  acked: { by: 'alice', at: T0 + 4 * MIN },
}

const open: IncidentListItem = {
  id: '01KJM9000000000000000000AB',
  kind: 'probe',
  check: 'probe:eu-west-1',
  name: 'probe:eu-west-1',
  start: T0 + 60 * MIN,
  end: null,
  open: true,
  durationMs: 90_000,
  regions: [],
  firstError: null,
  acked: null,
}

const detail: IncidentDetail = {
  ...resolved,
  timeline: [
    { at: T0, type: 'fired', detail: { regions: ['eu-west', 'us-east'], quorum: 2 } },
    { at: T0 + 4 * MIN, type: 'ack', detail: { by: 'alice', comment: 'on it' } },
    { at: T0 + 43 * MIN, type: 'resolved', detail: { durationMs: 43 * MIN } },
  ],
  impact: {
    durationMs: 43 * MIN,
    regions: ['eu-west', 'us-east'],
    failedRuns: 80,
    totalRuns: 86,
    availability: 0.999004,
    observedMs: 30 * 24 * 60 * MIN,
    errorBudget: {
      target: 99.9,
      windowMs: 30 * 24 * 60 * MIN,
      allowedDowntimeMs: 43.2 * MIN,
      consumedMs: 43 * MIN,
      consumedShare: 43 / 43.2,
      remainingShare: 1 - 43 / 43.2,
    },
  },
  samples: [],
  notifications: null,
}

describe('formatIncidentList', () => {
  it('prints a table, newest first, open and unacknowledged in capitals', () => {
    expect(formatIncidentList([open, resolved])).toBe(
      [
        'ID                          CHECK            KIND   STATE     STARTED (UTC)        DURATION  REGIONS          ACKED',
        '01KJM9000000000000000000AB  probe:eu-west-1  probe  OPEN      2026-03-01 13:00:00  1m30s+    -                -',
        '01KJM6Q1Z8X4AB5C6D7E8F9G0H  api              down   resolved  2026-03-01 12:00:00  43m       eu-west,us-east  alice',
        '',
      ].join('\n'),
    )
  })

  it('says so when there are none', () => {
    expect(formatIncidentList([])).toBe('no incidents\n')
  })
})

describe('formatIncidentDetail', () => {
  it('prints the facts, the impact and the timeline', () => {
    expect(formatIncidentDetail(detail)).toBe(
      [
        'Incident 01KJM6Q1Z8X4AB5C6D7E8F9G0H (down, resolved)',
        '  check         API health (api)',
        '  started       2026-03-01 12:00:00 UTC',
        '  ended         2026-03-01 12:43:00 UTC (43m)',
        '  regions       eu-west, us-east',
        '  first error   TIMEOUT: no answer in 10s',
        '  acked         by alice at 2026-03-01 12:04:00 UTC',
        '  failed runs   80 of 86 conclusive',
        '  availability  99.900 % over the 30d SLO window',
        '  error budget  43m of the 43m12s of downtime that 99.9 % allows over 30d (99.5 %); 0.5 % of it remains',
        '',
        'Timeline (UTC):',
        '  2026-03-01 12:00:00  Alert fired   2 region(s) failing (quorum 2): eu-west, us-east',
        '  2026-03-01 12:04:00  Acknowledged  by alice; on it',
        '  2026-03-01 12:43:00  Resolved      after 43m',
        '',
        'Report: vantage incidents report 01KJM6Q1Z8X4AB5C6D7E8F9G0H',
        '',
      ].join('\n'),
    )
  })

  it('shows an open probe incident without check figures, an ack or a timeline', () => {
    const text = formatIncidentDetail({
      ...detail,
      ...open,
      timeline: [],
      impact: { ...detail.impact, availability: null, regions: [], failedRuns: 0, totalRuns: 0 },
    })
    expect(text).toContain('Incident 01KJM9000000000000000000AB (probe, open)')
    expect(text).toContain('  ended        still open (1m30s so far)')
    expect(text).toContain('  acked        no')
    expect(text).toContain(
      '  impact       none charged to a check: this is about the monitoring network',
    )
    expect(text).not.toMatch(/failed runs|availability|error budget|regions/)
    expect(text).toContain('Timeline (UTC):\n  (empty)\n')
  })

  it('states the basis of the availability of a check observed for less than the window', () => {
    const text = formatIncidentDetail({
      ...detail,
      impact: { ...detail.impact, availability: 0.609, observedMs: 3 * MIN },
    })
    expect(text).toContain('  availability  60.900 % over the 3m observed (SLO window 30d)')
  })
})

describe('formatAcknowledged', () => {
  it('confirms who acknowledged what', () => {
    expect(formatAcknowledged(resolved)).toBe(
      'acknowledged 01KJM6Q1Z8X4AB5C6D7E8F9G0H by alice: API health (api) down since 2026-03-01 12:00:00 UTC; reminders and escalation stop\n',
    )
  })
})
