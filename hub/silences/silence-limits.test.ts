import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { maintenanceWindowSchema, type MaintenanceWindowConfig } from '../../checks/alerting.ts'
import { ManualClock } from '../../lib/clock.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { HubState } from '../store/hub-state.ts'
import type { SilenceWindow } from './silence-windows.ts'
import { Silences } from './silences.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Thursday 1 January 2026, 00:00 UTC (ManualClock's default). */
const T0 = Date.UTC(2026, 0, 1)
const DB = { id: 'db', tags: ['db'] }

let dir: string
let clock: ManualClock
let maintenance: MaintenanceWindowConfig[]
let warnings: Array<{ fields: Record<string, unknown>; message: string }>

const logger = {
  warn: (fields: Record<string, unknown>, message: string) => {
    warnings.push({ fields, message })
  },
}
const config = () => ({ project: 'Acme', channels: [], checks: [], maintenance })

async function open(): Promise<Silences> {
  return Silences.open(await HubState.open(dir), { clock, config, logger })
}

const storedWindows = (): unknown[] => {
  try {
    return (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { windows: unknown[] })
      .windows
  } catch {
    return []
  }
}

beforeEach(() => {
  dir = tempDir('vantage-silence-limits-')
  clock = new ManualClock(T0)
  maintenance = []
  warnings = []
})

describe('how long a window may be, and when', () => {
  it('refuses a duration past any representable date, saying the allowed range; stores nothing', async () => {
    const silences = await open()
    for (const [input, error] of [
      [
        { match: { checks: ['db'] }, for: '99999999999999999999h' },
        'for: a silence lasts at most 1 year (365d), not 99999999999999999999h',
      ],
      [
        { kind: 'maintenance', match: { checks: ['db'] }, for: '99999999999999999999h' },
        'for: a maintenance window lasts at most 5 years (1825d), not 99999999999999999999h',
      ],
      [
        { match: { checks: ['db'] }, for: '366d' },
        'for: a silence lasts at most 1 year (365d), not 366d',
      ],
      [
        { match: { checks: ['db'] }, cron: '0 2 * * *', duration: '99999999999999999999h' },
        'duration: a silence lasts at most 1 year (365d), not 99999999999999999999h',
      ],
      [
        { match: { checks: ['db'] }, end: '2027-01-02T00:00:00Z' },
        'end: a silence lasts at most 1 year (365d); this one would last 366d',
      ],
      [
        { kind: 'maintenance', match: { checks: ['db'] }, end: '9999-12-31T00:00:00Z' },
        expect.stringMatching(/^end: a maintenance window lasts at most 5 years \(1825d\)/),
      ],
    ] as const) {
      const outcome = await silences.create(input, 'alice')
      expect(outcome).toEqual({ ok: false, errors: [error] })
    }
    expect(silences.list()).toEqual([])
    expect(storedWindows()).toEqual([])
  })

  it('takes start and end only between the years 2000 and 9999', async () => {
    const silences = await open()
    const outcome = await silences.create(
      {
        kind: 'maintenance',
        match: { checks: ['db'] },
        start: '1999-12-31T23:00:00Z',
        end: '0000-01-01T00:00:00Z',
      },
      'alice',
    )
    expect(outcome).toEqual({
      ok: false,
      errors: [
        'start: must be a date between 2000-01-01 and 9999-12-31 (UTC), not 1999-12-31T23:00:00Z',
        'end: must be a date between 2000-01-01 and 9999-12-31 (UTC), not 0000-01-01T00:00:00Z',
      ],
    })
    expect(storedWindows()).toEqual([])
  })

  it('still takes the longest allowed windows', async () => {
    const silences = await open()
    expect((await silences.create({ match: { checks: ['db'] }, for: '365d' }, 'a')).ok).toBe(true)
    const longest = await silences.create(
      { kind: 'maintenance', match: { checks: ['db'] }, end: '2030-12-31T00:00:00Z' },
      'a',
    )
    expect(longest.ok).toBe(true)
  })
})

