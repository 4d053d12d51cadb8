import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { MaintenanceWindowConfig } from '../../checks/alerting.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { HubState } from '../store/hub-state.ts'
import { Silences, type WindowView } from './silences.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Thursday 1 January 2026, 00:00 UTC (ManualClock's default). */
const T0 = Date.UTC(2026, 0, 1)

const API = { id: 'api', tags: ['payments'] }
const DB = { id: 'db', tags: ['db', 'storage'] }
const WEB = { id: 'web', tags: [] }

let dir: string
let clock: ManualClock
let maintenance: MaintenanceWindowConfig[]

const config = (): MonitoringConfig => ({ project: 'Acme', channels: [], checks: [], maintenance })

async function open(): Promise<Silences> {
  return Silences.open(await HubState.open(dir), { clock, config })
}

async function created(silences: Silences, input: unknown, by = 'alice'): Promise<WindowView> {
  const outcome = await silences.create(input, by)
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.window
}

beforeEach(() => {
  dir = tempDir('vantage-silences-')
  clock = new ManualClock(T0)
  maintenance = []
})

describe('a one-off silence', () => {
  it('mutes matching checks for its duration, then stops', async () => {
    const silences = await open()
    const window = await created(silences, {
      match: { checks: ['api'] },
      for: '2h',
      reason: 'deploy',
    })

    expect(window).toMatchObject({
      kind: 'silence',
      start: T0,
      end: T0 + 2 * HOUR,
      createdBy: 'alice',
      active: true,
      source: 'api',
    })
    expect(window.id).toMatch(/^s-[0-9a-f]{8}$/)
    expect(silences.suppression(API, T0 + HOUR)).toEqual({
      kind: 'silence',
      windowId: window.id,
      reason: `silence ${window.id} (deploy) until 2026-01-01T02:00:00.000Z`,
    })
    expect(silences.suppression(WEB, T0 + HOUR)).toBeNull()
    expect(silences.suppression(API, T0 + 2 * HOUR)).toBeNull()
    // A silence mutes; it does not take results out of the reckoning.
    expect(silences.inMaintenance('api', API.tags, T0 + HOUR)).toBe(false)
  })

  it('matches by tag, and takes start and end (or end alone, from now)', async () => {
    const silences = await open()
    await created(silences, {
      match: { tags: ['storage'] },
      start: '2026-01-01T10:00:00Z',
      end: '2026-01-01T11:00:00+00:00',
    })
    await created(silences, { match: { checks: ['web'] }, end: '2026-01-01T01:00:00Z' })

    expect(silences.suppression(DB, T0 + 9 * HOUR)).toBeNull()
    expect(silences.suppression(DB, T0 + 10 * HOUR)?.kind).toBe('silence')
    expect(silences.suppression(API, T0 + 10 * HOUR)).toBeNull()
    expect(silences.suppression(WEB, T0 + 30 * MIN)?.kind).toBe('silence')
  })

  it('is listed with when it is in force, as the clock moves', async () => {
    const silences = await open()
    const later = await created(silences, {
      match: { checks: ['api'] },
      start: '2026-01-01T10:00:00Z',
      end: '2026-01-01T11:00:00Z',
    })

    const [before] = silences.list()
    expect(before).toMatchObject({ id: later.id, active: false, current: null })
    expect(before!.next).toEqual({ start: T0 + 10 * HOUR, end: T0 + 11 * HOUR })

    clock.set(T0 + 10 * HOUR + 5 * MIN)
    const [during] = silences.list()
    expect(during).toMatchObject({ active: true, next: null })
    expect(during!.current).toEqual({ start: T0 + 10 * HOUR, end: T0 + 11 * HOUR })
    expect(silences.list({ activeAt: T0 })).toEqual([])
    expect(silences.list({ activeAt: T0 + 10 * HOUR }).map((w) => w.id)).toEqual([later.id])
  })
})

