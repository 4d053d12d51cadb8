import { afterEach, describe, expect, it } from 'vitest'
import { demoConfig, statusHub, T0 } from '../../test/fixtures/status-pages.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import type { PageModel } from './page-model.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

const hubs: Array<ReturnType<typeof statusHub>> = []
afterEach(async () => {
  for (const hub of hubs.splice(0)) await hub.close()
})

/** A hub on the read model with state time as the roller writes it, from `from` to `to`. */
function hubWithHistory(from: number, to: number) {
  const hub = statusHub({ config: demoConfig(), readModel: true })
  hubs.push(hub)
  writeTime(hub, from, to)
  return hub
}

/** Every check up, but api and api-search down together and db degraded at times. */
function writeTime(hub: ReturnType<typeof statusHub>, from: number, to: number) {
  const samples = []
  for (let minute = from; minute < to; minute += MIN) {
    const m = Math.floor(minute / MIN)
    for (const checkId of ['api', 'api-search', 'web', 'db']) {
      const down = checkId.startsWith('api') && m % 301 < 7
      const degraded = checkId === 'db' && m % 97 < 3
      samples.push({
        checkId,
        series: OVERALL_SERIES,
        minute,
        time: [down || degraded ? 0 : MIN, degraded ? MIN : 0, 0, down ? MIN : 0, 0, 0, 0],
        valid: true,
        bad: down,
      })
    }
  }
  hub.results.rollups.addTime(samples)
}

/** A build of the public page now (not the one kept for a second): what its memo gives. */
const publicModel = (hub: ReturnType<typeof statusHub>): PageModel =>
  hub.pages.pages.model(hub.pages.pages.get('public')!, { fresh: true })

describe('a page rebuilt after a state change', () => {
  it('recomputes the bars of the changed check’s components only, and shows what a full build shows', async () => {
    const from = T0 - 92 * DAY
    // Two hubs on the same history and clock: one keeps its page, the other builds anew.
    const kept = hubWithHistory(from, T0)
    const fresh = hubWithHistory(from, T0)
    for (const hub of [kept, fresh]) await hub.readModel!.ready()
    const before = publicModel(kept)

    for (const hub of [kept, fresh]) hub.setState('web', 'down')
    const after = publicModel(kept)
    expect(after).toEqual(publicModel(fresh))
    expect(after.components.find((c) => c.id === 'website')!.state).toBe('major_outage')
    for (const component of after.components) {
      const old = before.components.find((c) => c.id === component.id)!
      if (component.checkIds.includes('web')) expect(component.days).not.toBe(old.days)
      else expect(component.days).toBe(old.days)
    }

    // Later: today's minutes read again, both api checks down at once (their outages'
    // overlap counts), a maintenance window; each build equal to the other hub's first.
    const later = T0 + 5 * MIN
    for (const hub of [kept, fresh]) {
      hub.clock.set(later)
      writeTime(hub, T0, later)
      hub.setState('api', 'down')
      hub.setState('api-search', 'down')
    }
    const third = hubWithHistory(from, later)
    third.clock.set(later)
    await third.readModel!.ready()
    third.setState('web', 'down')
    third.setState('api', 'down')
    third.setState('api-search', 'down')
    expect(publicModel(kept)).toEqual(publicModel(fresh))
    expect(publicModel(kept)).toEqual(publicModel(third))
    kept.clock.advance(2 * MIN)
    third.clock.advance(2 * MIN)
    expect(publicModel(kept)).toEqual(publicModel(third))
    kept.setMaintenance('api', later - 3 * MIN, later + HOUR)
    third.setMaintenance('api', later - 3 * MIN, later + HOUR)
    expect(publicModel(kept)).toEqual(publicModel(third))

    // A troubled check's newer result changes its component's reason, kept or not.
    const certificate = (days: number) => ({
      checkId: 'db',
      kind: 'tcp' as const,
      status: 'degraded' as const,
      metrics: { certDaysLeft: days + 0.5 },
      assertions: [
        { name: 'certificate days left', ok: false, expected: '>= 14', actual: String(days) },
      ],
    })
    for (const hub of [kept, third]) {
      hub.setState('db', 'degraded')
      hub.store(certificate(5))
    }
    expect(publicModel(kept)).toEqual(publicModel(third))
    for (const hub of [kept, third]) hub.store(certificate(2))
    const database = publicModel(kept).components.find((c) => c.id === 'database')!
    expect(database.reason).toContain('2 days')
    expect(publicModel(kept)).toEqual(publicModel(third))
  })
})
