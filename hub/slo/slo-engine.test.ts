import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../checks/alert-event.ts'
import { slo } from '../../checks/slo.ts'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { SloAlertBook } from './slo-alerts.ts'
import { SloEngine } from './slo-engine.ts'
import { SloLedger } from './slo-ledger.ts'
import { ThresholdMemory } from './threshold-memory.ts'
import { consumedBy, sloView } from './slo-views.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const T0 = Date.UTC(2026, 4, 1)

let db: Database
let clock: ManualClock
let ledger: SloLedger
let events: AlertEvent[]
let incidents: IncidentStore
let config: MonitoringConfig
let open: { valid: boolean; bad: boolean }

function build(): { engine: SloEngine; alerts: SloAlertBook } {
  const alerts = new SloAlertBook(incidents, (event) => events.push(event))
  const engine = new SloEngine({
    clock,
    config: () => config,
    ledger,
    alerts,
    thresholds: new ThresholdMemory(db),
    openMinute: () => open,
  })
  engine.setSlos()
  return { engine, alerts }
}

beforeEach(() => {
  db = openDatabase(':memory:')
  clock = new ManualClock(T0)
  ledger = new SloLedger()
  events = []
  incidents = new IncidentStore(db)
  open = { valid: true, bad: false }
  const outcome = validateMonitoring({
    defaults: { regions: ['eu', 'us', 'ap'] },
    slos: [slo('checkout', { checks: ['shop'], target: 99.9, window: '30d' })],
    checks: [{ kind: 'http', id: 'shop', url: 'https://shop.example.com/' }],
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  config = outcome.config
  // Thirty good days.
  for (let m = 30 * 24 * 60; m > 0; m--)
    ledger.add('shop', T0 - m * MIN, { valid: true, bad: false })
})
afterEach(() => db.close())

/** Minutes pass, `bad` of them bad (from the first), with an evaluation every 30 s. */
function minutes(engine: SloEngine, count: number, bad: (m: number) => boolean) {
  for (let m = 0; m < count; m++) {
    const minute = clock.now()
    open = { valid: true, bad: bad(m) }
    engine.evaluate()
    clock.advance(30_000)
    engine.evaluate()
    clock.advance(30_000)
    ledger.add('shop', minute, open)
  }
}

describe('SloEngine', () => {
  it('pages on 1h/5m, keeps it open on 6h/30m, and resolves saying which pair held it', () => {
    const { engine, alerts } = build()
    minutes(engine, 10, () => true)
    const page = events.find((e) => e.slo?.alert === 'page' && e.type === 'fired')!
    expect(page).toMatchObject({
      subject: 'slo',
      severity: 'page',
      checkId: 'slo:checkout/99.9%/30d/page',
    })
    expect(page.slo).toMatchObject({ pair: '1h/5m', target: 99.9, window: '30d' })
    // The second bad minute pages: one alone never does (alerts.minBadMinutes).
    expect(page.at).toBe(T0 + MIN)
    minutes(engine, 6, () => false)
    const key = 'checkout/99.9%/30d'
    expect(alerts.get(key, 'page')?.heldBy).toBe('6h/30m')
    // 6h/30m stops once its 30 minutes hold no bad one; the page stays open 10 more.
    minutes(engine, 30, () => false)
    expect(alerts.get(key, 'page')).not.toBeNull()
    minutes(engine, 10, () => false)
    const resolved = events.find((e) => e.slo?.alert === 'page' && e.type === 'resolved')!
    expect(resolved.slo).toMatchObject({ pair: '1h/5m', heldOpenBy: '6h/30m' })
    const incident = incidents.get(page.incidentId)!
    expect(incident.kind).toBe('slo')
    expect(incident.timeline.map((e) => e.type)).toEqual(['fired', 'note', 'resolved'])
    expect(incident.timeline[1]!.detail.message).toBe('held open by 6h/30m (was 1h/5m)')
  })

  it('never pages on a single bad minute, and pages on a second one within the hour', () => {
    const { engine } = build()
    minutes(engine, 1, () => true)
    minutes(engine, 30, () => false)
    expect(events).toEqual([])
    minutes(engine, 1, () => true)
    const page = events.find((e) => e.slo?.alert === 'page' && e.type === 'fired')!
    expect(page.slo).toMatchObject({ pair: '1h/5m' })
    expect(page.at).toBe(T0 + 31 * MIN)
  })

  it("pages on a single bad minute with alerts.minBadMinutes: 1, the workbook's rule", () => {
    const definition = config.slos![0]!
    config = {
      ...config,
      slos: [{ ...definition, alerts: { ...definition.alerts, minBadMinutes: 1 } }],
    }
    const { engine } = build()
    minutes(engine, 1, () => true)
    expect(events.filter((e) => e.type === 'fired').map((e) => [e.slo?.alert, e.at])).toEqual([
      ['page', T0],
    ])
  })

  it('keeps one page open while bad minutes keep coming every ten minutes, then resolves once', () => {
    const { engine } = build()
    minutes(engine, 120, (m) => m % 10 === 0)
    const pages = events.filter((e) => e.slo?.alert === 'page').map((e) => [e.type, e.at])
    expect(pages).toEqual([['fired', T0 + 10 * MIN]])
    minutes(engine, 60, () => false)
    expect(events.filter((e) => e.slo?.alert === 'page').map((e) => e.type)).toEqual([
      'fired',
      'resolved',
    ])
  })

  it('tickets a slow burn, notifies each budget threshold once, and closes the gate when the budget is spent', () => {
    const { engine, alerts } = build()
    // One bad minute in 200 burns 5×: no page pair fires, the ticket pairs do.
    config = {
      ...config,
      slos: [{ ...config.slos![0]!, alerts: { ...config.slos![0]!.alerts, page: false } }],
    }
    minutes(engine, 24 * 60, (m) => m % 200 === 199)
    expect(events.filter((e) => e.type === 'fired').map((e) => e.slo?.alert)).toEqual(['ticket'])
    expect(events.find((e) => e.slo?.alert === 'ticket')!.slo!.pair).toBe('1d/2h')
    minutes(engine, 40, () => true)
    const notices = events.filter((e) => e.slo?.alert === 'threshold').map((e) => e.slo?.threshold)
    expect(notices).toEqual([50, 75])
    expect(events.some((e) => e.slo?.alert === 'budget' && e.type === 'fired')).toBe(true)
    const view = sloView(engine, alerts, config.slos![0]!)
    expect(view.gate).toBe('closed')
    // Seven slow-burn minutes, forty bad ones and the open minute, bad too.
    expect(view.objectives[0]!.budget.badMinutes).toBe(48)
    expect(view.objectives[0]!.budget.remainingMinutes).toBeLessThan(0)
    expect(view.objectives[0]!.pagesAfter).toBeNull()
    // A restarted engine does not notify the thresholds again.
    events = []
    const again = build()
    minutes(again.engine, 1, () => true)
    expect(events.filter((e) => e.slo?.alert === 'threshold')).toEqual([])
  })

  it('says which outages consumed the budget', () => {
    const { engine, alerts } = build()
    const view = sloView(engine, alerts, config.slos![0]!)
    const rows = consumedBy(
      config.slos![0]!,
      view.objectives[0]!,
      () => [
        {
          incidentId: 'a',
          checkId: 'shop',
          startedAt: T0 - 2 * HOUR,
          endedAt: T0 - 2 * HOUR + 90_000,
        },
        {
          incidentId: 'b',
          checkId: 'shop',
          startedAt: T0 - 40 * 24 * HOUR,
          endedAt: T0 - 29.99 * 24 * HOUR,
        },
      ],
      T0,
    )
    expect(rows.map((r) => [r.incidentId, r.badMinutes])).toEqual([
      ['b', 15],
      ['a', 2],
    ])
  })

  it('tickets when no minute could be judged', () => {
    const { engine } = build()
    clock.advance(HOUR)
    open = { valid: false, bad: false }
    for (let m = 0; m < 31; m++) {
      ledger.add('shop', clock.now(), { valid: false, bad: false })
      clock.advance(MIN)
      engine.evaluate()
    }
    expect(events.map((e) => [e.type, e.slo?.alert])).toEqual([['fired', 'missing']])
    minutes(engine, 1, () => false)
    expect(events.map((e) => [e.type, e.slo?.alert]).at(-1)).toEqual(['resolved', 'missing'])
  })
})
