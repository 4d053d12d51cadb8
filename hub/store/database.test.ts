/**
 * The settings every connection gets, read back from a real SQLite file: the page cache
 * is small where the hub reads (its main thread) and large only where ingest asks for it.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { openDatabase, WRITER_CACHE_KIB, type Database } from './database.ts'

const opened: Database[] = []
afterEach(() => {
  for (const db of opened.splice(0)) db.close()
})

function open(cacheKiB?: number): Database {
  const db = openDatabase(join(tempDir('vantage-db-'), 'hub.db'), cacheKiB)
  opened.push(db)
  return db
}

describe('openDatabase', () => {
  it('opens in WAL mode with a 16 MiB page cache, or the cache the caller asks for', () => {
    const reader = open()
    expect(reader.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(reader.pragma('cache_size', { simple: true })).toBe(-16 * 1024)
    expect(open(WRITER_CACHE_KIB).pragma('cache_size', { simple: true })).toBe(-64 * 1024)
  })
})
