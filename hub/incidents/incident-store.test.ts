import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { IncidentStore } from './incident-store.ts'

const T0 = Date.UTC(2026, 0, 1)
const MIN = 60_000
const refused = { code: 'CONNECT_REFUSED', message: 'connect ECONNREFUSED 127.0.0.1:8081' }

function newStore() {
  const db = new Database(':memory:')
  return { db, store: new IncidentStore(db) }
}

describe('IncidentStore', () => {
  it('opens an incident and finds it as the check’s open incident', () => {
    const { store } = newStore()
    const id = store.open({ checkId: 'api', at: T0, regions: ['eu', 'us'], firstError: refused })

    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(store.openFor('api')).toEqual({
      incidentId: id,
      checkId: 'api',
      startedAt: T0,
      endedAt: null,
      regions: ['eu', 'us'],
      firstError: refused,
      kind: 'down',
      ackedAt: null,
      ackedBy: null,
      failingSince: null,
      closedReason: null,
    })
    expect(store.openFor('other')).toBeNull()
    expect(store.openIncidents().map((i) => i.incidentId)).toEqual([id])
  })

  it('resolves once: a second resolve keeps the first end time', () => {
    const { store } = newStore()
    const id = store.open({ checkId: 'api', at: T0, regions: ['eu'], firstError: null })
    store.resolve(id, T0 + 5 * MIN)
    store.resolve(id, T0 + 9 * MIN)

    expect(store.openFor('api')).toBeNull()
    expect(store.openIncidents()).toEqual([])
    expect(store.get(id)).toMatchObject({ endedAt: T0 + 5 * MIN, firstError: null })
  })

  it('returns the outages that overlap a window, open ones included', () => {
    const { store } = newStore()
    const before = store.open({ checkId: 'api', at: T0, regions: ['eu'], firstError: null })
    store.resolve(before, T0 + 10 * MIN)
    const inside = store.open({
      checkId: 'api',
      at: T0 + 20 * MIN,
      regions: ['eu'],
      firstError: null,
    })
    store.resolve(inside, T0 + 25 * MIN)
    const ongoing = store.open({
      checkId: 'api',
      at: T0 + 50 * MIN,
      regions: ['eu'],
      firstError: null,
    })
    store.open({ checkId: 'other', at: T0 + 20 * MIN, regions: ['eu'], firstError: null })

    const ids = (from: number, to: number) =>
      store.outages('api', from, to).map((outage) => outage.incidentId)
    expect(ids(T0 + 10 * MIN, T0 + 20 * MIN)).toEqual([])
    expect(ids(T0 + 5 * MIN, T0 + 21 * MIN)).toEqual([before, inside])
    expect(ids(T0 + 30 * MIN, T0 + 24 * 60 * MIN)).toEqual([ongoing])
    expect(store.outages('api', T0 + 22 * MIN, T0 + 23 * MIN)).toEqual([
      { incidentId: inside, checkId: 'api', startedAt: T0 + 20 * MIN, endedAt: T0 + 25 * MIN },
    ])
  })

  it('keeps a timeline in time order, entries of the same millisecond in insertion order', () => {
    const { store } = newStore()
    const id = store.open({ checkId: 'api', at: T0, regions: ['eu'], firstError: null })
    store.addEvent(id, T0 + MIN, 'resolved', { durationMs: MIN })
    store.addEvent(id, T0, 'fired', { regions: ['eu'] })
    store.addEvent(id, T0, 'notification', { channel: 'console', outcome: 'delivered' })

    expect(store.get(id)?.timeline).toEqual([
      { at: T0, type: 'fired', detail: { regions: ['eu'] } },
      { at: T0, type: 'notification', detail: { channel: 'console', outcome: 'delivered' } },
      { at: T0 + MIN, type: 'resolved', detail: { durationMs: MIN } },
    ])
    expect(store.get('01ZZZZZZZZZZZZZZZZZZZZZZZZ')).toBeNull()
  })

  it('refuses timeline entries for an incident that does not exist', () => {
    const { store } = newStore()
    expect(() => store.addEvent('01ZZZZZZZZZZZZZZZZZZZZZZZZ', T0, 'note', {})).toThrow(
      /FOREIGN KEY/,
    )
  })

  it('lists the newest incidents first, with distinct ids in the same millisecond', () => {
    const { store } = newStore()
    const first = store.open({ checkId: 'a', at: T0, regions: ['eu'], firstError: null })
    const second = store.open({ checkId: 'b', at: T0, regions: ['eu'], firstError: null })
    const third = store.open({ checkId: 'c', at: T0 + MIN, regions: ['eu'], firstError: null })

    expect(store.list(10).map((i) => i.incidentId)).toEqual([third, second, first])
    expect(store.list(1).map((i) => i.incidentId)).toEqual([third])
  })

  it('reopens an existing database without losing incidents', () => {
    const { db, store } = newStore()
    const id = store.open({ checkId: 'api', at: T0, regions: ['eu'], firstError: refused })
    store.addEvent(id, T0, 'fired', {})

    const again = new IncidentStore(db)
    expect(again.openFor('api')?.incidentId).toBe(id)
    expect(again.get(id)?.timeline).toHaveLength(1)
  })

  it('acknowledges once, and only down incidents are outages', () => {
    const { store } = newStore()
    const down = store.open({ checkId: 'api', at: T0, regions: ['eu'], firstError: null })
    store.open({ kind: 'flapping', checkId: 'api', at: T0, regions: [], firstError: null })

    expect(store.acknowledge(down, T0 + 5, 'alice')).toBe(true)
    expect(store.acknowledge(down, T0 + 9, 'bob')).toBe(false)
    expect(store.get(down)).toMatchObject({ ackedAt: T0 + 5, ackedBy: 'alice' })
    expect(store.outages('api', T0 - 1, T0 + 10).map((o) => o.incidentId)).toEqual([down])
    expect(store.openFor('api', 'flapping')?.kind).toBe('flapping')
  })

  it('finds incidents by check, state, kind and start, newest first', () => {
    const { store } = newStore()
    const old = store.open({ checkId: 'api', at: T0, regions: ['eu'], firstError: null })
    store.resolve(old, T0 + 5 * MIN)
    const flap = store.open({
      kind: 'flapping',
      checkId: 'api',
      at: T0 + MIN,
      regions: [],
      firstError: null,
    })
    const other = store.open({
      checkId: 'shop',
      at: T0 + 2 * MIN,
      regions: ['us'],
      firstError: null,
    })
    const open = store.open({
      checkId: 'api',
      at: T0 + 10 * MIN,
      regions: ['eu'],
      firstError: null,
    })
    const ids = (filter: Parameters<IncidentStore['find']>[0]) =>
      store.find(filter).map((i) => i.incidentId)

    expect(ids({})).toEqual([open, other, flap, old])
    expect(ids({ checkId: 'api' })).toEqual([open, flap, old])
    expect(ids({ checkId: 'api', open: true })).toEqual([open, flap])
    expect(ids({ open: false })).toEqual([old])
    expect(ids({ checkId: 'api', kind: 'down' })).toEqual([open, old])
    expect(ids({ since: T0 + 2 * MIN })).toEqual([open, other])
    expect(ids({ limit: 2 })).toEqual([open, other])
    expect(ids({ checkId: 'nothing' })).toEqual([])
  })
})
