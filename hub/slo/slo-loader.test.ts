import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../lib/clock.ts'
import { RollupStore } from '../history/rollup-store.ts'
import { StateRoller, type Slice } from '../history/state-roller.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { loadLedger } from './slo-loader.ts'
import { SloLedger } from './slo-ledger.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 2, 1, 10)

let db: Database
afterEach(() => db?.close())

describe('loadLedger', () => {
  it('rebuilds from stored rollups the very slices the state roller judged', () => {
    db = openDatabase(':memory:')
    const clock = new ManualClock(T0)
    const rollups = new RollupStore(db)
    const judged = new SloLedger()
    const slices: [number, Slice][] = []
    const roller = new StateRoller({
      rollups,
      clock,
      onMinute: (checkId, minute, slice) => {
        judged.add(checkId, minute, slice)
        slices.push([minute, slice])
      },
    })
    roller.setChecks([{ id: 'api', tags: [], series: ['eu'] }], () => ({
      status: 'up',
      regions: { eu: 'passing' },
    }))
    // DOWN spans of every length and placement: a bad minute is one DOWN for half of it.
    let state = 7
    const random = () => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647
    for (let t = 0; t < 6 * 60 * MIN; t += 1_000) {
      clock.set(T0 + t)
      if (random() < 0.01) {
        const status = random() < 0.5 ? 'down' : random() < 0.8 ? 'up' : 'insufficient'
        roller.change({ checkId: 'api', series: null, state: status, at: clock.now() })
      }
      if (t % 10_000 === 0) roller.tick()
    }
    roller.flush()
    const bad = slices.filter(([, slice]) => slice.bad).length
    expect(bad).toBeGreaterThan(30)
    expect(bad).toBeLessThan(slices.length - 30)

    const now = clock.now() + MIN
    const loaded = new SloLedger()
    loadLedger(loaded, rollups, [{ key: 'api', checkId: 'api' }], now)
    expect(loaded.slices('api', T0, now)).toEqual(judged.slices('api', T0, now))
    expect(loaded.minutes('api', 360, now)).toEqual(judged.minutes('api', 360, now))
  })
})
