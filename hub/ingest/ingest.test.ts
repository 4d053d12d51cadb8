import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { topics as topicsFor } from '../../checks/wire.ts'
import { silentLogger } from '../../lib/logger.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { openDatabase, type Database } from '../store/database.ts'
import { ResultStore } from '../store/result-store.ts'
import { DeadLetters } from './dead-letters.ts'
import { Ingest, type IngestOptions } from './ingest.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1, 12)
const topics = topicsFor()
const TOPIC = topics.results(0, 'eu-west-1')

let db: Database
let store: ResultStore
let judged: CheckResult[]
let acked: string[]

beforeEach(() => {
  db = openDatabase(':memory:')
  store = new ResultStore(db)
  judged = []
  acked = []
})

afterEach(() => db.close())

function ingest(options: Partial<IngestOptions> = {}): Ingest {
  return new Ingest({
    topics,
    store,
    deadLetters: new DeadLetters(db),
    onStored: (results) => judged.push(...results),
    ack: (_probeId, batchIds) => acked.push(...batchIds),
    logger: silentLogger(),
    now: () => T0,
    ...options,
  })
}

function batch(batchId: string, results: CheckResult[]): Buffer {
  const envelope = { batchId, probeId: 'eu-west-1', region: 'eu-west', sentAt: T0, results }
  return Buffer.from(JSON.stringify(envelope))
}

/** Ten minutes of results, down in minutes 3 to 6. */
const RESULTS = [...Array(10).keys()].map((m) =>
  makeResult({ scheduledAt: T0 + m * MIN, status: m >= 3 && m <= 6 ? 'down' : 'up' }),
)
/** Minutes 3 to 6 are maintenance. */
const inMaintenance = (result: CheckResult) =>
  result.scheduledAt >= T0 + 3 * MIN && result.scheduledAt < T0 + 7 * MIN

describe('ingest during maintenance', () => {
  it('stores every result but hands only those outside maintenance to the alert engine', () => {
    const hub = ingest({ inMaintenance })
    hub.handle(TOPIC, batch('b1', RESULTS))

    expect(judged.map((r) => r.status)).toEqual(Array(6).fill('up'))
    expect(store.countRaw('api')).toBe(10)
    expect(store.regionCounts('api', T0, T0 + 10 * MIN)['eu-west']).toMatchObject({
      up: 6,
      down: 0,
      maintenance: 4,
    })
    expect(hub.counters).toMatchObject({ results: 10, inMaintenance: 4 })
    expect(acked).toEqual(['b1'])
  })

  it('judges every result without the hook', () => {
    const hub = ingest()
    hub.handle(TOPIC, batch('b1', RESULTS))

    expect(judged).toHaveLength(10)
    expect(hub.counters.inMaintenance).toBe(0)
  })

  it('counts a result outside maintenance when the hook fails, and still acks', () => {
    const hub = ingest({
      inMaintenance: () => {
        throw new Error('windows unreadable')
      },
    })
    hub.handle(TOPIC, batch('b1', RESULTS))

    expect(judged).toHaveLength(10)
    expect(acked).toEqual(['b1'])
  })
})

describe('results the hub measures itself (heartbeats)', () => {
  it('take the same path: stored once, judged outside maintenance, never acked', () => {
    const hub = ingest({ inMaintenance })
    hub.accept(RESULTS)
    hub.accept(RESULTS)

    expect(store.countRaw('api')).toBe(10)
    expect(judged.map((r) => r.status)).toEqual(Array(6).fill('up'))
    expect(hub.counters).toMatchObject({
      batches: 0,
      results: 10,
      duplicates: 10,
      inMaintenance: 4,
    })
    expect(acked).toEqual([])
  })
})