describe('the monitoring file', () => {
  it('refuses the same out-of-range windows, with their paths', () => {
    const problems = (entry: unknown) => {
      const parsed = maintenanceWindowSchema.safeParse(entry)
      return parsed.success
        ? []
        : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    }
    expect(
      problems({ match: { tags: ['db'] }, cron: '0 2 * * *', duration: '99999999999999999999h' }),
    ).toEqual([
      'duration: a maintenance window lasts at most 5 years (1825d), not 99999999999999999999h',
    ])
    expect(
      problems({
        match: { tags: ['db'] },
        start: '1970-01-01T00:00:00Z',
        end: '2026-01-01T00:00:00Z',
      }),
    ).toEqual([
      'start: must be a date between 2000-01-01 and 9999-12-31 (UTC), not 1970-01-01T00:00:00Z',
    ])
    expect(
      problems({
        match: { tags: ['db'] },
        start: '2026-01-01T00:00:00Z',
        end: '9999-01-01T00:00:00Z',
      }),
    ).toEqual([expect.stringMatching(/^end: a maintenance window lasts at most 5 years \(1825d\)/)])
    expect(
      problems({
        match: { tags: ['db'] },
        start: '2026-01-01T00:00:00Z',
        end: '2026-01-01T01:00:00Z',
      }),
    ).toEqual([])
  })
})

describe('a window stored before these limits', () => {
  const bad: SilenceWindow[] = [
    {
      id: 's-00000001',
      kind: 'silence',
      match: { checks: ['db'] },
      start: T0,
      end: T0 + 3.6e23,
      createdBy: 'mallory',
      createdAt: T0,
    },
    {
      id: 'm-00000002',
      kind: 'maintenance',
      match: { checks: ['db'] },
      cron: '0 * * * *',
      duration: '99999999999999999999h',
      createdBy: 'mallory',
      createdAt: T0,
    },
  ]

  it('is skipped and logged once, never applied, still listed so it can be removed', async () => {
    const state = await HubState.open(dir)
    await state.saveWindows(bad)
    const silences = await Silences.open(state, { clock, config, logger })

    expect(warnings.map((w) => [w.fields.windowId, w.message])).toEqual([
      ['s-00000001', 'skipping a stored window the hub cannot apply; remove it'],
      ['m-00000002', 'skipping a stored window the hub cannot apply; remove it'],
    ])
    // What the dispatcher asks every second for an open incident: it must not throw.
    expect(silences.suppression(DB, T0 + HOUR)).toBeNull()
    expect(silences.inMaintenance('db', DB.tags, T0 + HOUR)).toBe(false)
    expect(silences.maintenanceWindows(DB, T0, T0 + DAY)).toEqual([])
    const listed = silences.list()
    expect(listed.map((w) => [w.id, w.active, w.problem])).toEqual([
      ['s-00000001', false, 'end: not a date between 2000-01-01 and 9999-12-31 (UTC)'],
      [
        'm-00000002',
        false,
        'duration: a maintenance window lasts at most 5 years (1825d), not 99999999999999999999h',
      ],
    ])
    expect(() => JSON.stringify(listed)).not.toThrow()
    expect((await silences.remove('s-00000001')).removed).toBe(true)
    expect(warnings).toHaveLength(2)
  })

  it('in a running config (deployed before these limits) is shown with its problem, never applied', async () => {
    maintenance = [
      { match: { tags: ['db'] }, start: '2026-01-01T00:00:00Z', end: '0001-01-01T00:00:00Z' },
    ]
    const silences = await open()
    expect(silences.list()[0]).toMatchObject({ id: 'config-0', active: false })
    expect(silences.list()[0]!.problem).toContain('end: must be a date between 2000-01-01')
    expect(silences.suppression(DB, T0 + HOUR)).toBeNull()
    expect(warnings.map((w) => w.fields.windowId)).toEqual(['config-0'])
  })
})
