import { writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../../../test/e2e/processes.ts'
import {
  freezableFsWorks,
  mountFreezableFs,
  type FreezableFs,
} from '../../../test/fixtures/frozen-fs.ts'
import { rootAvailable, toolAvailable } from '../../../test/fixtures/require-tool.ts'
import { runContext } from '../../../test/fixtures/run-context.ts'
import { mountTmpfs, type Tmpfs } from '../../../test/fixtures/tmpfs.ts'
import { hostReadOnlySpecSchema } from '../../specs/host-read-only.ts'
import { run } from './read-only.ts'

const spec = (extra: Record<string, unknown>) =>
  hostReadOnlySpecSchema.parse({
    kind: 'host.readOnly',
    id: 'app-disks',
    on: { labels: { role: 'app' } },
    ...extra,
  })

// Mounting needs root: locally these tests skip (with a warning) when not root; in CI they run.
describe.runIf(rootAvailable('mounting a tmpfs'))('host.readOnly on a real tmpfs', () => {
  let tmpfs: Tmpfs

  beforeAll(() => {
    tmpfs = mountTmpfs({ size: '1m' })
  })
  afterEach(() => {
    tmpfs.remount('rw')
    rmSync(join(tmpfs.dir, 'fill'), { force: true })
  })
  afterAll(() => tmpfs?.unmount())

  it('is up while the mount is writable, and the default write probe ran there', async () => {
    const outcome = await run(spec({ include: [tmpfs.dir] }), runContext())
    expect(outcome.status).toBe('up')
    expect(outcome.assertions.map((a) => [a.name, a.ok])).toEqual([
      [`mount ${tmpfs.dir}`, true],
      [`write ${tmpfs.dir}`, true],
    ])
    expect(outcome.assertions[1]!.actual).toMatch(/^done in [\d.]+ms$/)
    expect(outcome.metrics).toEqual({
      mounts: 1,
      readOnlyMounts: 0,
      writeProbes: 1,
      writeFailures: 0,
    })
  })

  it('sees a read-only remount in mountinfo alone, names the mount, and recovers on rw', async () => {
    const check = spec({ include: [tmpfs.dir], writeProbe: false })
    tmpfs.remount('ro')
    const broken = await run(check, runContext())
    expect(broken.status).toBe('down')
    expect(broken.error?.code).toBe('HOST_READ_ONLY')
    expect(broken.error?.message).toBe(
      `${tmpfs.dir} (tmpfs vantage-test) is mounted read-only (mount option ro)`,
    )
    expect(broken.assertions).toEqual([
      {
        name: `mount ${tmpfs.dir}`,
        ok: false,
        expected: 'writable',
        actual: 'mounted read-only (mount option ro)',
      },
    ])

    tmpfs.remount('rw')
    const recovered = await run(check, runContext())
    expect(recovered.status).toBe('up')
    expect(recovered.error).toBeUndefined()
  })

  it('sees EROFS with the write probe alone, when no mount is watched', async () => {
    // No filesystem type matches, so only the write probe in `paths` looks.
    const check = spec({ types: ['no-such-type'], paths: [tmpfs.dir] })
    tmpfs.remount('ro')
    const broken = await run(check, runContext())
    expect(broken.status).toBe('down')
    expect(broken.error?.code).toBe('HOST_READ_ONLY')
    expect(broken.error?.message).toMatch(
      new RegExp(
        `^write probe in ${tmpfs.dir} failed: EROFS: read-only file system \\(at create\\)$`,
      ),
    )
    expect(broken.metrics).toMatchObject({ mounts: 0, writeProbes: 1, writeFailures: 1 })

    tmpfs.remount('rw')
    expect((await run(check, runContext())).status).toBe('up')
  })

  it('finds both problems when both looks are on', async () => {
    tmpfs.remount('ro')
    // Default write paths skip mounts already flagged read-only; named paths are always probed.
    const broken = await run(spec({ include: [tmpfs.dir], paths: [tmpfs.dir] }), runContext())
    expect(broken.assertions.map((a) => [a.name, a.ok])).toEqual([
      [`mount ${tmpfs.dir}`, false],
      [`write ${tmpfs.dir}`, false],
    ])
    expect(broken.error?.message.split('; ')).toHaveLength(2)
  })

  it('lets two checks probe the same healthy mount at once: both are up', async () => {
    // One check on every disk and one on a single disk, started in the same tick as
    // `vantage test --host` does: the second must not mistake the first probe for a hang.
    const allDisks = spec({ id: 'all-disks', include: [tmpfs.dir] })
    const oneDisk = spec({ id: 'one-disk', types: ['no-such-type'], paths: [tmpfs.dir] })
    for (let round = 0; round < 5; round += 1) {
      const outcomes = await Promise.all([
        run(allDisks, runContext()),
        run(oneDisk, runContext()),
        run(allDisks, runContext()),
      ])
      expect(outcomes.map((outcome) => [outcome.status, outcome.error?.message])).toEqual([
        ['up', undefined],
        ['up', undefined],
        ['up', undefined],
      ])
    }
  })

  it('reports a full filesystem as HOST_WRITE_FAILED (ENOSPC)', async () => {
    try {
      writeFileSync(join(tmpfs.dir, 'fill'), Buffer.alloc(2 * 1024 * 1024))
    } catch {
      // ENOSPC once the 1 MiB are used up: that is the point.
    }
    const outcome = await run(spec({ include: [tmpfs.dir] }), runContext())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('HOST_WRITE_FAILED')
    expect(outcome.error?.message).toMatch(/ENOSPC: no space left on device \(at (write|fsync)\)/)
    // The probe cleaned up after itself.
    expect(outcome.assertions[0]!.ok).toBe(true)
  })
})

describe('host.readOnly without anything to check', () => {
  it('is down with ASSERTION_FAILED instead of passing silently', async () => {
    const outcome = await run(spec({ types: ['no-such-type'] }), runContext())
    expect(outcome.status).toBe('down')
    expect(outcome.error?.code).toBe('ASSERTION_FAILED')
    expect(outcome.error?.message).toMatch(/nothing to check/)
  })
})

describe.runIf(
  rootAvailable('mounting a loop device') &&
    toolAvailable('mkfs.ext4, fsfreeze and a loop device', freezableFsWorks()),
)('host.readOnly on a hung (frozen) filesystem', () => {
  let frozen: FreezableFs

  beforeAll(() => {
    frozen = mountFreezableFs()
  })
  afterAll(() => frozen?.unmount())

  it('names the hung filesystem, never stacks a second probe on it, and recovers on thaw', async () => {
    const check = spec({ types: ['no-such-type'], paths: [frozen.dir], writeTimeout: '200ms' })
    frozen.freeze()
    try {
      const hung = await run(check, runContext())
      expect(hung.status).toBe('down')
      expect(hung.error?.code).toBe('HOST_WRITE_FAILED')
      expect(hung.error?.message).toMatch(
        new RegExp(`^write probe in ${frozen.dir} failed: hanging for .*: no answer within 200ms$`),
      )
      const again = await run(check, runContext())
      expect(again.error?.message).toMatch(/the previous write probe has not returned/)
    } finally {
      frozen.thaw()
    }
    // The blocked write finishes once thawed; then the next run probes again and passes.
    await waitFor('the write probe to pass after the thaw', async () => {
      return (await run(check, runContext())).status === 'up'
    })
  })

  it('reports a hang to every check that probes the frozen filesystem at once', async () => {
    const check = spec({ types: ['no-such-type'], paths: [frozen.dir], writeTimeout: '200ms' })
    const other = spec({ id: 'other', types: ['no-such-type'], paths: [frozen.dir] })
    frozen.freeze()
    try {
      const outcomes = await Promise.all([
        run(check, runContext()),
        run({ ...other, writeTimeout: '300ms' }, runContext()),
      ])
      expect(outcomes.map((outcome) => outcome.error?.message)).toEqual([
        expect.stringMatching(/hanging for .*: no answer within 200ms$/),
        expect.stringMatching(/hanging for .*: no answer within 300ms$/),
      ])
    } finally {
      frozen.thaw()
    }
    await waitFor('the write probe to pass after the thaw', async () => {
      return (await run(check, runContext())).status === 'up'
    })
  })
})
