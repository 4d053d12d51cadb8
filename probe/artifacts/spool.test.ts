import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ArtifactFile } from '../../checks/browser/browser-result.ts'
import { silentLogger } from '../../lib/logger.ts'
import { ulid } from '../../lib/ulid.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { ArtifactSpool } from './spool.ts'

function staged(root: string, files: Array<[string, ArtifactFile['type'], number]>, time: number) {
  const resultId = ulid(time)
  const dir = join(root, 'staging', resultId)
  mkdirSync(dir, { recursive: true })
  for (const [name, , bytes] of files) writeFileSync(join(dir, name), Buffer.alloc(bytes))
  return {
    resultId,
    checkId: 'checkout',
    dir,
    files: files.map(([name, type, bytes]) => ({ name, type, bytes })),
    verdict: { keep: true, status: 'down' as const, errorCode: 'TIMEOUT' },
  }
}

describe('ArtifactSpool', () => {
  it('keeps a run with its manifest, oldest run first, and lets files go one by one', () => {
    const root = tempDir('vantage-spool-')
    const spool = new ArtifactSpool({ dir: join(root, 'out'), logger: silentLogger() })
    const later = staged(root, [['final.png', 'screenshot', 10]], 2_000)
    const earlier = staged(
      root,
      [
        ['final.png', 'screenshot', 10],
        ['trace.zip', 'trace', 20],
      ],
      1_000,
    )
    spool.keep(later)
    spool.keep(earlier)
    const pending = spool.pending()
    expect(pending.map((run) => run.resultId)).toEqual([earlier.resultId, later.resultId])
    expect(pending[0]).toMatchObject({
      checkId: 'checkout',
      status: 'down',
      errorCode: 'TIMEOUT',
      createdAt: 1_000,
    })
    expect(pending[0]!.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/)
    spool.remove(earlier.resultId, 'final.png')
    spool.remove(earlier.resultId, 'trace.zip')
    expect(existsSync(join(root, 'out', earlier.resultId))).toBe(false)
    expect(spool.pending()).toHaveLength(1)
  })

  it('drops the trace first, then the log, when a run is over its cap', () => {
    const root = tempDir('vantage-spool-')
    const spool = new ArtifactSpool({
      dir: join(root, 'out'),
      maxRunBytes: 150,
      logger: silentLogger(),
    })
    const kept = spool.keep(
      staged(
        root,
        [
          ['step-1-log-in.png', 'screenshot', 60],
          ['final.png', 'screenshot', 60],
          ['trace.zip', 'trace', 500],
          ['console.log', 'log', 50],
        ],
        1_000,
      ),
    )
    expect(kept.map((file) => file.name)).toEqual(['step-1-log-in.png', 'final.png'])
  })

  it("adds a later file to a run still waiting (a failed run's re-run trace), within its cap", () => {
    const root = tempDir('vantage-spool-')
    const spool = new ArtifactSpool({
      dir: join(root, 'out'),
      maxRunBytes: 100,
      logger: silentLogger(),
    })
    const run = staged(root, [['final.png', 'screenshot', 30]], 1_000)
    spool.keep(run)
    const later = (name: string, bytes: number) => {
      const dir = join(root, 'staging', `${run.resultId}-rerun`)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, name), Buffer.alloc(bytes))
      return { ...run, dir, files: [{ name, type: 'trace' as const, bytes }] }
    }
    expect(spool.keep(later('rerun-trace.zip', 40)).map((file) => file.name)).toEqual([
      'rerun-trace.zip',
    ])
    expect(spool.pending()[0]!.files.map((file) => file.name)).toEqual([
      'final.png',
      'rerun-trace.zip',
    ])
    // Over the run's cap with what it holds already: the new file is dropped.
    expect(spool.keep(later('big-trace.zip', 40))).toEqual([])
    expect(spool.pending()[0]!.files).toHaveLength(2)
    // Its earlier files went to the hub already: the new one makes the run anew.
    spool.remove(run.resultId, 'final.png')
    spool.remove(run.resultId, 'rerun-trace.zip')
    spool.keep(later('rerun-trace.zip', 40))
    expect(spool.pending()[0]).toMatchObject({
      resultId: run.resultId,
      status: 'down',
      files: [expect.objectContaining({ name: 'rerun-trace.zip' })],
    })
  })

  it('drops the oldest runs past its total size (manifests included), and counts them', () => {
    const root = tempDir('vantage-spool-')
    const spool = new ArtifactSpool({
      dir: join(root, 'out'),
      maxTotalBytes: 2_000,
      logger: silentLogger(),
    })
    const first = staged(root, [['final.png', 'screenshot', 700]], 1_000)
    spool.keep(first)
    spool.keep(staged(root, [['final.png', 'screenshot', 700]], 2_000))
    spool.keep(staged(root, [['final.png', 'screenshot', 700]], 3_000))
    expect(spool.pending().map((run) => run.createdAt)).toEqual([2_000, 3_000])
    expect(spool.dropped()).toBe(1)
  })
})
