/**
 * A data directory belongs to one running process (a hub, a probe or the demo), and
 * what is in it is private to the user that runs it.
 *
 * The lock is an SQLite file held in exclusive locking mode: the kernel drops the lock
 * when its process dies, even by SIGKILL, so a crash never leaves a stale lock behind
 * to clean up. A second process is refused before it writes anything in the directory,
 * and told who holds it (from a small note the holder writes next to the lock).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export const LOCK_FILE = 'vantage.lock'
const OWNER_FILE = 'vantage.lock.json'

export class DataDirBusyError extends Error {}

export interface DataDirLock {
  /** Frees the directory (also freed when the process exits, however it exits). */
  release(): void
}

interface Owner {
  role: string
  pid: number
  since: string
}

function ownerOf(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner
  } catch {
    return undefined
  }
}

/**
 * Makes `dir` if needed (mode 0700) and locks it for `role` ("hub", "probe", "demo").
 * @throws DataDirBusyError when another process holds it, saying which.
 */
export function lockDataDir(dir: string, role: string): DataDirLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const db = new Database(join(dir, LOCK_FILE), { timeout: 0 })
  try {
    // No journal file beside the lock: the one write it makes needs no rollback.
    db.pragma('journal_mode = MEMORY')
    db.pragma('locking_mode = EXCLUSIVE')
    // The first write takes the exclusive lock; exclusive mode keeps it until close.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (at TEXT); COMMIT')
  } catch (error) {
    db.close()
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    const owner = ownerOf(dir)
    const who = owner
      ? `a running Vantage ${owner.role} (pid ${owner.pid}, since ${owner.since})`
      : 'another running Vantage process'
    throw new DataDirBusyError(
      `data directory ${dir} is in use by ${who}: stop it first, or give this one its own --data`,
    )
  }
  const owner: Owner = { role, pid: process.pid, since: new Date().toISOString() }
  writeFileSync(join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o600 })
  return { release: () => db.close() }
}

/**
 * Makes files created from now on private (0600, directories 0700) whatever umask the
 * process was started with, and tightens what `dir` already holds: a directory made
 * under a permissive umask by an earlier version keeps no world-readable secret.
 */
export function makePrivate(dir: string): void {
  process.umask(0o077)
  tighten(dir)
}

function tighten(path: string): void {
  let stat
  try {
    stat = lstatSync(path)
  } catch {
    return
  }
  if (stat.isSymbolicLink()) return
  if (stat.isDirectory()) {
    if ((stat.mode & 0o077) !== 0) chmodSync(path, stat.mode & 0o700)
    for (const entry of readdirSync(path)) tighten(join(path, entry))
  } else if ((stat.mode & 0o077) !== 0) {
    chmodSync(path, stat.mode & 0o700)
  }
}
