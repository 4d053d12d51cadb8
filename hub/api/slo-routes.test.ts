import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { slo } from '../../checks/slo.ts'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { SloAlertBook } from '../slo/slo-alerts.ts'
import { SloEngine } from '../slo/slo-engine.ts'
import { SloLedger } from '../slo/slo-ledger.ts'
import { sloView } from '../slo/slo-views.ts'
import { ThresholdMemory } from '../slo/threshold-memory.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { sloRoutes } from './slo-routes.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 4, 1)

let db: Database
let ledger: SloLedger
let app: ReturnType<typeof sloRoutes>

beforeEach(() => {
  db = openDatabase(':memory:')
  const clock = new ManualClock(T0)
  ledger = new SloLedger()
  const outcome = validateMonitoring({
    defaults: { regions: ['eu', 'us'] },
    slos: [slo('checkout', { checks: ['shop'] }), slo('blog', { checks: ['blog'], target: 99 })],
    checks: [
      { kind: 'http', id: 'shop', url: 'https://shop.example.com/' },
      { kind: 'http', id: 'blog', url: 'https://blog.example.com/' },
    ],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  const config: MonitoringConfig = outcome.config
  // Two days: shop was down for an hour, which spends a 99.9 % budget; blog was fine.
  for (let m = 2 * 24 * 60; m > 0; m--) {
    ledger.add('shop', T0 - m * MIN, { valid: true, bad: m <= 120 && m > 60 })
    ledger.add('blog', T0 - m * MIN, { valid: true, bad: false })
  }
  const alerts = new SloAlertBook(new IncidentStore(db), () => {})
  const engine = new SloEngine({
    clock,
    config: () => config,
    ledger,
    alerts,
    thresholds: new ThresholdMemory(db),
  })
  const definition = (name: string) => config.slos!.find((s) => s.name === name) ?? null
  app = sloRoutes({
    slos: {
      list: () => config.slos!.map((d) => sloView(engine, alerts, d)),
      view: (name) => {
        const found = definition(name)
        return found ? sloView(engine, alerts, found) : null
      },
      definition,
    },
    outages: (checkId) =>
      checkId === 'shop'
        ? [{ incidentId: 'i1', checkId, startedAt: T0 - 120 * MIN, endedAt: T0 - 60 * MIN }]
        : [],
    now: () => T0,
  })
})
afterEach(() => db.close())

async function get(path: string) {
  const response = await app.request(path)
  return { status: response.status, body: (await response.json()) as any }
}

describe('SLO routes', () => {
  it('lists every SLO with its budget, burn rates and window pairs', async () => {
    const { status, body } = await get('/api/v1/slos')
    expect(status).toBe(200)
    expect(body.slos.map((s: { name: string; gate: string }) => [s.name, s.gate])).toEqual([
      ['checkout', 'closed'],
      ['blog', 'open'],
    ])
    const [objective] = body.slos[0].objectives
    expect(objective).toMatchObject({ key: 'checkout/99.9%/30d', target: 99.9, window: '30d' })
    expect(objective.budget.badMinutes).toBe(60)
    expect(Object.keys(objective.burnRates)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d'])
    expect(objective.pairs.map((p: { name: string }) => p.name)).toEqual([
      '1h/5m',
      '6h/30m',
      '1d/2h',
      '3d/6h',
    ])
    expect(objective.pagesAfter).toEqual({ minutes: 2, pair: '1h/5m' })
  })

  it('shows which outages consumed the budget', async () => {
    const { body } = await get('/api/v1/slos/checkout')
    expect(body.objectives[0].consumedBy).toEqual([
      expect.objectContaining({ incidentId: 'i1', checkId: 'shop', badMinutes: 60 }),
    ])
    expect((await get('/api/v1/slos/nope')).status).toBe(404)
  })

  it('answers the gate: 409 once the budget is spent, 200 while there is some left', async () => {
    const closed = await get('/api/v1/slos/checkout/gate')
    expect(closed.status).toBe(409)
    expect(closed.body.error).toMatch(/^the error budget of checkout is spent: 99.9 % over 30d \(-/)
    const open = await get('/api/v1/slos/blog/gate')
    expect(open).toMatchObject({ status: 200, body: { gate: 'open', slo: 'blog' } })
    expect((await get('/api/v1/slos/nope/gate')).body).toEqual({ error: 'no SLO named "nope"' })
  })
})
