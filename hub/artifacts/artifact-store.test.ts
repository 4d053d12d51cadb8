import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../lib/logger.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { openDatabase } from '../store/database.ts'
import { ArtifactStore, evidenceScreenshot, type StoredArtifact } from './artifact-store.ts'

const HOUR = 3_600_000

function store(options: { retentionMs?: number; maxBytes?: number } = {}) {
  const dir = tempDir('vantage-artifacts-')
  const db = openDatabase(':memory:')
  return {
    dir,
    store: new ArtifactStore({
      db,
      dir: join(dir, 'artifacts'),
      logger: silentLogger(),
      ...options,
    }),
  }
}

let serial = 0
function add(
  target: ReturnType<typeof store>,
  resultId: string,
  name: string,
  fields: Partial<StoredArtifact> & { createdAt: number },
  now = fields.createdAt,
) {
  const temp = join(target.dir, `upload-${serial++}`)
  const bytes = fields.bytes ?? 100
  writeFileSync(temp, Buffer.alloc(bytes, 1))
  target.store.add(
    {
      resultId,
      name,
      checkId: 'checkout',
      probeId: 'eu-1',
      type: name.endsWith('.png') ? 'screenshot' : name.endsWith('.zip') ? 'trace' : 'log',
      bytes,
      sha256: 'f'.repeat(64),
      status: 'down',
      errorCode: 'ASSERTION_FAILED',
      ...fields,
    },
    temp,
    now,
  )
}

describe('ArtifactStore', () => {
  it('keeps files by run and lists a check’s runs newest first', () => {
    const target = store()
    add(target, 'R1', 'final.png', { createdAt: 1 * HOUR })
    add(target, 'R1', 'trace.zip', { createdAt: 1 * HOUR })
    add(target, 'R2', 'step-2-log-in.png', { createdAt: 2 * HOUR })
    add(target, 'R2', 'final.png', { createdAt: 2 * HOUR })
    expect(target.store.runs('checkout').map((run) => run.resultId)).toEqual(['R2', 'R1'])
    expect(target.store.run('R1')?.files.map((file) => file.name)).toEqual([
      'final.png',
      'trace.zip',
    ])
    const last = target.store.lastFailure('checkout')!
    expect(last.resultId).toBe('R2')
    // The failed step's screenshot shows it best.
    expect(evidenceScreenshot(last)).toBe('step-2-log-in.png')
    expect(existsSync(target.store.file('R1', 'trace.zip')!.path)).toBe(true)
  })

  it('deletes runs past the retention', () => {
    const target = store({ retentionMs: 24 * HOUR })
    add(target, 'OLD', 'final.png', { createdAt: 0 })
    add(target, 'NEW', 'final.png', { createdAt: 30 * HOUR }, 30 * HOUR)
    expect(target.store.runs('checkout').map((run) => run.resultId)).toEqual(['NEW'])
    expect(existsSync(join(target.dir, 'artifacts', 'OLD'))).toBe(false)
  })

  it('holds the total size, deleting whole runs oldest first', () => {
    const target = store({ maxBytes: 1_000 })
    add(target, 'A', 'final.png', { createdAt: 1, bytes: 400 })
    add(target, 'B', 'final.png', { createdAt: 2, bytes: 400 })
    add(target, 'B', 'console.log', { createdAt: 2, bytes: 100 })
    add(target, 'C', 'final.png', { createdAt: 3, bytes: 400 })
    expect(target.store.runs('checkout').map((run) => run.resultId)).toEqual(['C', 'B'])
    expect(target.store.totalBytes()).toBe(900)
    expect(existsSync(join(target.dir, 'artifacts', 'A'))).toBe(false)
  })

  it('never shows a passing run as the last failure', () => {
    const target = store()
    add(target, 'F', 'final.png', { createdAt: 1 })
    add(target, 'P', 'final.png', { createdAt: 2, status: 'up', errorCode: null })
    expect(target.store.lastFailure('checkout')?.resultId).toBe('F')
  })
})
