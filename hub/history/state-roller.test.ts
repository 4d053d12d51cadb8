import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../lib/clock.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { RollupHistory } from './history-reader.ts'
import { RollupStore } from './rollup-store.ts'
import { StateRoller, type Slice } from './state-roller.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 2, 1, 10)

let db: Database
let clock: ManualClock
let history: RollupHistory
let minutes: [string, number, Slice][]
let roller: StateRoller
let maintenance: { from: number; to: number }[]

beforeEach(() => {
  db = openDatabase(':memory:')
  clock = new ManualClock(T0)
  const rollups = new RollupStore(db)
  history = new RollupHistory(rollups)
  minutes = []
  maintenance = []
  roller = new StateRoller({
    rollups,
    clock,
    maintenance: () => maintenance,
    onMinute: (checkId, minute, slice) => minutes.push([checkId, minute, slice]),
  })
  roller.setChecks([{ id: 'api', tags: [], series: ['eu', 'us'] }], () => ({
    status: 'up',
    regions: { eu: 'passing', us: 'passing' },
  }))
})
afterEach(() => db.close())

function at(ms: number) {
  clock.set(T0 + ms)
}

describe('StateRoller', () => {
  it('keeps time per state per minute, and makes slices of the check as a whole', () => {
    at(90_000)
    roller.change({ checkId: 'api', series: 'eu', state: 'failing', at: clock.now() })
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    at(125_000)
    roller.change({ checkId: 'api', series: null, state: 'up', at: clock.now() })
    at(3 * MIN)
    roller.tick()
    const [first, second, third] = history.overall('api', {
      from: T0,
      to: T0 + 3 * MIN,
      grain: 'minute',
    })
    expect(first!.time).toMatchObject({ up: MIN, down: 0 })
    // DOWN for half of the second minute makes it bad; five seconds of the third do not.
    expect(second!.time).toMatchObject({ up: 30_000, down: 30_000 })
    expect(second!.slices).toEqual({ valid: 1, bad: 1 })
    expect(third!.time).toMatchObject({ up: 55_000, down: 5_000 })
    expect(third!.slices).toEqual({ valid: 1, bad: 0 })
    const eu = history.regions('api', { from: T0, to: T0 + 3 * MIN, grain: 'minute' }).eu!
    expect(eu.map((b) => b.time.down)).toEqual([0, 30_000, MIN])
    expect(minutes.map(([, minute, slice]) => [minute - T0, slice.bad])).toEqual([
      [0, false],
      [MIN, true],
      [2 * MIN, false],
    ])
    expect(history.total('api', T0, T0 + 3 * MIN).overall.slices).toEqual({ valid: 3, bad: 1 })
  })

  it('moves time inside maintenance out of every state, so a minute all in maintenance is no slice', () => {
    maintenance = [{ from: T0 + 30_000, to: T0 + 2 * MIN }]
    at(45_000)
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    at(2 * MIN)
    roller.tick()
    const [first, second] = history.overall('api', { from: T0, to: T0 + 2 * MIN, grain: 'minute' })
    expect(first!.time).toMatchObject({ up: 30_000, down: 0, maintenance: 30_000 })
    expect(first!.slices).toEqual({ valid: 1, bad: 0 })
    expect(second!.time).toMatchObject({ down: 0, maintenance: MIN })
    expect(second!.slices).toEqual({ valid: 0, bad: 0 })
  })

  it('writes the open minute when flushed and starts again from the restart, counting nothing twice', () => {
    at(30_000)
    roller.flush()
    at(5 * MIN)
    roller.tick()
    const total = history.total('api', T0, T0 + 5 * MIN)
    expect(total.overall.time.up).toBe(5 * MIN)
    expect(roller.openMinute('api')).toEqual({ valid: false, bad: false })
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    at(5 * MIN + 30_000)
    expect(roller.openMinute('api')).toEqual({ valid: true, bad: true })
  })

  it('judges a minute bad when DOWN covers at least half of its judged time', () => {
    // 40 s of judged time, 20 s of it DOWN (the rest in maintenance): bad.
    maintenance = [{ from: T0 + 40_000, to: T0 + MIN }]
    at(20_000)
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    // 29 s of DOWN in a whole minute: good.
    at(MIN + 29_000)
    roller.change({ checkId: 'api', series: null, state: 'up', at: clock.now() })
    at(2 * MIN)
    roller.tick()
    expect(minutes.map(([, minute, slice]) => [minute - T0, slice])).toEqual([
      [0, { valid: true, bad: true }],
      [MIN, { valid: true, bad: false }],
    ])
  })

  it('calls the open minute bad only once it must close bad', () => {
    at(10_000)
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    // DOWN for 29 s of the 39 s so far, but 21 s are still to come: not yet.
    at(39_000)
    expect(roller.openMinute('api')).toEqual({ valid: true, bad: false })
    at(40_000)
    expect(roller.openMinute('api')).toEqual({ valid: true, bad: true })

    // A minute that was DOWN for its first 25 s closes good, and was never called bad.
    at(2 * MIN)
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    at(2 * MIN + 25_000)
    roller.change({ checkId: 'api', series: null, state: 'up', at: clock.now() })
    for (let t = 25_000; t < MIN; t += 5_000) {
      at(2 * MIN + t)
      expect(roller.openMinute('api')).toEqual({ valid: true, bad: false })
    }
    at(3 * MIN)
    roller.tick()
    expect(minutes.map(([, minute, slice]) => [minute - T0, slice.bad])).toEqual([
      [0, true],
      [MIN, true],
      [2 * MIN, false],
    ])
  })

  it('drops a check that is no longer deployed, after writing its open minute', () => {
    at(MIN + 20_000)
    roller.setChecks([], () => ({ status: 'unknown', regions: {} }))
    roller.tick()
    at(10 * MIN)
    roller.tick()
    expect(history.total('api', T0, T0 + 10 * MIN).overall.time.up).toBe(MIN + 20_000)
    roller.change({ checkId: 'api', series: null, state: 'down', at: clock.now() })
    expect(roller.openMinute('api')).toBeNull()
  })
})
