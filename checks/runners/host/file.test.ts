import { mkdirSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { tempDir } from '../../../test/fixtures/temp-dir.ts'
import { hostFileSpecSchema } from '../../specs/host-file.ts'
import { run } from './file.ts'

const NOW = Date.UTC(2026, 0, 2, 6, 0, 0)
const HOUR = 3_600_000
const ctx = runContext({ now: () => NOW })

const spec = (path: string, extra: Record<string, unknown> = {}) =>
  hostFileSpecSchema.parse({
    kind: 'host.file',
    id: 'backup',
    on: { probes: ['db-1'] },
    path,
    ...extra,
  })

describe('host.file', () => {
  let dir: string
  beforeEach(() => {
    dir = tempDir('vantage-file-')
  })

  /** A file of `size` bytes last modified `ageHours` before NOW. */
  function file(name: string, ageHours: number, size = 10): string {
    const path = join(dir, name)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, Buffer.alloc(size))
    const mtime = (NOW - ageHours * HOUR) / 1_000
    utimesSync(path, mtime, mtime)
    return path
  }

  it('is up for a fresh, big enough file, with age and size metrics', async () => {
    const path = file('db.tar.gz', 3, 2048)
    const outcome = await run(spec(path, { maxAge: '26h', minSize: 1024 }), ctx)
    expect(outcome.status).toBe('up')
    expect(outcome.metrics).toEqual({ matches: 1, ageSeconds: 3 * 3600, sizeBytes: 2048 })
    expect(outcome.assertions).toEqual([
      { name: 'exists', ok: true, expected: path, actual: path },
      { name: 'age', ok: true, expected: '< 26h', actual: '3h' },
      { name: 'size', ok: true, expected: '>= 1 KiB', actual: '2 KiB' },
    ])
  })

  it('is down with HOST_FILE_STALE when older than maxAge', async () => {
    const path = file('db.tar.gz', 30)
    const outcome = await run(spec(path, { maxAge: '26h' }), ctx)
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'HOST_FILE_STALE',
      message: `${path} is 1d6h old, expected < 26h`,
    })
  })

  it('is down with HOST_FILE_TOO_SMALL when below minSize', async () => {
    const path = file('db.tar.gz', 1, 100)
    const outcome = await run(spec(path, { minSize: 1_000_000 }), ctx)
    expect(outcome.error).toEqual({
      code: 'HOST_FILE_TOO_SMALL',
      message: `${path} has 100 B, expected >= 976.6 KiB`,
    })
  })

  it('judges the newest regular file a glob matches', async () => {
    file('daily/mon/db.tar.gz', 50)
    const newest = file('daily/tue/db.tar.gz', 2)
    file('daily/tue/notes.txt', 0)
    mkdirSync(join(dir, 'daily/wed.tar.gz'))
    const outcome = await run(spec(`${dir}/daily/**/*.tar.gz`, { maxAge: '26h' }), ctx)
    expect(outcome.status).toBe('up')
    expect(outcome.assertions[0]!.actual).toBe(newest)
    expect(outcome.metrics).toMatchObject({ matches: 2, ageSeconds: 2 * 3600 })
  })

  it('is down with HOST_FILE_MISSING when nothing matches or the file is gone', async () => {
    const glob = await run(spec(`${dir}/*.tar.gz`), ctx)
    expect(glob.status).toBe('down')
    expect(glob.error).toEqual({
      code: 'HOST_FILE_MISSING',
      message: `no file matches ${dir}/*.tar.gz`,
    })
    const plain = await run(spec(`${dir}/db.tar.gz`), ctx)
    expect(plain.error?.code).toBe('HOST_FILE_MISSING')
  })
})
