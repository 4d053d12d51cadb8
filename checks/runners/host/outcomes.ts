/** Outcomes and error texts that several host runners share. */
import { ERROR_CODES } from '../../result.ts'
import type { RunOutcome } from '../types.ts'

/** The probe cannot run this check as configured; says nothing about the host. */
export function capabilityMissing(message: string): RunOutcome {
  return {
    status: 'inconclusive',
    error: { code: ERROR_CODES.CAPABILITY_MISSING, message },
    assertions: [],
  }
}

/** The errno code of a Node system error (`EROFS`), if it is one. */
export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** `EROFS: read-only file system`: the code first, for people who grep logs. */
export function describeError(error: unknown): string {
  const code = errnoOf(error)
  const message = error instanceof Error ? error.message : String(error)
  // Node writes "EROFS: read-only file system, open '/x'"; keep the words, drop the call.
  const words = message.replace(/^[A-Z0-9_]+: /, '').replace(/, \w+( '.*')?$/, '')
  return code ? `${code}: ${words}` : words
}

/** Permission problems mean the probe's user cannot look, not that the host is broken. */
export function isPermissionError(error: unknown): boolean {
  const code = errnoOf(error)
  return code === 'EACCES' || code === 'EPERM'
}

/** Host checks that read `/proc` need Linux. */
export function procUnavailable(what: string): RunOutcome {
  return capabilityMissing(
    `${what} needs /proc, which this probe does not have (platform ${process.platform}); ` +
      'run host checks on Linux probes',
  )
}

/** Binary units, as df -h prints them: `512 B`, `1.5 KiB`, `20 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : Number(value.toFixed(1))} ${units[unit]}`
}

/**
 * The outcome for a path the check could not look at: missing is `down` (what the
 * check guards against), no permission is the probe's problem (inconclusive), and
 * anything else (EIO, a stale NFS handle) is a broken filesystem (`down`).
 */
export function pathFailure(path: string, error: unknown, missingCode: string): RunOutcome {
  const code = errnoOf(error)
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return {
      status: 'down',
      error: { code: missingCode, message: `${path} does not exist` },
      assertions: [{ name: 'exists', ok: false, expected: path, actual: 'missing' }],
    }
  }
  if (isPermissionError(error)) {
    return capabilityMissing(
      `the probe's user may not read ${path} (${describeError(error)}); grant it access or run the check elsewhere`,
    )
  }
  return {
    status: 'down',
    error: { code: ERROR_CODES.HOST_FS_ERROR, message: `${path}: ${describeError(error)}` },
    assertions: [],
  }
}
