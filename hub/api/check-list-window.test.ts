import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { seedRollups } from '../../test/bench/history/seed-rollups.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { startReadModel, type ReadModel } from '../views/read-model.ts'
import type { WindowAvailability } from '../views/window-availability.ts'
import { checkRoutes } from './check-routes.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Mid-minute and mid-hour, so that the 30-day window starts inside an hour and a minute. */
const NOW = Date.UTC(2026, 0, 10, 12, 17, 30)
const REGIONS = ['eu-west', 'us-east', 'ap-south']
const SEEDED = ['api', 'web', 'shop', 'dropped']

function configOf(): MonitoringConfig {
  const outcome = validateMonitoring({
    defaults: { regions: REGIONS },
    checks: [
      { kind: 'http', id: 'api', url: 'https://api.example.com/' },
      { kind: 'http', id: 'web', url: 'https://www.example.com/' },
      { kind: 'http', id: 'shop', url: 'https://shop.example.com/', tags: ['shop'] },
      // Its third region was dropped from the config: its rows still count, as per check.
      {
        kind: 'http',
        id: 'dropped',
        url: 'https://old.example.com/',
        regions: REGIONS.slice(0, 2),
      },
      { kind: 'http', id: 'young', url: 'https://young.example.com/' },
      { kind: 'http', id: 'silent', url: 'https://silent.example.com/' },
      { kind: 'host.disk', id: 'disk', on: { labels: { role: 'db' } }, path: '/' },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

describe('GET /api/v1/checks?window=30d', () => {
  const cleanups: Array<() => void | Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  function hub() {
    const dir = mkdtempSync(join(tmpdir(), 'vantage-list-window-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const config = configOf()
    const clock = new ManualClock(NOW)
    const db = openDatabase(join(dir, 'hub.db'))
    cleanups.push(() => void db.close())
    const results = new ResultStore(db)
    const incidents = new IncidentStore(db)
    seedRollups({
      db,
      store: results,
      incidents,
      checkIds: SEEDED,
      regions: REGIONS,
      now: NOW,
      days: 35,
    })
    const alertState = (checkId: string): CheckAlertState => ({
      checkId,
      status: 'up',
      regions: {},
      failingRegions: [],
      since: null,
      incidentId: null,
    })
    // shop's maintenance: three hours twelve days ago, left out of its time.
    const maintenanceWindows = (check: { id: string; tags: string[] }, from: number, to: number) =>
      check.tags.includes('shop')
        ? [{ from: NOW - 12 * DAY, to: NOW - 12 * DAY + 3 * HOUR }].filter(
            (w) => w.from < to && w.to > from,
          )
        : []
    const inMaintenance = (r: CheckResult) =>
      r.checkId === 'shop' &&
      r.scheduledAt >= NOW - 12 * DAY &&
      r.scheduledAt < NOW - 12 * DAY + 3 * HOUR
    const open = async () => {
      const model = startReadModel({
        db,
        config: () => config,
        results,
        incidents,
        alertState,
        inMaintenance,
        clock,
        logger: silentLogger(),
      })
      await model.ready()
      return model
    }
    /** Stores results as ingest does and hands them to the model. */
    const store = (model: ReadModel | null, list: CheckResult[]) => {
      const stored = results.insert(list, { inMaintenance })
      model?.accept(stored)
    }
    const app = (model: ReadModel) =>
      checkRoutes({
        checks: () => config.checks,
        results,
        alertState,
        outages: (id, from, to) => incidents.outages(id, from, to),
        maintenanceWindows,
        readModel: model,
        now: () => clock.now(),
      })
    return { db, config, clock, results, incidents, open, store, app }
  }

  /** The list's figures and each check's own /availability, read at the same instant. */
  async function compare(h: ReturnType<typeof hub>, model: ReadModel) {
    const app = h.app(model)
    const total = vi.spyOn(h.results.history, 'total')
    const list = await app.request('/api/v1/checks?window=30d&limit=500')
    expect(list.status).toBe(200)
    // Every check was summed from the read model, none from its rollups.
    expect(total).not.toHaveBeenCalled()
    total.mockRestore()
    const body = (await list.json()) as {
      checks: Array<{ id: string; window: WindowAvailability }>
    }
    expect(body.checks.map((c) => c.id)).toEqual(h.config.checks.map((c) => c.id))
    for (const check of body.checks) {
      const one = await app.request(`/api/v1/checks/${check.id}/availability?window=30d`)
      const view = (await one.json()) as WindowAvailability
      expect(check.window, check.id).toEqual({
        from: view.from,
        to: view.to,
        edgeGrain: view.edgeGrain,
        availability: view.availability,
      })
    }
    return body.checks
  }

  it('gives each check the availability its own endpoint gives, at the window edges too', async () => {
    const h = hub()
    const start = NOW - 30 * DAY
    // Runs at the window's first, partial, day and hour, before and after its start,
    // a young check's first runs, a host check's probes, and today's runs.
    const runs: CheckResult[] = [
      makeResult({
        checkId: 'api',
        region: 'us-east',
        scheduledAt: start - 5 * MIN,
        status: 'down',
      }),
      makeResult({
        checkId: 'api',
        region: 'us-east',
        scheduledAt: start + 20 * MIN,
        status: 'down',
      }),
      makeResult({
        checkId: 'web',
        region: 'eu-west',
        scheduledAt: start + 3 * HOUR,
        status: 'down',
      }),
      makeResult({
        checkId: 'web',
        region: 'eu-west',
        scheduledAt: start - 2 * HOUR,
        status: 'down',
      }),
      makeResult({
        checkId: 'shop',
        region: 'ap-south',
        scheduledAt: NOW - 12 * DAY + HOUR,
        status: 'down',
      }),
      makeResult({
        checkId: 'dropped',
        region: 'ap-south',
        scheduledAt: NOW - 3 * DAY,
        status: 'degraded',
      }),
    ]
    for (let at = NOW - 10 * DAY; at < NOW; at += 37 * MIN) {
      runs.push(
        makeResult({
          checkId: 'young',
          region: 'eu-west',
          scheduledAt: at,
          status: at % 5 ? 'up' : 'down',
        }),
        makeResult({
          checkId: 'young',
          region: 'us-east',
          scheduledAt: at,
          status: 'inconclusive',
        }),
      )
    }
    for (let at = NOW - 2 * DAY; at < NOW; at += 11 * MIN) {
      runs.push(
        makeResult({
          checkId: 'disk',
          kind: 'host.disk',
          region: 'eu-west',
          probeId: at % 2 ? 'db-1' : 'db-2',
          scheduledAt: at,
          status: at % 3 ? 'up' : 'down',
        }),
      )
    }
    // A probe seen only before the window starts, on its first day: a null region until
    // that day leaves the window.
    runs.push(
      makeResult({
        checkId: 'disk',
        kind: 'host.disk',
        region: 'eu-west',
        probeId: 'db-9',
        scheduledAt: start - HOUR,
      }),
      makeResult({ checkId: 'api', region: 'eu-west', scheduledAt: NOW - 10_000, status: 'down' }),
    )
    h.store(null, runs)
    const model = await h.open()
    const checks = await compare(h, model)
    expect(checks.find((c) => c.id === 'disk')!.window.availability.regions).toHaveProperty(
      'db-9',
      null,
    )
    // The figures are not all alike: the edges and the young check's first runs tell.
    expect(new Set(checks.map((c) => JSON.stringify(c.window.availability))).size).toBeGreaterThan(
      4,
    )
    expect(checks.find((c) => c.id === 'silent')!.window.availability.overall).toBeNull()

    // Results arrive (late ones too) and the clock moves on within the hour, then by a day.
    h.clock.advance(47 * MIN)
    h.store(model, [
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        scheduledAt: h.clock.now() - 30_000,
        status: 'down',
      }),
      makeResult({
        checkId: 'web',
        region: 'us-east',
        scheduledAt: h.clock.now() - 30 * DAY + 9 * MIN,
        status: 'down',
      }),
      makeResult({
        checkId: 'shop',
        region: 'us-east',
        scheduledAt: NOW - 6 * DAY,
        status: 'down',
      }),
    ])
    await compare(h, model)
    h.clock.advance(DAY + 3 * HOUR)
    h.store(model, [
      makeResult({
        checkId: 'web',
        region: 'ap-south',
        scheduledAt: h.clock.now() - 2 * MIN,
        status: 'down',
      }),
      makeResult({
        checkId: 'api',
        region: 'us-east',
        scheduledAt: h.clock.now() - DAY - 5 * HOUR,
        status: 'down',
      }),
    ])
    const later = await compare(h, model)
    expect(later.find((c) => c.id === 'disk')!.window.availability.regions).not.toHaveProperty(
      'db-9',
    )
    await model.close()
  })

  it('keeps its days across a restart and rounds a window edge out to the hour where minute rollups are gone', async () => {
    const h = hub()
    h.store(null, [
      makeResult({
        checkId: 'api',
        region: 'us-east',
        scheduledAt: NOW - 30 * DAY + 30 * MIN,
        status: 'down',
      }),
    ])
    h.clock.advance(20 * MIN)
    const first = await h.open()
    await compare(h, first)
    await first.close()

    // Minute rollups of the hour the window starts in pruned for one check (a shorter
    // retention): its figure is read from that whole hour, and says so.
    const edgeHour = Math.floor((h.clock.now() - 30 * DAY) / HOUR) * HOUR
    h.db
      .prepare('DELETE FROM rollup_minutes WHERE hour_start = ? AND check_id = ?')
      .run(edgeHour, 'api')
    const hourRows = vi.spyOn(h.results.rollups, 'hourRows')
    const again = await h.open()
    // A restart reads the persisted days, not every check's 30 days.
    expect(hourRows).not.toHaveBeenCalled()
    const checks = await compare(h, again)
    expect(checks.find((c) => c.id === 'api')!.window).toMatchObject({
      edgeGrain: 'hour',
      from: edgeHour,
    })
    expect(checks.find((c) => c.id === 'web')!.window.edgeGrain).toBe('minute')
    await again.close()
  })

  it('refuses a window it does not sum, and says where to ask', async () => {
    const h = hub()
    const model = await h.open()
    const answer = await h.app(model).request('/api/v1/checks?window=7d')
    expect(answer.status).toBe(400)
    // The HTTPException's message; the hub's app (app.ts) sends it as `{ error }`.
    expect(await answer.text()).toMatch(
      /window: the list gives 30d .*\/api\/v1\/checks\/:id\/availability/,
    )
    await model.close()
  })
})
