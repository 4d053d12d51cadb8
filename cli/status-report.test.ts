import { describe, expect, it } from 'vitest'
import type { CheckView } from '../hub/api/contract.ts'
import type { HeartbeatListItem } from '../hub/api/contract.ts'
import { formatStatus } from './status-report.ts'

function view(id: string, kind: string, target: string, status: string, enabled = true) {
  return {
    id,
    name: id,
    kind,
    target,
    tags: [],
    every: '1m',
    enabled,
    state: { status, failingRegions: [], since: null, incidentId: null },
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
    expect(formatStatus('http://hub:8080', CHECKS, { ok: true, list: [BACKUP] })).toBe(
      [
        'http://hub:8080: 3 check(s)',
        '',
        'STATE     CHECK           KIND       TARGET',
        'up        api             http       https://api.example.com/health',
        'DOWN      nightly-backup  heartbeat  a ping every 1d (grace 2h)',
        '    ping URL   http://hub:8080/ping/abc',
        '    last ping  2026-01-01T01:00:00Z (fail)',
        '    due by     2026-01-02T03:00:00Z',
        'disabled  old             http       https://old.example.com/',
        '',
      ].join('\n'),
    )
  })

  it('says why ping URLs are hidden', () => {
    const text = formatStatus('http://hub:8080', CHECKS, {
      ok: false,
      reason: 'this route needs the API token',
    })
    expect(text).toContain('    ping URL   (hidden; see below)')
    expect(text).toContain('Ping URLs are hidden: this route needs the API token')
  })

  it('says when nothing is deployed', () => {
    expect(formatStatus('http://hub:8080', [], { ok: true, list: [] })).toBe(
      'http://hub:8080: no checks deployed\n',
    )
  })
})
