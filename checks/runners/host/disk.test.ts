import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../../lib/clock.ts'
import { rootAvailable } from '../../../test/fixtures/require-tool.ts'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { mountTmpfs, type Tmpfs } from '../../../test/fixtures/tmpfs.ts'
import { hostDiskSpecSchema } from '../../specs/host-disk.ts'
import { createDiskRunner } from './disk.ts'

const KIB = 1024
const HOUR = 3_600_000

const spec = (path: string, extra: Record<string, unknown> = {}) =>
  hostDiskSpecSchema.parse({
    kind: 'host.disk',
    id: 'data-disk',
    on: { probes: ['db-1'] },
    path,
    ...extra,
  })

describe('host.disk', () => {
  it('is down with HOST_FILE_MISSING for a path that does not exist', async () => {
    const outcome = await createDiskRunner()(spec('/no/such/vantage/path'), runContext())
    expect(outcome.status).toBe('down')
    expect(outcome.error).toEqual({
      code: 'HOST_FILE_MISSING',
      message: '/no/such/vantage/path does not exist',
    })
  })
})

// Mounting needs root: locally these tests skip (with a warning) when not root; in CI they run.
describe.runIf(rootAvailable('mounting a tmpfs'))('host.disk on a real 1 MiB tmpfs', () => {
  let tmpfs: Tmpfs

  beforeAll(() => {
    // 1 MiB of 4 KiB pages and 32 inodes (the root directory takes one).
    tmpfs = mountTmpfs({ size: '1m', extra: ['nr_inodes=32'] })
  })
  afterEach(() => {
    rmSync(join(tmpfs.dir, 'data'), { recursive: true, force: true })
    mkdirSync(join(tmpfs.dir, 'data'))
  })
  afterAll(() => tmpfs?.unmount())

  const fill = (name: string, bytes: number): void =>
    writeFileSync(join(tmpfs.dir, 'data', name), Buffer.alloc(bytes, 1))

  it('is up on an empty filesystem, with space and inode metrics', async () => {
    const outcome = await createDiskRunner()(spec(tmpfs.dir), runContext())
    expect(outcome.status).toBe('up')
    expect(outcome.metrics?.usedPercent).toBeLessThan(5)
    expect(outcome.metrics?.freeBytes).toBeGreaterThan(1000 * KIB)
    expect(outcome.metrics?.inodesUsedPercent).toBeGreaterThan(0)
    expect(outcome.metrics?.hoursToFull).toBeUndefined()
  })

  it('is degraded past degradedAbove and down with HOST_DISK_FULL past failAbove', async () => {
    const check = spec(tmpfs.dir, { expect: { degradedAbove: 50, failAbove: 90 } })
    fill('a', 700 * KIB)
    const degraded = await createDiskRunner()(check, runContext())
    expect(degraded.status).toBe('degraded')
    expect(degraded.error).toBeUndefined()
    expect(degraded.assertions[0]).toMatchObject({
      name: 'disk used (degraded)',
      ok: false,
      expected: '<= 50%',
    })

    fill('b', 250 * KIB)
    const full = await createDiskRunner()(check, runContext())
    expect(full.status).toBe('down')
    expect(full.error?.code).toBe('HOST_DISK_FULL')
    expect(full.error?.message).toMatch(
      new RegExp(
        `^${tmpfs.dir}: space 9\\d(\\.\\d+)?% used \\([\\d.]+ KiB free\\), expected <= 90%$`,
      ),
    )
    expect(full.metrics?.usedPercent).toBeGreaterThan(90)
  })

  it('counts inodes against the same limits', async () => {
    for (let i = 0; i < 30; i += 1) fill(`f${i}`, 0)
    const outcome = await createDiskRunner()(spec(tmpfs.dir), runContext())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.message).toMatch(/: inodes (9\d|100)(\.\d+)?% used/)
    expect(outcome.metrics?.inodesUsedPercent).toBeGreaterThan(95)
  })

  it('predicts when the disk is full from its growth, in virtual time', async () => {
    const clock = new ManualClock()
    const ctx = runContext({ now: () => clock.now() })
    const runDisk = createDiskRunner()
    // A prediction needs samples over a quarter of the 4h window: one hour.
    const check = spec(tmpfs.dir, { trendWindow: '4h', expect: { fullWithin: '24h' } })

    const first = await runDisk(check, ctx)
    expect(first.status).toBe('up')
    expect(first.assertions.at(-1)).toEqual({
      name: 'full in',
      ok: true,
      expected: '> 24h',
      actual: 'no trend yet (1h more samples needed)',
    })

    // 100 KiB an hour is 25 pages exactly, so the line fits the samples exactly.
    for (let hour = 1; hour <= 2; hour += 1) {
      clock.advance(HOUR)
      fill(`hour-${hour}`, 100 * KIB)
    }
    const growing = await runDisk(check, ctx)
    const freeBytes = growing.metrics!.freeBytes!
    expect(growing.metrics?.hoursToFull).toBeCloseTo(freeBytes / (100 * KIB), 1)
    expect(growing.status).toBe('degraded')
    expect(growing.assertions.at(-1)).toMatchObject({ name: 'full in', ok: false })
    expect(growing.assertions.at(-1)!.actual).toMatch(/^full in \dh/)

    // Files removed: the trend flattens and the expectation passes again.
    rmSync(join(tmpfs.dir, 'data'), { recursive: true, force: true })
    mkdirSync(join(tmpfs.dir, 'data'))
    clock.advance(10 * HOUR)
    const flat = await runDisk(check, ctx)
    expect(flat.status).toBe('up')
  })
})
