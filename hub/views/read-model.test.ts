import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { buildCheckView, minuteBars } from './check-view.ts'
import { startReadModel, type ReadModel } from './read-model.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 0, 10, 12, 17, 30)

function configOf(): MonitoringConfig {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west', 'us-east', 'ap-south'] },
    checks: [
      { kind: 'http', id: 'api', url: 'https://api.example.com/' },
      { kind: 'http', id: 'web', url: 'https://www.example.com/', regions: ['eu-west'] },
      { kind: 'http', id: 'new', url: 'https://new.example.com/' },
      { kind: 'host.disk', id: 'disk', on: { labels: { role: 'db' } }, path: '/' },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

/** Results every minute for 26 hours up to NOW: api fails in us-east at times, one is inconclusive. */
function history(): CheckResult[] {
  const out: CheckResult[] = []
  for (let at = NOW - 26 * HOUR; at < NOW; at += MIN) {
    const m = Math.floor(at / MIN)
    out.push(
      makeResult({
        checkId: 'api',
        region: 'eu-west',
        probeId: 'eu-west-1',
        scheduledAt: at,
        durationMs: 80,
      }),
    )
    const down = m % 97 < 6
    out.push(
      makeResult({
        checkId: 'api',
        region: 'us-east',
        probeId: 'us-east-1',
        scheduledAt: at,
        status: down ? 'down' : 'up',
        durationMs: down ? 10_000 : 140,
        ...(down ? { error: { code: 'TIMEOUT', message: 'no answer' } } : {}),
      }),
    )
    out.push(
      makeResult({
        checkId: 'api',
        region: 'ap-south',
        probeId: 'ap-south-1',
        scheduledAt: at,
        status: m % 61 === 0 ? 'inconclusive' : m % 53 === 0 ? 'degraded' : 'up',
        durationMs: 210,
      }),
    )
    if (m % 2 === 0) out.push(makeResult({ checkId: 'web', scheduledAt: at, durationMs: 30 }))
    if (at > NOW - 3 * HOUR) {
      out.push(
        makeResult({
          checkId: 'disk',
          kind: 'host.disk',
          region: 'eu-west',
          probeId: m % 3 ? 'db-1' : 'db-2',
          scheduledAt: at,
        }),
      )
    }
  }
  return out
}

describe('the read model', () => {
  const cleanups: Array<() => void | Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  function hub(dir?: string) {
    const config = configOf()
    const clock = new ManualClock(NOW)
    const db: Database = openDatabase(dir ? join(dir, 'hub.db') : ':memory:')
    const results = new ResultStore(db)
    const incidents = new IncidentStore(db)
    const states: Record<string, CheckAlertState['status']> = { api: 'partial' }
    const alertState = (checkId: string): CheckAlertState => ({
      checkId,
      status: states[checkId] ?? 'up',
      regions: {},
      failingRegions: [],
      since: null,
      incidentId: null,
    })
    const open = () => {
      const model = startReadModel({
        db,
        config: () => config,
        results,
        incidents,
        alertState,
        clock,
        logger: silentLogger(),
      })
      cleanups.push(() => model.close())
      return model
    }
    cleanups.push(() => void db.close())
    return { config, clock, db, results, incidents, states, alertState, open }
  }

  /** A check's view from the stores alone, and from the read model. */
  function views(h: ReturnType<typeof hub>, model: ReadModel) {
    const sources = {
      results: h.results,
      alertState: h.alertState,
      outages: (id: string, from: number, to: number) => h.incidents.outages(id, from, to),
    }
    const now = h.clock.now()
    // The model answers from memory: no read of the stores on its path.
    const reads = (
      ['regionCountsOver', 'buckets', 'latestPerRegion', 'firstResultAt'] as const
    ).map((name) => vi.spyOn(h.results, name))
    const fromModel = h.config.checks.map((spec) => ({
      view: buildCheckView({ ...sources, readModel: model }, spec, now),
      bars: minuteBars(h.results, spec.id, now, model),
    }))
    for (const read of reads) {
      expect(read).not.toHaveBeenCalled()
      read.mockRestore()
    }
    return h.config.checks.map((spec, i) => ({
      id: spec.id,
      stores: {
        view: buildCheckView(sources, spec, now),
        bars: minuteBars(h.results, spec.id, now),
      },
      model: fromModel[i]!,
    }))
  }

  it('gives every check the view the stores give, and stays so as results arrive and hours pass', () => {
    const h = hub()
    const all = history()
    const early = all.filter((r) => r.scheduledAt < NOW - 40 * MIN)
    h.results.insert(early)
    const outage = h.incidents.open({
      checkId: 'api',
      at: NOW - 5 * HOUR,
      regions: ['us-east'],
      firstError: null,
    })
    h.incidents.resolve(outage, NOW - 5 * HOUR + 7 * MIN)
    h.clock.set(NOW - 40 * MIN)
    const model = h.open()
    for (const v of views(h, model)) expect(v.model, v.id).toEqual(v.stores)

    // Results arrive as ingest stores them, some late, some twice; the clock moves on.
    const late = all.filter((r) => r.scheduledAt >= NOW - 40 * MIN)
    for (let i = 0; i < late.length; i += 7) {
      const batch = late.slice(i, i + 7)
      const stored = h.results.insert([...batch, ...(i > 0 ? late.slice(i - 2, i) : [])])
      model.accept(stored)
      h.clock.set(Math.max(h.clock.now(), batch.at(-1)!.scheduledAt + 20_000))
    }
    const late2 = makeResult({
      checkId: 'api',
      region: 'us-east',
      probeId: 'us-east-1',
      scheduledAt: NOW - 23.5 * HOUR,
      status: 'down',
    })
    model.accept(h.results.insert([late2]))
    for (const v of views(h, model)) expect(v.model, v.id).toEqual(v.stores)

    // An hour later, with nothing stored since: the windows slide over what is kept.
    h.clock.advance(HOUR + 7 * MIN)
    for (const v of views(h, model)) expect(v.model, v.id).toEqual(v.stores)
    const fresh = [
      makeResult({
        checkId: 'new',
        scheduledAt: h.clock.now() - 5_000,
        status: 'down',
        error: { code: 'DNS_NXDOMAIN', message: 'x' },
      }),
    ]
    model.accept(h.results.insert(fresh))
    for (const v of views(h, model)) expect(v.model, v.id).toEqual(v.stores)
    expect(model.latest('new').get('eu-west')?.status).toBe('down')
  })

  it("keeps a minute's durations to the millisecond past the 2^24 ms a Float32 holds", () => {
    const h = hub()
    const model = h.open()
    const minute = Date.UTC(2026, 0, 10, 12, 5)
    // 250 runs of 119,999 ms in one minute sum to 29,999,750 ms.
    const runs = Array.from({ length: 250 }, (_, n) =>
      makeResult({ checkId: 'api', scheduledAt: minute + n * 200, durationMs: 119_999 }),
    )
    model.accept(h.results.insert(runs))
    const [bucket] = model.minuteBuckets('api', minute, minute + MIN)!
    expect(bucket!.durationSum).toBe(250 * 119_999)
    expect(bucket!.durationMax).toBe(119_999)
  })

  it('says a state change to its listeners and reads the outage it opened', () => {
    const h = hub()
    h.results.insert(history())
    const model = h.open()
    const heard: string[] = []
    model.onChange((reason) => heard.push(reason))
    const before = model.version()
    h.incidents.open({ checkId: 'web', at: NOW - MIN, regions: ['eu-west'], firstError: null })
    h.states.web = 'down'
    model.stateChanged({ checkId: 'web', series: null, state: 'down', at: NOW - MIN })
    expect(model.version()).toBeGreaterThan(before)
    expect(heard).toEqual(['state web'])
    expect(model.statusOf('web')).toBe('down')
    expect(model.summary()).toMatchObject({ down: 1, partial: 1, up: 2 })
    expect(model.outages('web', NOW - HOUR, NOW)).toHaveLength(1)
  })

  it('keeps its days across a restart without reading every check again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vantage-read-model-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const h = hub(dir)
    // State time as the roller writes it: api down 30 minutes on each of the last 5 days.
    const samples = []
    for (let minute = NOW - 95 * DAY; minute < NOW - MIN; minute += 5 * MIN) {
      const day = Math.floor((minute - Math.floor(NOW / DAY) * DAY) / DAY)
      const down = day >= -5 && minute % DAY < 30 * MIN
      for (const checkId of ['api', 'web']) {
        samples.push({
          checkId,
          series: OVERALL_SERIES,
          minute,
          time: [
            down && checkId === 'api' ? 0 : 5 * MIN,
            0,
            0,
            down && checkId === 'api' ? 5 * MIN : 0,
            0,
            0,
            0,
          ],
          valid: true,
          bad: down && checkId === 'api',
        })
      }
    }
    h.results.rollups.addTime(samples)
    const first = h.open()
    await first.ready()
    const from = Math.floor(NOW / DAY) * DAY - 89 * DAY
    const days = first.verdictMinutes('api', from, NOW, DAY)!
    expect(days).toHaveLength(90)
    expect(days.at(-2)).toMatchObject({ down: 30, up: 24 * 60 - 30 })
    expect(days[0]).toMatchObject({ down: 0, up: 24 * 60 })
    await first.close()

    // A restart reads the persisted days, and only today (and yesterday) from the rollups.
    const perCheck = vi.spyOn(h.results.rollups, 'hourRows')
    const again = h.open()
    await again.ready()
    expect(again.daysReady()).toBe(true)
    expect(perCheck).not.toHaveBeenCalled()
    expect(again.verdictMinutes('api', from, NOW, DAY)).toEqual(days)
    expect(again.verdictMinutes('web', from, NOW, DAY)).toEqual(
      first.verdictMinutes('web', from, NOW, DAY),
    )
  })
})