describe('maintenance', () => {
  it('wins over a silence, and takes results out of the reckoning', async () => {
    const silences = await open()
    await created(silences, { match: { tags: ['payments'] }, for: '4h' })
    const window = await created(silences, {
      kind: 'maintenance',
      match: { checks: ['api'] },
      for: '1h',
      reason: 'db upgrade',
    })

    expect(window.id).toMatch(/^m-/)
    expect(silences.suppression(API, T0 + 30 * MIN)).toMatchObject({
      kind: 'maintenance',
      windowId: window.id,
    })
    expect(silences.inMaintenance('api', [], T0 + 30 * MIN)).toBe(true)
    // After the maintenance the longer silence still holds.
    expect(silences.suppression(API, T0 + 90 * MIN)?.kind).toBe('silence')
    expect(silences.inMaintenance('api', [], T0 + 90 * MIN)).toBe(false)
  })

  it('recurs by cron in virtual time', async () => {
    const silences = await open()
    await created(silences, {
      kind: 'maintenance',
      match: { tags: ['db'] },
      cron: '0 2 * * 0',
      duration: '1h',
      reason: 'weekly vacuum',
    })
    const sunday = Date.UTC(2026, 0, 4, 2)
    const inside = [sunday, sunday + 59 * MIN, sunday + 7 * DAY + 30 * MIN]
    const outside = [sunday - 1, sunday + HOUR, sunday + DAY, T0]
    expect(inside.map((t) => silences.inMaintenance('db', DB.tags, t))).toEqual([true, true, true])
    expect(outside.map((t) => silences.inMaintenance('db', DB.tags, t))).toEqual([
      false,
      false,
      false,
      false,
    ])

    const [listed] = silences.list()
    expect(listed).toMatchObject({ active: false, current: null })
    expect(listed!.next).toEqual({ start: sunday, end: sunday + HOUR })
    clock.set(sunday + 10 * MIN)
    expect(silences.list()[0]).toMatchObject({ active: true })
    expect(silences.list()[0]!.current).toEqual({ start: sunday, end: sunday + HOUR })
  })

  it('gives the maintenance time of a check over a span, merged and clipped', async () => {
    const silences = await open()
    await created(silences, {
      kind: 'maintenance',
      match: { tags: ['db'] },
      cron: '0 2 * * *',
      duration: '1h',
    })
    await created(silences, {
      kind: 'maintenance',
      match: { checks: ['db'] },
      start: '2026-01-02T02:30:00Z',
      end: '2026-01-02T04:00:00Z',
    })
    await created(silences, { match: { checks: ['db'] }, for: '10d' })

    const from = Date.UTC(2026, 0, 1, 2, 30)
    const to = Date.UTC(2026, 0, 3)
    expect(silences.maintenanceWindows(DB, from, to)).toEqual([
      { from, to: Date.UTC(2026, 0, 1, 3) },
      { from: Date.UTC(2026, 0, 2, 2), to: Date.UTC(2026, 0, 2, 4) },
    ])
    expect(silences.maintenanceWindows(API, from, to)).toEqual([])
  })

  it('judges a result by its scheduled time and its check tags', async () => {
    const silences = await open()
    await created(silences, { kind: 'maintenance', match: { tags: ['db'] }, for: '1h' })
    const checks = [{ id: 'db', tags: ['db'] }] as never
    const inMaintenance = silences.resultPredicate(() => checks)

    expect(inMaintenance(makeResult({ checkId: 'db', scheduledAt: T0 + MIN }))).toBe(true)
    expect(inMaintenance(makeResult({ checkId: 'db', scheduledAt: T0 + HOUR }))).toBe(false)
    expect(inMaintenance(makeResult({ checkId: 'api', scheduledAt: T0 + MIN }))).toBe(false)
  })
})

describe('input', () => {
  it('lists every problem with its path', async () => {
    const silences = await open()
    const outcome = await silences.create(
      { match: { checks: [], colour: 'red' }, cron: '61 * * * *', reason: 7 },
      'alice',
    )
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^match: .*colour/),
        'cron: minute field "61" is out of range 0-59',
        expect.stringMatching(/^reason: /),
      ]),
    )
  })

  it('needs a matcher and a time, one way only', async () => {
    const silences = await open()
    const errors = async (input: unknown) => {
      const outcome = await silences.create(input, 'alice')
      return outcome.ok ? [] : outcome.errors
    }
    expect(await errors({ for: '1h' })).toEqual([expect.stringMatching(/^match: /)])
    expect(await errors({ match: {}, for: '1h' })).toEqual([
      'match: name at least one check or tag: an empty match would silence every check',
    ])
    expect(await errors({ match: { checks: ['api'] } })).toEqual([
      '(root): say when: `for` (e.g. "2h"), `start` and `end`, or `cron` and `duration`',
    ])
    expect(await errors({ match: { checks: ['api'] }, for: '1h', cron: '* * * * *' })).toEqual([
      '(root): give only one of `for`, `start`/`end`, or `cron`/`duration`',
    ])
    expect(await errors({ match: { checks: ['api'] }, cron: '0 2 * * 0' })).toEqual([
      'duration: required with cron',
    ])
    expect(await errors({ match: { checks: ['api'] }, start: '2026-01-01T05:00:00Z' })).toEqual([
      'end: required with start',
    ])
    expect(
      await errors({
        match: { checks: ['api'] },
        start: '2026-01-01T05:00:00Z',
        end: '2026-01-01T04:00:00Z',
      }),
    ).toEqual(['end: must be after start'])
    expect(await errors({ match: { checks: ['api'] }, end: '2025-12-31T00:00:00Z' })).toEqual([
      'end: is in the past, so the window would never apply',
    ])
    expect(await errors({ match: { checks: ['api'] }, for: '0s' })).toEqual([
      'for: must be longer than 0',
    ])
    expect(await errors({ match: { checks: ['api'] }, for: 'soon' })).toEqual([
      'for: "soon" is not a duration (use e.g. 30s, 5m, 1h)',
    ])
    expect(await errors('silence it')).toEqual([expect.stringMatching(/^\(root\): /)])
    expect(silences.list()).toEqual([])
  })

  it('takes the author from the input over the default', async () => {
    const silences = await open()
    const window = await created(silences, {
      match: { checks: ['api'] },
      for: '1h',
      createdBy: 'bob',
    })
    expect(window.createdBy).toBe('bob')
  })
})

