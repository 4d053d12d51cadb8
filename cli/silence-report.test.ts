import { describe, expect, it } from 'vitest'
import type { WindowView } from '../hub/silences/silences.ts'
import {
  describeMatch,
  formatCreated,
  formatWindowList,
  normalizeInstant,
  windowRequest,
} from './silence-report.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const NOW = Date.UTC(2026, 0, 1, 12)

function view(fields: Partial<WindowView>): WindowView {
  return {
    id: 's-1a2b3c4d',
    kind: 'silence',
    match: { checks: ['api'] },
    createdBy: 'alice',
    createdAt: NOW,
    source: 'api',
    readOnly: false,
    active: false,
    current: null,
    next: null,
    ...fields,
  }
}

describe('windowRequest', () => {
  it('builds the body from the flags', () => {
    expect(
      windowRequest({ check: ['api', 'web'], tag: ['db'], for: '2h', reason: 'deploy', by: 'al' }),
    ).toEqual({
      ok: true,
      body: {
        match: { checks: ['api', 'web'], tags: ['db'] },
        for: '2h',
        reason: 'deploy',
        createdBy: 'al',
      },
    })
    expect(windowRequest({ tag: ['db'], cron: '0 2 * * 0', duration: '1h' })).toEqual({
      ok: true,
      body: { match: { tags: ['db'] }, cron: '0 2 * * 0', duration: '1h' },
    })
  })

  it('says what is missing or mixed', () => {
    expect(windowRequest({ for: '2h' })).toEqual({
      ok: false,
      error: 'say what to match: --check ID and/or --tag TAG (each repeatable)',
    })
    expect(windowRequest({ check: [], tag: [], for: '2h' }).ok).toBe(false)
    expect(windowRequest({ check: ['api'] })).toMatchObject({
      error: expect.stringMatching(/^say when/),
    })
    expect(
      windowRequest({ check: ['api'], for: '1h', end: '2026-01-01T13:00:00.000Z' }),
    ).toMatchObject({
      error: 'use only one of --for, --start/--end, or --cron/--duration',
    })
    expect(windowRequest({ check: ['api'], cron: '0 2 * * 0' })).toMatchObject({
      error: '--cron and --duration go together',
    })
  })
})

describe('normalizeInstant', () => {
  it('takes ISO 8601 with a zone, and gives it back in UTC', () => {
    expect(normalizeInstant('2026-01-04T02:00Z')).toBe('2026-01-04T02:00:00.000Z')
    expect(normalizeInstant('2026-01-04T03:00:00+01:00')).toBe('2026-01-04T02:00:00.000Z')
  })

  it('refuses a time without a zone rather than guess', () => {
    expect(() => normalizeInstant('2026-01-04T02:00')).toThrow('is not a time with a zone')
    expect(() => normalizeInstant('tomorrow')).toThrow('is not a time with a zone')
    expect(() => normalizeInstant('2026-13-40T02:00Z')).toThrow('is not a time with a zone')
  })
})

describe('describeMatch', () => {
  it('names checks and tags, and the catch-all of the monitoring file', () => {
    expect(describeMatch({ checks: ['api'] })).toBe('check api')
    expect(describeMatch({ checks: ['api', 'web'], tags: ['db'] })).toBe('checks api, web; tag db')
    expect(describeMatch({})).toBe('every check')
  })
})

describe('formatCreated', () => {
  it('shows the id, what matches, when it holds and how to remove it', () => {
    const silence = view({
      start: NOW,
      end: NOW + 2 * HOUR,
      active: true,
      current: { start: NOW, end: NOW + 2 * HOUR },
      reason: 'deploy',
    })
    expect(formatCreated(silence, NOW)).toBe(
      [
        'silence s-1a2b3c4d created',
        '  matches: check api',
        '  when:    2026-01-01 12:00 UTC to 2026-01-01 14:00 UTC',
        '  state:   active until 2026-01-01 14:00 UTC (2h left)',
        '  reason:  deploy',
        'remove it with: vantage silence remove s-1a2b3c4d',
        '',
      ].join('\n'),
    )
  })

  it('shows when a recurring window opens next', () => {
    const weekly = view({
      id: 'm-00ff00ff',
      kind: 'maintenance',
      match: { tags: ['db'] },
      cron: '0 2 * * 0',
      duration: '1h',
      next: { start: Date.UTC(2026, 0, 4, 2), end: Date.UTC(2026, 0, 4, 3) },
    })
    expect(formatCreated(weekly, NOW)).toContain('  when:    cron "0 2 * * 0" for 1h (UTC)\n')
    expect(formatCreated(weekly, NOW)).toContain(
      '  state:   next 2026-01-04 02:00 UTC (in 2d14h)\n',
    )
  })
})

describe('formatWindowList', () => {
  it('lists windows as a table, marking those of the monitoring file', () => {
    const windows = [
      view({
        id: 'config-0',
        kind: 'maintenance',
        match: { tags: ['db'] },
        cron: '0 2 * * 0',
        duration: '1h',
        source: 'config',
        readOnly: true,
        createdBy: 'monitoring file',
        next: { start: Date.UTC(2026, 0, 4, 2), end: Date.UTC(2026, 0, 4, 3) },
        reason: 'vacuum',
      }),
      view({ id: 'm-1', kind: 'maintenance', start: NOW - 2 * HOUR, end: NOW - HOUR }),
    ]
    expect(formatWindowList(windows, 'maintenance', NOW)).toBe(
      [
        'ID        STATE                                 MATCHES    WHEN                                          BY               REASON',
        'config-0  next 2026-01-04 02:00 UTC (in 2d14h)  tag db     cron "0 2 * * 0" for 1h (UTC)                 monitoring file  vacuum',
        'm-1       ended                                 check api  2026-01-01 10:00 UTC to 2026-01-01 11:00 UTC  alice',
        '',
      ].join('\n'),
    )
  })

  it('says so when there are none', () => {
    expect(formatWindowList([], 'silence', NOW)).toBe('no silences\n')
    expect(formatWindowList([], 'maintenance', NOW)).toBe('no maintenance windows\n')
  })

  it('lists a window whose times are past any date instead of crashing', () => {
    // As a hub from before the limits answers a window stored with for: 99999999999999999999h.
    const end = NOW + 3.6e23
    const endless = view({ start: NOW, end, active: true, current: { start: NOW, end } })
    const flagged = view({ id: 's-2', start: NOW, end, problem: 'end: not a date' })
    const table = formatWindowList([endless, flagged], 'silence', NOW)
    expect(table).toContain('2026-01-01 12:00 UTC to an invalid time')
    expect(table).toContain('active until an invalid time')
    expect(table).toContain('never applies: end: not a date')
    expect(formatCreated(endless, NOW)).toContain('an invalid time')
  })

  it('shows a window the hub cannot apply with its problem', () => {
    const broken = view({ id: 'config-1', problem: 'cron: hour field "25" is out of range 0-23' })
    expect(formatWindowList([broken], 'maintenance', NOW)).toContain(
      'never applies: cron: hour field "25" is out of range 0-23',
    )
  })
})
