/**
 * Starts the demo's hub and probes as real child processes of the `vantage`
 * command, logs each to its own file, and stops them all on shutdown.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { packagePath } from '../../lib/package-root.ts'

const VANTAGE_BIN = packagePath('bin/vantage.js')

export interface Child {
  name: string
  process: ChildProcess
  exited: Promise<number | null>
}

/** Spawns `vantage <args>`; stderr (JSON logs) goes to `logFile`, stdout to `onLine` line by line. */
export function spawnVantage(
  name: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void },
): Child {
  const child = spawn(process.execPath, [VANTAGE_BIN, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const log = createWriteStream(options.logFile, { flags: 'a' })
  child.stderr!.pipe(log)
  let pending = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) options.onLine?.(line)
    log.write(chunk)
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return { name, process: child, exited }
}

/** SIGTERM to every child still running, then SIGKILL after `graceMs`. */
export async function stopAll(children: Child[], graceMs = 10_000): Promise<void> {
  for (const child of children) {
    if (child.process.exitCode === null) child.process.kill('SIGTERM')
  }
  const timer = setTimeout(() => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL')
  }, graceMs)
  await Promise.all(children.map((child) => child.exited))
  clearTimeout(timer)
}