describe('persistence', () => {
  it('keeps API windows across a restart on the same data directory', async () => {
    const first = await open()
    const silence = await created(first, { match: { checks: ['api'] }, for: '2h' })
    const weekly = await created(first, {
      kind: 'maintenance',
      match: { tags: ['db'] },
      cron: '0 2 * * 0',
      duration: '1h',
    })

    const second = await open()
    expect(second.list().map((w) => w.id)).toEqual([silence.id, weekly.id])
    expect(second.suppression(API, T0 + HOUR)?.windowId).toBe(silence.id)
    expect(second.inMaintenance('db', DB.tags, Date.UTC(2026, 0, 4, 2, 30))).toBe(true)
  })

  it('removes a window for good', async () => {
    const first = await open()
    const silence = await created(first, { match: { checks: ['api'] }, for: '2h' })
    expect(await first.remove(silence.id)).toMatchObject({ removed: true })
    expect(await first.remove(silence.id)).toEqual({
      removed: false,
      reason: 'unknown',
      error: `no window "${silence.id}"`,
    })
    expect(first.suppression(API, T0 + HOUR)).toBeNull()
    expect((await open()).list()).toEqual([])
  })

  it('keeps ended one-off windows a week, then prunes them from the file', async () => {
    const first = await open()
    const ended = await created(first, { match: { checks: ['api'] }, for: '1h' })
    await created(first, {
      kind: 'maintenance',
      match: { tags: ['db'] },
      cron: '0 2 * * 0',
      duration: '1h',
    })

    clock.set(T0 + 6 * DAY)
    expect((await open()).list().map((w) => w.id)).toContain(ended.id)

    clock.set(T0 + 8 * DAY)
    const later = await open()
    expect(later.list().map((w) => w.id)).not.toContain(ended.id)
    expect(later.list()).toHaveLength(1)
    const file = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { windows: unknown[] }
    expect(file.windows).toHaveLength(1)
  })
})

describe('windows of the monitoring file', () => {
  it('apply, are listed read-only, and cannot be removed', async () => {
    maintenance = [{ match: { tags: ['db'] }, cron: '0 2 * * 0', duration: '1h', reason: 'vacuum' }]
    const silences = await open()

    const [listed] = silences.list()
    expect(listed).toMatchObject({
      id: 'config-0',
      kind: 'maintenance',
      source: 'config',
      readOnly: true,
      reason: 'vacuum',
    })
    expect(silences.inMaintenance('db', DB.tags, Date.UTC(2026, 0, 4, 2, 30))).toBe(true)
    expect(await silences.remove('config-0')).toEqual({
      removed: false,
      reason: 'read-only',
      error: 'window "config-0" comes from the monitoring file; remove it there and deploy',
    })
    expect(silences.list()).toHaveLength(1)
  })

  it('follow deploys, and are never written to the state file', async () => {
    const silences = await open()
    expect(silences.inMaintenance('db', DB.tags, T0 + MIN)).toBe(false)

    maintenance = [{ match: {}, start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' }]
    expect(silences.inMaintenance('db', DB.tags, T0 + MIN)).toBe(true)
    expect(silences.inMaintenance('web', [], T0 + MIN)).toBe(true)
    await created(silences, { match: { checks: ['api'] }, for: '1h' })

    maintenance = []
    expect(silences.inMaintenance('db', DB.tags, T0 + MIN)).toBe(false)
    const file = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { windows: unknown[] }
    expect(file.windows).toHaveLength(1)
  })

  it('shows a window the hub cannot read with its problem, and never applies it', async () => {
    maintenance = [{ match: { tags: ['db'] }, cron: '0 25 * * *', duration: '1h' }]
    const silences = await open()
    expect(silences.list()[0]).toMatchObject({
      id: 'config-0',
      active: false,
      problem: 'cron: hour field "25" is out of range 0-23',
    })
    expect(silences.inMaintenance('db', DB.tags, Date.UTC(2026, 0, 1, 1))).toBe(false)
    expect(silences.maintenanceWindows(DB, T0, T0 + DAY)).toEqual([])
  })
})
