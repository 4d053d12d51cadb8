/**
 * What the long-running commands (hub, probe, demo) check before they write anything:
 * their ports are free, and their data directory is theirs alone. Either problem is
 * one line and exit 2, and leaves the directory as it was.
 */
import { DataDirBusyError, lockDataDir, makePrivate, type DataDirLock } from '../lib/data-dir.ts'
import { portMessage, portProblem } from '../lib/port-check.ts'

export interface PortFlag {
  port: number
  host: string
  /** The flag that changes it, e.g. `--mqtt-port`. */
  flag: string
}

/** Exits 2 with one line when a port cannot be listened on. */
export async function requireFreePorts(command: string, ports: PortFlag[]): Promise<void> {
  for (const { port, host, flag } of ports) {
    const problem = await portProblem(port, host)
    if (problem) {
      process.stderr.write(`vantage ${command}: ${portMessage(port, flag, problem)}\n`)
      process.exit(2)
    }
  }
}

/**
 * Locks the data directory for this process and makes what it writes private (0600 files
 * in 0700 directories, whatever the umask). Exits 2 with one line when another process
 * holds it.
 */
export function claimDataDir(command: string, dir: string): DataDirLock {
  let lock: DataDirLock
  try {
    lock = lockDataDir(dir, command)
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error
    process.stderr.write(`vantage ${command}: ${error.message}\n`)
    process.exit(2)
  }
  makePrivate(dir)
  return lock
}

/** A listen that lost the race with another process after the check: the same line, exit 2. */
export function exitIfPortTaken(command: string, error: unknown, flags: PortFlag[]): void {
  const failure = error as NodeJS.ErrnoException & { port?: number }
  if (failure?.code !== 'EADDRINUSE' && failure?.code !== 'EACCES') return
  const flag = flags.find((candidate) => candidate.port === failure.port)?.flag ?? '--port'
  process.stderr.write(
    `vantage ${command}: ${portMessage(failure.port ?? 0, flag, failure.code)}\n`,
  )
  process.exit(2)
}
