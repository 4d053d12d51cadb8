/**
 * Path patterns for host checks: `*` and `?` match within one path segment (names
 * starting with a dot included), `**` matches any number of segments. Written by hand
 * because Node 20 has no `fs.glob`, and three wildcards are all a probe needs; a
 * dependency such as fast-glob would add far more than it saves here.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { errnoOf } from './outcomes.ts'

/** Directory entries looked at per expansion: a `/**` pattern must not walk a whole disk. */
export const MAX_GLOB_ENTRIES = 10_000

export function hasGlob(pattern: string): boolean {
  return /[*?]/.test(pattern)
}

function segmentSource(segment: string): string {
  return segment
    .split('')
    .map((char) => {
      if (char === '*') return '[^/]*'
      if (char === '?') return '[^/]'
      return char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')
    })
    .join('')
}

/**
 * The RegExp that matches whole absolute paths against a pattern.
 * @example globToRegExp('/var/backups/**').test('/var/backups/db/1.tar.gz') // true
 */
export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.split('/').filter(Boolean)
  const source = segments
    .map((segment) => (segment === '**' ? '(?:/[^/]+)*' : `/${segmentSource(segment)}`))
    .join('')
  return new RegExp(`^${source || '/'}$`)
}

/**
 * True when `path` is matched by `pattern`: a glob, or else a directory prefix (the
 * path itself and everything below it, so `/data` takes `/data/x` but not `/database`).
 * @example matchesPathPattern('/srv/data', '/srv') // true
 */
export function matchesPathPattern(path: string, pattern: string): boolean {
  if (hasGlob(pattern)) return globToRegExp(pattern).test(path)
  const prefix = pattern.length > 1 ? pattern.replace(/\/+$/, '') : pattern
  return path === prefix || path.startsWith(prefix === '/' ? '/' : `${prefix}/`)
}

export interface GlobExpansion {
  /** Candidate paths; segments after the last wildcard are joined on, not checked to exist. */
  paths: string[]
  /** True when the walk stopped at MAX_GLOB_ENTRIES. */
  truncated: boolean
  /** The first directory that could not be read for a reason other than not existing. */
  unreadable?: { path: string; error: unknown }
}

/**
 * Expands an absolute pattern by walking only the directories it can match.
 * Symbolic links to directories are not followed by `**`, so a link loop cannot trap it.
 */
export async function expandGlob(pattern: string, signal?: AbortSignal): Promise<GlobExpansion> {
  const segments = pattern.split('/').filter(Boolean)
  const found = new Set<string>()
  const expansion: GlobExpansion = { paths: [], truncated: false }
  let examined = 0

  async function list(dir: string) {
    signal?.throwIfAborted()
    try {
      const entries = await readdir(dir, { withFileTypes: true })
      examined += entries.length + 1
      if (examined > MAX_GLOB_ENTRIES) expansion.truncated = true
      return entries
    } catch (error) {
      const code = errnoOf(error)
      if (code !== 'ENOENT' && code !== 'ENOTDIR') expansion.unreadable ??= { path: dir, error }
      return []
    }
  }

  async function walk(dir: string, index: number): Promise<void> {
    if (expansion.truncated) return
    const segment = segments[index]
    if (segment === undefined) {
      found.add(dir)
      return
    }
    if (!hasGlob(segment)) return walk(join(dir, segment), index + 1)
    const entries = await list(dir)
    if (segment === '**') {
      await walk(dir, index + 1)
      for (const entry of entries) {
        if (entry.isDirectory()) await walk(join(dir, entry.name), index)
      }
      return
    }
    const matcher = new RegExp(`^${segmentSource(segment)}$`)
    for (const entry of entries) {
      if (matcher.test(entry.name)) await walk(join(dir, entry.name), index + 1)
    }
  }

  await walk('/', 0)
  expansion.paths = [...found]
  return expansion
}
