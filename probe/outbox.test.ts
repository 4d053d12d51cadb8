import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { makeResult } from '../test/fixtures/results.ts'
import { tempDir } from '../test/fixtures/temp-dir.ts'
import { DEFAULT_OUTBOX_LIMITS, Outbox } from './outbox.ts'

const tempFile = () => join(tempDir('vantage-outbox-'), 'outbox.db')

describe('Outbox', () => {
  it('replays oldest first and keeps the measurement time', () => {
    const outbox = new Outbox(tempFile())
    const first = makeResult({ scheduledAt: Date.now() - 2_000 })
    const second = makeResult({ scheduledAt: Date.now() - 1_000 })
    outbox.add([first, second])
    const rows = outbox.rowsAfter(0, 10)
    expect(rows.map((row) => row.id)).toEqual([first.id, second.id])
    expect(JSON.parse(rows[0]!.payload).scheduledAt).toBe(first.scheduledAt)
    expect(outbox.rowsAfter(rows[0]!.seq, 10).map((row) => row.id)).toEqual([second.id])
    outbox.close()
  })

  it('survives reopening: unacked rows are still there, acked rows are gone', () => {
    const file = tempFile()
    const outbox = new Outbox(file)
    const results = [makeResult(), makeResult(), makeResult()].map((r) => ({
      ...r,
      scheduledAt: Date.now(),
    }))
    outbox.add(results)
    outbox.remove([outbox.rowsAfter(0, 1)[0]!.seq])
    outbox.close()
    const reopened = new Outbox(file)
    expect(reopened.depth()).toBe(2)
    expect(reopened.rowsAfter(0, 10).map((row) => row.id)).toEqual([results[1]!.id, results[2]!.id])
    reopened.close()
  })

  it('stores a result id once even if added twice', () => {
    const outbox = new Outbox(tempFile())
    const result = makeResult({ scheduledAt: Date.now() })
    outbox.add([result])
    outbox.add([result])
    expect(outbox.depth()).toBe(1)
    outbox.close()
  })

  it('drops the oldest rows past the byte bound and counts them', () => {
    const outbox = new Outbox(tempFile(), { maxBytes: 2_000, maxAgeMs: 3_600_000 })
    const results = Array.from({ length: 20 }, (_, i) =>
      makeResult({ scheduledAt: Date.now() + i }),
    )
    outbox.add(results)
    const kept = outbox.rowsAfter(0, 100)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(20)
    expect(kept.at(-1)!.id).toBe(results.at(-1)!.id)
    expect(outbox.dropped()).toBe(20 - kept.length)
    outbox.close()
  })

  it('drops rows older than the age bound and counts them', () => {
    let now = Date.UTC(2026, 0, 2)
    const outbox = new Outbox(tempFile(), { maxBytes: 1e9, maxAgeMs: 60_000 }, () => now)
    outbox.add([makeResult({ scheduledAt: now - 120_000 }), makeResult({ scheduledAt: now })])
    expect(outbox.depth()).toBe(1)
    expect(outbox.dropped()).toBe(1)
    outbox.close()
  })

  it('counts the bytes it holds through acks, drops and a reopen', () => {
    const file = tempFile()
    const outbox = new Outbox(file, { maxBytes: 3_000, maxAgeMs: 3_600_000 })
    const size = (ids: string[]) =>
      outbox
        .rowsAfter(0, 100)
        .filter((row) => ids.includes(row.id))
        .reduce((sum, row) => sum + Buffer.byteLength(row.payload), 0)
    outbox.add(Array.from({ length: 12 }, () => makeResult({ scheduledAt: Date.now() })))
    const held = () => outbox.rowsAfter(0, 100).map((row) => row.id)
    expect(outbox.sizeBytes()).toBe(size(held()))
    expect(outbox.sizeBytes()).toBeLessThanOrEqual(3_000)
    outbox.remove(outbox.rowsAfter(0, 2).map((row) => row.seq))
    expect(outbox.sizeBytes()).toBe(size(held()))
    outbox.close()
    const reopened = new Outbox(file)
    expect(reopened.sizeBytes()).toBe(
      reopened.rowsAfter(0, 100).reduce((sum, row) => sum + Buffer.byteLength(row.payload), 0),
    )
    reopened.close()
  })
  it('runs the age bound at most once a minute, dropping what aged meanwhile at the next', () => {
    let now = Date.UTC(2026, 0, 2)
    const outbox = new Outbox(tempFile(), { maxBytes: 1e9, maxAgeMs: 60_000 }, () => now)
    outbox.add([makeResult({ scheduledAt: now })])
    now += 30_000
    outbox.add([makeResult({ scheduledAt: now - 120_000 })])
    expect(outbox.depth()).toBe(2)
    now += 30_000
    outbox.add([makeResult({ scheduledAt: now })])
    expect(outbox.depth()).toBe(2)
    expect(outbox.dropped()).toBe(1)
    outbox.close()
  })
})

describe('Outbox.queue', () => {
  afterEach(() => vi.useRealTimers())

  it('commits the results queued within flushMs together, then says which', () => {
    vi.useFakeTimers()
    const committed: string[][] = []
    const outbox = new Outbox(tempFile(), DEFAULT_OUTBOX_LIMITS, Date.now, {
      flushMs: 100,
      onCommitted: (results) => committed.push(results.map((result) => result.id)),
    })
    const results = Array.from({ length: 3 }, () => makeResult({ scheduledAt: Date.now() }))
    for (const result of results) outbox.queue(result)
    expect(committed).toEqual([])
    vi.advanceTimersByTime(100)
    expect(committed).toEqual([results.map((result) => result.id)])
    expect(outbox.rowsAfter(0, 10).map((row) => row.id)).toEqual(results.map((r) => r.id))
    outbox.close()
  })

  it('commits what is queued before any read, and when it closes', () => {
    const file = tempFile()
    const outbox = new Outbox(file)
    const queued = makeResult({ scheduledAt: Date.now() })
    outbox.queue(queued)
    expect(outbox.depth()).toBe(1)
    const last = makeResult({ scheduledAt: Date.now() })
    outbox.queue(last)
    outbox.close()
    const reopened = new Outbox(file)
    expect(reopened.rowsAfter(0, 10).map((row) => row.id)).toEqual([queued.id, last.id])
    reopened.close()
  })
})
