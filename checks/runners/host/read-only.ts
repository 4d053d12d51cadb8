/**
 * host.readOnly: mounts that should be writable but are not. Two independent looks:
 * the read-only flags in /proc/self/mountinfo (mount and superblock), and a write probe
 * (create, write, fsync, delete) in each watched directory, which also catches EIO,
 * ENOSPC and a hung filesystem. The result names every bad mount and why.
 */
import { formatDuration, parseDuration } from '../../duration.ts'
import { ERROR_CODES, type AssertionResult } from '../../result.ts'
import type { HostReadOnlySpec } from '../../spec.ts'
import type { Runner, RunOutcome } from '../types.ts'
import { hasGlob, matchesPathPattern } from './glob.ts'
import { readMountinfo, readOnlyReason, visibleMounts, type MountEntry } from './mountinfo.ts'
import { capabilityMissing, describeError, errnoOf, procUnavailable } from './outcomes.ts'
import { probeWrite, type WriteProbeResult } from './write-probe.ts'

/** Read-only by design: nobody expects to write there. */
const READ_ONLY_TYPES = new Set([
  'squashfs',
  'iso9660',
  'erofs',
  'cramfs',
  'romfs',
  'fuse.squashfuse',
])
/** Kernel interfaces, not storage; containers mount several of them read-only on purpose. */
const PSEUDO_TYPES = new Set([
  ...['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'devtmpfs', 'mqueue', 'debugfs', 'tracefs'],
  ...['securityfs', 'pstore', 'bpf', 'configfs', 'fusectl', 'hugetlbfs', 'autofs', 'binfmt_misc'],
  ...['efivarfs', 'rpc_pipefs', 'nsfs', 'selinuxfs', 'nfsd'],
])
/** Whatever is mounted under these is a kernel interface too (e.g. a read-only cgroup tmpfs). */
const KERNEL_TREES = ['/proc', '/sys']
/** Filesystems that keep data on a device: worth a default write probe. */
const DISK_TYPES = new Set([
  ...['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'f2fs', 'zfs', 'bcachefs', 'jfs', 'reiserfs'],
  ...['nilfs2', 'vfat', 'exfat', 'ntfs', 'ntfs3'],
])
/** System-managed tmpfs trees: probing /run or /dev/shm tells nothing about the app's disks. */
const SYSTEM_TMPFS_TREES = ['/dev', '/run']
/** A result names at most this many problems in its message; assertions list them all. */
const MAX_NAMED_PROBLEMS = 10

interface Problem {
  code: string
  text: string
}

const isUnder = (path: string, trees: string[]): boolean =>
  trees.some((tree) => matchesPathPattern(path, tree))

/**
 * The mount a plain include path lives on, so that `include: ['/var/lib/app']` watches
 * the filesystem holding it even when it is not a mount point itself.
 */
function containingMount(path: string, mounts: MountEntry[]): MountEntry | undefined {
  let best: MountEntry | undefined
  for (const mount of mounts) {
    if (!matchesPathPattern(path, mount.mountPoint)) continue
    if (!best || mount.mountPoint.length > best.mountPoint.length) best = mount
  }
  return best
}

/** The mounts this check looks at, in mountinfo order. */
export function watchedMounts(spec: HostReadOnlySpec, mounts: MountEntry[]): MountEntry[] {
  const holders = new Set(
    spec.include.filter((path) => !hasGlob(path)).map((path) => containingMount(path, mounts)),
  )
  return mounts.filter((mount) => {
    const { mountPoint, fsType } = mount
    if (spec.types.length > 0) {
      if (!spec.types.includes(fsType)) return false
    } else if (READ_ONLY_TYPES.has(fsType) || PSEUDO_TYPES.has(fsType)) {
      return false
    }
    if (spec.excludeTypes.includes(fsType)) return false
    if (isUnder(mountPoint, KERNEL_TREES)) return false
    if (spec.exclude.some((pattern) => matchesPathPattern(mountPoint, pattern))) return false
    if (spec.include.length === 0) return true
    return (
      holders.has(mount) || spec.include.some((pattern) => matchesPathPattern(mountPoint, pattern))
    )
  })
}

/**
 * Default write-probe directories: the mount point of each watched, writable disk or
 * tmpfs filesystem, once per filesystem (bind mounts share a device). Only as root:
 * other users may not create files at a filesystem's top, and that is no outage.
 */
export function defaultWritePaths(watched: MountEntry[], isRoot: boolean): string[] {
  if (!isRoot) return []
  const devices = new Set<string>()
  const paths: string[] = []
  for (const mount of watched) {
    const eligible =
      DISK_TYPES.has(mount.fsType) ||
      (mount.fsType === 'tmpfs' && !isUnder(mount.mountPoint, SYSTEM_TMPFS_TREES))
    if (!eligible || mount.root !== '/' || readOnlyReason(mount)) continue
    if (devices.has(mount.device)) continue
    devices.add(mount.device)
    paths.push(mount.mountPoint)
  }
  return paths
}

function mountAssertion(mount: MountEntry, reason: string | undefined): AssertionResult {
  return {
    name: `mount ${mount.mountPoint}`,
    ok: reason === undefined,
    expected: 'writable',
    actual: reason ?? 'writable',
  }
}

function writeActual(result: WriteProbeResult, now: number): string {
  if (result.ok) return `done in ${result.ms}ms`
  if ('hung' in result)
    return `hanging for ${formatDuration(now - result.since)}: ${result.message}`
  return `${result.message} (at ${result.step})`
}

function writeProblem(dir: string, result: WriteProbeResult, now: number): Problem | undefined {
  if (result.ok) return undefined
  const code =
    !('hung' in result) && result.code === 'EROFS'
      ? ERROR_CODES.HOST_READ_ONLY
      : ERROR_CODES.HOST_WRITE_FAILED
  return { code, text: `write probe in ${dir} failed: ${writeActual(result, now)}` }
}

function failure(problems: Problem[]): RunOutcome['error'] {
  const code = problems.some((problem) => problem.code === ERROR_CODES.HOST_READ_ONLY)
    ? ERROR_CODES.HOST_READ_ONLY
    : ERROR_CODES.HOST_WRITE_FAILED
  const named = problems.slice(0, MAX_NAMED_PROBLEMS).map((problem) => problem.text)
  if (problems.length > MAX_NAMED_PROBLEMS) {
    named.push(`and ${problems.length - MAX_NAMED_PROBLEMS} more`)
  }
  return { code, message: named.join('; ') }
}

/**
 * Checks the watched mounts' flags, then runs the write probes in parallel, each
 * within `writeTimeout` (default: half the check's timeout). Metrics: mounts,
 * readOnlyMounts, writeProbes, writeFailures.
 */
export const run: Runner<'host.readOnly'> = async (spec, ctx) => {
  let mounts: MountEntry[]
  try {
    mounts = visibleMounts(await readMountinfo())
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return procUnavailable('host.readOnly')
    return capabilityMissing(`cannot read /proc/self/mountinfo: ${describeError(error)}`)
  }
  const watched = watchedMounts(spec, mounts)
  const assertions: AssertionResult[] = []
  const problems: Problem[] = []
  for (const mount of watched) {
    const reason = readOnlyReason(mount)
    assertions.push(mountAssertion(mount, reason))
    if (reason) {
      problems.push({
        code: ERROR_CODES.HOST_READ_ONLY,
        text: `${mount.mountPoint} (${mount.fsType} ${mount.source}) is ${reason}`,
      })
    }
  }

  const paths = spec.writeProbe
    ? (spec.paths ?? defaultWritePaths(watched, process.getuid?.() === 0))
    : []
  const writeTimeoutMs = spec.writeTimeout
    ? parseDuration(spec.writeTimeout)
    : parseDuration(spec.timeout) / 2
  const writes = await Promise.all(paths.map((dir) => probeWrite(dir, writeTimeoutMs, ctx.now)))
  const now = ctx.now()
  writes.forEach((result, index) => {
    const dir = paths[index]!
    assertions.push({
      name: `write ${dir}`,
      ok: result.ok,
      expected: `create, write, fsync, delete within ${formatDuration(writeTimeoutMs)}`,
      actual: writeActual(result, now),
    })
    const problem = writeProblem(dir, result, now)
    if (problem) problems.push(problem)
  })

  const metrics = {
    mounts: watched.length,
    readOnlyMounts: watched.filter((mount) => readOnlyReason(mount)).length,
    writeProbes: paths.length,
    writeFailures: writes.filter((result) => !result.ok).length,
  }
  if (watched.length === 0 && paths.length === 0) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.ASSERTION_FAILED,
        message:
          'no mount matches include/types and no write-probe paths are set: nothing to check',
      },
      assertions: [{ name: 'watched mounts', ok: false, expected: '>= 1', actual: '0' }],
      metrics,
    }
  }
  if (problems.length === 0) return { status: 'up', assertions, metrics }
  return { status: 'down', error: failure(problems), assertions, metrics }
}
