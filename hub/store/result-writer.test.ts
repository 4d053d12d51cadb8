import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CheckResult } from '../../checks/result.ts'
import { makeResult } from '../../test/fixtures/results.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { openDatabase, type Database } from './database.ts'
import { ResultStore } from './result-store.ts'
import { ResultWriter } from './result-writer.ts'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1, 12)

let opened: Array<{ db: Database; writer?: ResultWriter }> = []
afterEach(async () => {
  for (const { db, writer } of opened) {
    await writer?.close()
    db.close()
  }
  opened = []
})

/** A store on a file with its writer thread, as the hub opens it. */
async function open(file: string, options: { foldMs?: number } = {}) {
  const db = openDatabase(file)
  const store = new ResultStore(db)
  const writer = await ResultWriter.start({ file, foldMs: options.foldMs ?? 60_000 })
  store.attachWriter(writer)
  opened.push({ db, writer })
  return { db, store, writer }
}

const results = (n: number, at = T0, overrides: Partial<CheckResult> = {}) =>
  Array.from({ length: n }, (_, i) =>
    makeResult({
      checkId: `check-${i % 3}`,
      region: i % 2 ? 'eu-west' : 'us-east',
      scheduledAt: at + i * 1_000,
      ...overrides,
    }),
  )

describe('ResultWriter', () => {
  it('stores through its thread: readable at once, rolled up once folded, each result once', async () => {
    const file = join(tempDir('vantage-writer-'), 'hub.db')
    const { store, writer } = await open(file)
    const batch = results(30)

    expect(await store.write(batch)).toHaveLength(30)
    // Committed in the journal: raw reads and latest see it, rollups not yet.
    expect(store.countRaw()).toBe(30)
    expect(store.recent('check-0', 100).map((r) => r.id)).toEqual(
      batch
        .filter((r) => r.checkId === 'check-0')
        .map((r) => r.id)
        .reverse(),
    )
    expect(store.latestPerRegion('check-1')['eu-west']?.id).toBe(
      batch.filter((r) => r.checkId === 'check-1' && r.region === 'eu-west').at(-1)!.id,
    )
    expect(store.countRollup()).toBe(0)

    // A batch sent again, whole or in part, stores nothing twice.
    expect(await store.write(batch)).toEqual([])
    const later = results(2, T0 + 10 * MIN)
    expect(await store.write([...batch.slice(0, 5), ...later])).toHaveLength(2)
    await writer.flush()
    expect(store.countRaw()).toBe(32)
    expect(store.countRollup()).toBe(32)
    // After the fold, the same again: the key is found in the folded blocks.
    expect(await store.write(batch)).toEqual([])
    expect(store.recent('check-0', 100)[0]).toEqual(
      [...batch, ...later].filter((r) => r.checkId === 'check-0').at(-1),
    )
  })

  it('folds what a hub killed before its fold left in the journal, once', async () => {
    const file = join(tempDir('vantage-writer-'), 'hub.db')
    const first = await open(file)
    const batch = results(20, T0, { status: 'down' })
    await first.store.write(batch)
    // As kill -9 would: the threads stop without folding, the journal stays.
    await first.writer.terminate()
    opened = []
    first.db.close()

    const second = await open(file)
    expect(second.store.countRaw()).toBe(20)
    expect(second.store.countRollup()).toBe(20)
    expect(await second.store.write(batch)).toEqual([])
    expect(second.store.regionCounts('check-0', T0, T0 + MIN)['us-east']?.down).toBe(4)
  })

  it('hands names out on the main thread and stores them with the results', async () => {
    const file = join(tempDir('vantage-writer-'), 'hub.db')
    const { store, writer } = await open(file)
    await store.write(results(3, T0, { configVersion: 'v-42', kind: 'tcp' }))
    await writer.close()
    opened = opened.filter((o) => o.writer !== writer)

    const reader = openDatabase(file)
    try {
      const again = new ResultStore(reader)
      expect(again.recent('check-2', 1)[0]).toMatchObject({ configVersion: 'v-42', kind: 'tcp' })
    } finally {
      reader.close()
    }
  })

  it('fails a batch it cannot store without failing the others, and reports it', async () => {
    const file = join(tempDir('vantage-writer-'), 'hub.db')
    const { store } = await open(file)
    const good = store.write(results(3))
    const bad = store.write([{ ...makeResult(), status: 'sideways' } as unknown as CheckResult])
    await expect(bad).rejects.toThrow(/unknown status/)
    expect(await good).toHaveLength(3)
  })
})
