import { describe, expect, it } from 'vitest'
import type { CheckView, IncidentListItem, WindowView } from '../hub/api/contract.ts'
import type { HeartbeatListItem } from '../hub/api/contract.ts'
import {
  formatStatus,
  statusExitCode,
  statusJson,
  type HeartbeatFetch,
  type StatusData,
} from './status-report.ts'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const MIN = 60_000

const data = (
  checks: CheckView[],
  heartbeats: HeartbeatFetch,
  extra: Partial<StatusData> = {},
) => ({
  checks,
  heartbeats,
  silences: [],
  maintenance: [],
  incidents: [],
  ...extra,
})

function view(
  id: string,
  kind: string,
  target: string,
  status: string,
  enabled = true,
  state: Partial<CheckView['state']> = {},
  tags: string[] = [],
) {
  return {
    id,
    name: id,
    kind,
    target,
    tags,
    every: '1m',
    enabled,
    state: { status, failingRegions: [], since: null, incidentId: null, ...state },
    regions: {},
    availability: {},
  } as unknown as CheckView
}

const CHECKS = [
  view('api', 'http', 'https://api.example.com/health', 'up'),
  view('nightly-backup', 'heartbeat', 'a ping every 1d (grace 2h)', 'down'),
  view('old', 'http', 'https://old.example.com/', 'unknown', false),
]

const BACKUP: HeartbeatListItem = {
  id: 'nightly-backup',
  name: 'nightly-backup',
  pingUrl: 'http://hub:8080/ping/abc',
  enabled: true,
  every: '1d',
  grace: '2h',
  lastPingAt: Date.UTC(2026, 0, 1, 1, 0, 0),
  lastPing: { kind: 'fail', at: Date.UTC(2026, 0, 1, 1, 0, 0) },
  runStartedAt: null,
  nextDeadline: Date.UTC(2026, 0, 2, 3, 0, 0),
}

describe('formatStatus', () => {
  it('lists each check with its state, and each heartbeat with its ping URL', () => {
    expect(formatStatus('http://hub:8080', data(CHECKS, { ok: true, list: [BACKUP] }), NOW)).toBe(
      [
        'http://hub:8080: 3 check(s)',
        '',
        'STATE     CHECK           KIND       SINCE  MAINTENANCE  SILENCED  ACKED  TARGET',
        'up        api             http       -      -            -         -      https://api.example.com/health',
        'DOWN      nightly-backup  heartbeat  -      -            -         -      a ping every 1d (grace 2h)',
        '    ping URL   http://hub:8080/ping/abc',
        '    last ping  2026-01-01T01:00:00Z (fail)',
        '    due by     2026-01-02T03:00:00Z',
        'disabled  old             http       -      -            -         -      https://old.example.com/',
        '',
        '1 check(s) DOWN',
        '',
      ].join('\n'),
    )
  })

  it('says why ping URLs are hidden', () => {
    const text = formatStatus(
      'http://hub:8080',
      data(CHECKS, { ok: false, reason: 'this route needs the API token' }),
      NOW,
    )
    expect(text).toContain('    ping URL   (hidden; see below)')
    expect(text).toContain('Ping URLs are hidden: this route needs the API token')
  })

  it('says when nothing is deployed', () => {
    expect(formatStatus('http://hub:8080', data([], { ok: true, list: [] }), NOW)).toBe(
      'http://hub:8080: no checks deployed\n',
    )
  })
})

describe('what holds a check', () => {
  const db = view(
    'db',
    'tcp',
    'db:5432',
    'down',
    true,
    { since: NOW - 95 * MIN, incidentId: 'i-1' },
    ['storage'],
  )
  const web = view('web', 'http', 'https://web/', 'up', true, { since: NOW - 30 * 1_000 })
  const window = (fields: Partial<WindowView>): WindowView => ({
    id: 'm-1',
    kind: 'maintenance',
    match: { tags: ['storage'] },
    createdBy: 'alice',
    createdAt: NOW - 60 * MIN,
    source: 'api',
    readOnly: false,
    active: true,
    current: { start: NOW - 10 * MIN, end: NOW + 50 * MIN },
    next: null,
    ...fields,
  })
  const incident: IncidentListItem = {
    id: 'i-1',
    kind: 'down',
    check: 'db',
    name: 'db',
    start: NOW - 95 * MIN,
    end: null,
    open: true,
    durationMs: 95 * MIN,
    regions: ['eu-west'],
    firstError: null,
    acked: { by: 'bob', at: NOW - 80 * MIN },
  }
  const held = data(
    [db, web],
    { ok: true, list: [] },
    {
      maintenance: [window({ reason: 'vacuum' })],
      silences: [
        window({
          id: 's-1',
          kind: 'silence',
          match: { checks: ['db'] },
          current: { start: NOW - MIN, end: NOW + 2 * 60 * MIN },
        }),
      ],
      incidents: [incident],
    },
  )

  it('shows since when, the maintenance window and silence in force, and who acked', () => {
    const text = formatStatus('http://hub:8080', held, NOW)
    expect(text).toContain(
      [
        'STATE  CHECK  KIND  SINCE  MAINTENANCE     SILENCED       ACKED   TARGET',
        'DOWN   db     tcp   1h35m  m-1 (50m left)  s-1 (2h left)  by bob  db:5432',
        'up     web    http  30s    -               -              -       https://web/',
      ].join('\n'),
    )
  })

  it('gives the same as stable JSON, with the DOWN checks named', () => {
    const json = statusJson('http://hub:8080', held)
    expect(json.down).toEqual(['db'])
    expect(json.heartbeats).toEqual([])
    expect(json.checks[0]).toEqual({
      id: 'db',
      name: 'db',
      kind: 'tcp',
      target: 'db:5432',
      tags: ['storage'],
      enabled: true,
      status: 'down',
      since: NOW - 95 * MIN,
      failingRegions: [],
      incidentId: 'i-1',
      maintenance: { id: 'm-1', reason: 'vacuum', until: NOW + 50 * MIN },
      silenced: { id: 's-1', reason: null, until: NOW + 120 * MIN },
      acked: { by: 'bob', at: NOW - 80 * MIN, incidentId: 'i-1' },
      availability: {},
    })
    expect(json.checks[1]).toMatchObject({
      id: 'web',
      maintenance: null,
      silenced: null,
      acked: null,
    })
    const hidden = statusJson('http://hub:8080', data([web], { ok: false, reason: 'no token' }))
    expect(hidden).toMatchObject({ heartbeats: null, heartbeatsHidden: 'no token' })
  })

  it('exits 4 when an enabled check is DOWN, 0 otherwise', () => {
    expect(statusExitCode([db, web])).toBe(4)
    expect(statusExitCode([web])).toBe(0)
    expect(statusExitCode([view('off', 'http', 'x', 'down', false)])).toBe(0)
  })
})
