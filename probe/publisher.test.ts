import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../lib/logger.ts'
import { makeResult } from '../test/fixtures/results.ts'
import { tempDir } from '../test/fixtures/temp-dir.ts'
import { Outbox } from './outbox.ts'
import { Publisher } from './publisher.ts'

interface Sent {
  batchId: string
  ids: string[]
}

function setup(
  options: {
    batchSize?: number
    maxInFlight?: number
    ackTimeoutMs?: number
    shortQueueBytes?: number
  } = {},
) {
  const outbox = new Outbox(join(tempDir('vantage-publisher-'), 'outbox.db'))
  const sent: Sent[] = []
  let connected = true
  let now = 1_000_000
  const publisher = new Publisher({
    outbox,
    transport: {
      connected: () => connected,
      publish: async (_topic, payload) => {
        const batch = JSON.parse(payload)
        sent.push({ batchId: batch.batchId, ids: batch.results.map((r: { id: string }) => r.id) })
      },
    },
    topic: 'vantage/v1/results/0/p1',
    probeId: 'p1',
    region: 'eu-west',
    logger: silentLogger(),
    now: () => now,
    ...options,
  })
  return {
    outbox,
    sent,
    publisher,
    setConnected: (value: boolean) => (connected = value),
    advance: (ms: number) => (now += ms),
    cleanup: () => {
      publisher.close()
      outbox.close()
    },
  }
}

let cleanups: Array<() => void> = []
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup())
  cleanups = []
})

const results = (n: number) =>
  Array.from({ length: n }, () => makeResult({ scheduledAt: Date.now() }))

describe('Publisher', () => {
  it('sends oldest first in batches and deletes only what the hub acked', async () => {
    const t = setup({ batchSize: 2 })
    cleanups.push(t.cleanup)
    const stored = results(5)
    t.outbox.add(stored)
    await t.publisher.pump()
    expect(t.sent.map((batch) => batch.ids)).toEqual([
      [stored[0]!.id, stored[1]!.id],
      [stored[2]!.id, stored[3]!.id],
      [stored[4]!.id],
    ])
    t.publisher.acked([t.sent[1]!.batchId])
    expect(t.outbox.depth()).toBe(3)
    expect(t.outbox.rowsAfter(0, 10).map((row) => row.id)).toEqual([
      stored[0]!.id,
      stored[1]!.id,
      stored[4]!.id,
    ])
  })

  it('keeps at most maxInFlight batches unacked', async () => {
    const t = setup({ batchSize: 1, maxInFlight: 2 })
    cleanups.push(t.cleanup)
    t.outbox.add(results(5))
    await t.publisher.pump()
    expect(t.sent).toHaveLength(2)
    t.publisher.acked([t.sent[0]!.batchId])
    await t.publisher.pump()
    expect(t.sent).toHaveLength(3)
  })

  it('replays everything unacked after a reconnect, oldest first', async () => {
    const t = setup({ batchSize: 10 })
    cleanups.push(t.cleanup)
    const stored = results(3)
    t.outbox.add(stored)
    await t.publisher.pump()
    t.setConnected(false)
    t.setConnected(true)
    t.publisher.restart()
    await t.publisher.pump()
    expect(t.sent).toHaveLength(2)
    expect(t.sent[1]!.ids).toEqual(stored.map((r) => r.id))
    // An ack for the lost batch id changes nothing; the replayed batch's ack empties the outbox.
    t.publisher.acked([t.sent[0]!.batchId])
    expect(t.outbox.depth()).toBe(3)
    t.publisher.acked([t.sent[1]!.batchId])
    expect(t.outbox.depth()).toBe(0)
  })

  it('tells when an acked batch was sent, for the clock-offset estimate', async () => {
    const t = setup({ batchSize: 1 })
    cleanups.push(t.cleanup)
    t.outbox.add(results(1))
    await t.publisher.pump()
    t.advance(500)
    t.outbox.add(results(1))
    await t.publisher.pump()
    expect(t.publisher.acked([t.sent[0]!.batchId, t.sent[1]!.batchId])).toBe(1_000_500)
    expect(t.publisher.acked([t.sent[0]!.batchId])).toBeUndefined()
  })

  it('sends nothing while disconnected', async () => {
    const t = setup()
    cleanups.push(t.cleanup)
    t.setConnected(false)
    t.outbox.add(results(2))
    await t.publisher.pump()
    expect(t.sent).toHaveLength(0)
    expect(t.outbox.depth()).toBe(2)
  })

  describe('linger', () => {
    afterEach(() => vi.useRealTimers())

    /** Adds `n` results one at a time, as the agent does, kicking after each. */
    function measure(t: ReturnType<typeof setup>, n: number): void {
      for (const result of results(n)) {
        t.outbox.add([result])
        t.publisher.kick()
      }
    }

    it('is short while the queue is, so a result waits 50 ms, not 250', async () => {
      vi.useFakeTimers()
      const t = setup()
      cleanups.push(t.cleanup)
      measure(t, 3)
      await vi.advanceTimersByTimeAsync(49)
      expect(t.sent).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(1)
      expect(t.sent.map((batch) => batch.ids.length)).toEqual([3])
    })

    it('is long under load, so that results make full batches', async () => {
      vi.useFakeTimers()
      const t = setup({ shortQueueBytes: 1_000 })
      cleanups.push(t.cleanup)
      // A backlog waits in the outbox (in flight, or not sent yet).
      t.outbox.add(results(5))
      measure(t, 3)
      await vi.advanceTimersByTimeAsync(50)
      expect(t.sent).toHaveLength(0)
      await vi.advanceTimersByTimeAsync(200)
      expect(t.sent.map((batch) => batch.ids.length)).toEqual([8])
    })

    it('does not hold a full batch back at all', async () => {
      vi.useFakeTimers()
      const t = setup({ batchSize: 4, shortQueueBytes: 1_000 })
      cleanups.push(t.cleanup)
      measure(t, 4)
      await vi.advanceTimersByTimeAsync(0)
      expect(t.sent.map((batch) => batch.ids.length)).toEqual([4])
      measure(t, 1)
      await vi.advanceTimersByTimeAsync(249)
      expect(t.sent.map((batch) => batch.ids.length)).toEqual([4])
      await vi.advanceTimersByTimeAsync(1)
      expect(t.sent.map((batch) => batch.ids.length)).toEqual([4, 1])
    })
  })
})
