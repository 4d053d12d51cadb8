/**
 * host.file: a file, or the newest match of a glob, exists, is younger than `maxAge`
 * and has at least `minSize` bytes. Made for "did last night's backup run?".
 *
 * Age is measured from the file's modification time with the run's injected clock.
 * A glob matches regular files only (a directory's mtime says little about its files).
 */
import { stat } from 'node:fs/promises'
import { formatDuration, parseDuration } from '../../duration.ts'
import { ERROR_CODES, type AssertionResult } from '../../result.ts'
import type { Runner, RunOutcome } from '../types.ts'
import { expandGlob, hasGlob, MAX_GLOB_ENTRIES } from './glob.ts'
import { describeError, errnoOf, formatBytes, pathFailure } from './outcomes.ts'

interface Match {
  path: string
  mtimeMs: number
  size: number
}

/** The newest regular file among the candidates, and how many there are. */
async function newestFile(paths: string[]): Promise<{ match?: Match; count: number }> {
  let match: Match | undefined
  let count = 0
  for (const path of paths) {
    try {
      const info = await stat(path)
      if (!info.isFile()) continue
      count += 1
      if (!match || info.mtimeMs > match.mtimeMs) {
        match = { path, mtimeMs: info.mtimeMs, size: info.size }
      }
    } catch {
      // Deleted between the listing and the stat, or a dangling link: not a match.
    }
  }
  return { match, count }
}

function missing(spec: { path: string }, why: string): RunOutcome {
  return {
    status: 'down',
    error: { code: ERROR_CODES.HOST_FILE_MISSING, message: `no file matches ${spec.path}${why}` },
    assertions: [{ name: 'exists', ok: false, expected: spec.path, actual: `none${why}` }],
    metrics: { matches: 0 },
  }
}

/**
 * Finds the newest match and checks its age and size. Metrics: matches, ageSeconds,
 * sizeBytes (of the newest match).
 */
export const run: Runner<'host.file'> = async (spec, ctx) => {
  let match: Match | undefined
  let count = 1
  let note = ''
  if (hasGlob(spec.path)) {
    const expansion = await expandGlob(spec.path, ctx.signal)
    ;({ match, count } = await newestFile(expansion.paths))
    if (!match) {
      const why = expansion.unreadable
        ? ` (cannot read ${expansion.unreadable.path}: ${describeError(expansion.unreadable.error)})`
        : ''
      return missing(spec, why)
    }
    if (expansion.truncated) note = ` (listing stopped after ${MAX_GLOB_ENTRIES} entries)`
  } else {
    try {
      const info = await stat(spec.path)
      match = { path: spec.path, mtimeMs: info.mtimeMs, size: info.size }
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return missing(spec, '')
      return pathFailure(spec.path, error, ERROR_CODES.HOST_FILE_MISSING)
    }
  }

  // A file from the future (clock skew, a restored backup) is as fresh as can be.
  const ageMs = Math.max(0, ctx.now() - match.mtimeMs)
  const assertions: AssertionResult[] = [
    { name: 'exists', ok: true, expected: spec.path, actual: `${match.path}${note}` },
  ]
  const problems: { code: string; message: string }[] = []
  if (spec.maxAge !== undefined) {
    const ok = ageMs < parseDuration(spec.maxAge)
    const actual = formatDuration(ageMs)
    assertions.push({ name: 'age', ok, expected: `< ${spec.maxAge}`, actual })
    if (!ok) {
      problems.push({
        code: ERROR_CODES.HOST_FILE_STALE,
        message: `${match.path} is ${actual} old, expected < ${spec.maxAge}`,
      })
    }
  }
  if (spec.minSize !== undefined) {
    const ok = match.size >= spec.minSize
    const actual = formatBytes(match.size)
    assertions.push({ name: 'size', ok, expected: `>= ${formatBytes(spec.minSize)}`, actual })
    if (!ok) {
      problems.push({
        code: ERROR_CODES.HOST_FILE_TOO_SMALL,
        message: `${match.path} has ${actual}, expected >= ${formatBytes(spec.minSize)}`,
      })
    }
  }
  const metrics = {
    matches: count,
    ageSeconds: Math.round(ageMs / 1_000),
    sizeBytes: match.size,
  }
  if (problems.length === 0) return { status: 'up', assertions, metrics }
  return {
    status: 'down',
    error: { code: problems[0]!.code, message: problems.map((p) => p.message).join('; ') },
    assertions,
    metrics,
  }
}
