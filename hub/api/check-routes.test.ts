import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckSpec } from '../../checks/spec.ts'
import { validateMonitoring } from '../../checks/validate.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import type { CheckAlertStatus, Outage } from '../alerts/alert-state.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { checkRoutes, type CheckRouteDeps } from './check-routes.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.UTC(2026, 3, 10, 12, 0, 30)

let db: Database
let deps: CheckRouteDeps
let outages: Outage[]
const STATES: Record<string, CheckAlertStatus> = { 'c-01': 'down', 'c-02': 'partial' }

function checks(): CheckSpec[] {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu', 'us'] },
    checks: Array.from({ length: 12 }, (_, i) => ({
      kind: 'http',
      id: `c-${String(i).padStart(2, '0')}`,
      name: i === 7 ? 'Checkout page' : undefined,
      url: `https://s${i}.example.com/`,
      tags: i % 3 === 0 ? ['web'] : [],
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config.checks
}

beforeEach(() => {
  db = openDatabase(':memory:')
  const results = new ResultStore(db)
  // Ten days of c-00 every ten minutes in two regions, slower in us; down for an hour two days ago.
  const batch = []
  for (let t = NOW - 10 * DAY; t < NOW; t += 10 * MIN) {
    const down = t >= NOW - 2 * DAY && t < NOW - 2 * DAY + HOUR
    batch.push(
      makeResult({
        checkId: 'c-00',
        region: 'eu',
        scheduledAt: t,
        durationMs: 100,
        status: down ? 'down' : 'up',
      }),
    )
    batch.push(
      makeResult({
        checkId: 'c-00',
        region: 'us',
        probeId: 'us-1',
        scheduledAt: t,
        durationMs: 300,
        status: down ? 'down' : 'up',
      }),
    )
  }
  results.insert(batch)
  outages = [
    { incidentId: 'i1', checkId: 'c-00', startedAt: NOW - 2 * DAY, endedAt: NOW - 2 * DAY + HOUR },
  ]
  deps = {
    checks,
    results,
    alertState: (checkId) => ({
      checkId,
      status: STATES[checkId] ?? 'up',
      regions: {},
      failingRegions: [],
      since: null,
      incidentId: null,
    }),
    outages: (checkId, from, to) =>
      outages.filter(
        (o) => o.checkId === checkId && o.startedAt < to && (o.endedAt ?? Infinity) > from,
      ),
    now: () => NOW,
  }
})
afterEach(() => db.close())

async function get(path: string) {
  const app = new Hono()
  app.route('/', checkRoutes(deps))
  app.onError((error, c) =>
    error instanceof HTTPException
      ? c.json({ error: error.message }, error.status)
      : c.json({}, 500),
  )
  const response = await app.request(path)
  return { status: response.status, body: (await response.json()) as any }
}

describe('GET /api/v1/checks', () => {
  it('pages in file order with a cursor, and counts every check by state', async () => {
    const first = await get('/api/v1/checks?limit=5')
    expect(first.body.checks.map((c: { id: string }) => c.id)).toEqual([
      'c-00',
      'c-01',
      'c-02',
      'c-03',
      'c-04',
    ])
    expect(first.body.total).toBe(12)
    expect(first.body.summary).toMatchObject({ up: 10, down: 1, partial: 1 })
    const ids: string[] = first.body.checks.map((c: { id: string }) => c.id)
    let cursor = first.body.nextCursor
    while (cursor) {
      const next = await get(`/api/v1/checks?limit=5&cursor=${cursor}`)
      ids.push(...next.body.checks.map((c: { id: string }) => c.id))
      cursor = next.body.nextCursor
    }
    expect(ids).toEqual(checks().map((c) => c.id))
  })

  it('filters by state, tag and text', async () => {
    const troubled = await get('/api/v1/checks?state=down,partial')
    expect(troubled.body.checks.map((c: { id: string }) => c.id)).toEqual(['c-01', 'c-02'])
    const web = await get('/api/v1/checks?tag=web')
    expect(web.body.total).toBe(4)
    const q = await get('/api/v1/checks?q=CHECKOUT')
    expect(q.body.checks.map((c: { id: string }) => c.id)).toEqual(['c-07'])
    const target = await get('/api/v1/checks?q=s11.example')
    expect(target.body.checks.map((c: { id: string }) => c.id)).toEqual(['c-11'])
  })

  it('says what is wrong with a bad query', async () => {
    expect(await get('/api/v1/checks?limit=0')).toEqual({
      status: 400,
      body: { error: 'limit: expected a whole number from 1 to 500, got "0"' },
    })
    expect((await get('/api/v1/checks?state=sideways')).body.error).toMatch(
      /^state: expected one of up, /,
    )
    expect((await get('/api/v1/checks?cursor=zzz')).body.error).toMatch(/^cursor: not a cursor/)
  })
})

describe('history and availability', () => {
  it('gives a chart of a check from its rollups, with availability per bucket', async () => {
    const { status, body } = await get(
      `/api/v1/checks/c-00/history?from=${NOW - 7 * DAY}&to=${NOW}&step=1d`,
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({ grain: 'day', step: DAY })
    expect(body.buckets).toHaveLength(8)
    const bad = body.buckets.find((b: { runs: { down: number } }) => b.runs.down > 0)
    expect(bad.runs.down).toBe(12)
    expect(bad.availability).toBeCloseTo(23 / 24, 9)
    expect(Object.keys(body.regions)).toEqual(['eu', 'us'])
    expect(body.regions.us[3].latency.p50Ms).toBeGreaterThan(280)
  })

  it('answers any window from the coarsest rollups, with latency percentiles', async () => {
    const week = await get('/api/v1/checks/c-00/availability?window=7d')
    expect(week.status).toBe(200)
    expect(week.body.edgeGrain).toBe('minute')
    expect(week.body.availability.overall).toBeCloseTo(1 - 1 / (7 * 24), 9)
    // The run at exactly NOW - 7d is in a minute that started before the window.
    expect(week.body.availability.regions.eu).toBeCloseTo(1 - 6 / (7 * 144 - 1), 9)
    expect(week.body.latency.p50Ms).toBeGreaterThan(95)
    expect(week.body.latency.p99Ms).toBeLessThan(315)
    const custom = await get(
      `/api/v1/checks/c-00/availability?from=${new Date(NOW - DAY).toISOString()}&to=${NOW}`,
    )
    expect(custom.body.availability.overall).toBe(1)
    const detail = await get('/api/v1/checks/c-00?window=30d')
    expect(detail.body.window.runs.down).toBe(12)
    expect(detail.body.recent).toHaveLength(50)
  })

  it('refuses a bad range with the parameter named', async () => {
    expect((await get('/api/v1/checks/c-00/history?from=yesterday')).body.error).toBe(
      'from: expected epoch milliseconds or an ISO 8601 date, got "yesterday"',
    )
    expect((await get('/api/v1/checks/c-00/history?step=1x')).body.error).toMatch(
      /^step: expected a duration/,
    )
    expect(
      (await get(`/api/v1/checks/c-00/history?from=${NOW - 90 * DAY}&step=1m`)).body.error,
    ).toMatch(/buckets of 60000 ms is more than 1500/)
    expect(
      (await get(`/api/v1/checks/c-00/history?from=${NOW - 40 * DAY}&to=${NOW - 39 * DAY}&step=1m`))
        .body.error,
    ).toMatch(/^minute rollups reach back to/)
    expect((await get('/api/v1/checks/c-00/availability?window=2w')).body.error).toMatch(
      /^window: expected one of 1h, 24h/,
    )
    expect((await get('/api/v1/checks/nope/history')).status).toBe(404)
  })
})
