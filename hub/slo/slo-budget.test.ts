import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { slo } from '../../checks/slo.ts'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { RollupHistory } from '../history/history-reader.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import { RollupStore } from '../history/rollup-store.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { incidentBudget } from './slo-budget.ts'
import { budgetText } from '../incidents/incident-report.ts'
import type { IncidentImpact } from '../incidents/incident-impact.ts'

const MIN = 60_000
const DAY = 24 * 60 * MIN
const END = Date.UTC(2026, 4, 10)

let db: Database
let rollups: RollupStore
let config: MonitoringConfig

beforeEach(() => {
  db = openDatabase(':memory:')
  rollups = new RollupStore(db)
  const outcome = validateMonitoring({
    defaults: { regions: ['eu', 'us'] },
    slo: { target: 99.5, window: '7d' },
    slos: [slo('checkout', { checks: ['shop', 'pay'], target: 99.9, window: '7d' })],
    checks: ['shop', 'pay', 'blog'].map((id) => ({
      kind: 'http',
      id,
      url: `https://${id}.example.com/`,
    })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  config = outcome.config
  // Seven days of each check's minutes; shop was DOWN for 20 minutes an hour before the end.
  for (const checkId of ['shop', 'pay', 'blog']) {
    const samples = []
    for (let m = 7 * 24 * 60; m > 0; m--) {
      const minute = END - m * MIN
      const down = checkId !== 'pay' && m > 60 && m <= 80
      const time = [down ? 0 : MIN, 0, 0, down ? MIN : 0, 0, 0, 0]
      samples.push({ checkId, series: OVERALL_SERIES, minute, time, valid: true, bad: down })
    }
    rollups.addTime(samples)
  }
})
afterEach(() => db.close())

describe('incidentBudget', () => {
  it("measures an incident against its check's SLO over every check of it, from minute slices", () => {
    const history = new RollupHistory(rollups)
    const incident = { checkId: 'shop', startedAt: END - 80 * MIN, kind: 'down' }
    const budget = incidentBudget(history, config, incident, END - 60 * MIN)!
    // Two checks × 7 days of minutes, less the hour after the incident's end.
    const judged = 2 * (7 * 24 * 60 - 60)
    expect(budget).toMatchObject({
      slo: 'checkout',
      target: 99.9,
      windowMs: 7 * DAY,
      judgedMinutes: judged,
    })
    expect(budget.allowedDowntimeMs).toBeCloseTo(0.001 * judged * MIN, 6)
    expect(budget.consumedMs).toBe(20 * MIN)
    expect(budget.remainingShare).toBeCloseTo(1 - 20 / (0.001 * judged), 9)
    expect(budgetText({ errorBudget: budget } as IncidentImpact)).toBe(
      '20m of bad minutes of the 20m2s that SLO checkout (99.9 % over 7d) allows over its ' +
        '20040 judged minutes (99.8 %); 0.2 % of it remains',
    )
  })

  it("uses the project's default objective for a check no SLO covers, and nothing without slices", () => {
    const history = new RollupHistory(rollups)
    const budget = incidentBudget(
      history,
      config,
      { checkId: 'blog', startedAt: END - 80 * MIN, kind: 'down' },
      END,
    )!
    expect(budget).toMatchObject({ slo: null, target: 99.5 })
    expect(budget.consumedMs).toBe(20 * MIN)
    expect(
      incidentBudget(history, config, { checkId: 'new', startedAt: END, kind: 'down' }, END),
    ).toBeNull()
  })
})
