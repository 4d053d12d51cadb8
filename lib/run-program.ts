/**
 * Runs a program for a host check or a hub remediation command: argv only (no shell),
 * output capped, and on abort the whole process group is killed, so a plugin's own
 * children die with it.
 */
import { spawn } from 'node:child_process'

/** Plugins print a line or a page; more than this is noise and would bloat results. */
export const MAX_OUTPUT_BYTES = 64 * 1024

export interface ProgramRun {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** True when the run was aborted (timeout) and the program killed. */
  killed: boolean
}

export interface ProgramOptions {
  /**
   * The program's whole environment. Default: the caller's own, which a host check's
   * plugin expects; the hub passes only what a remediation command may see.
   */
  env?: Record<string, string>
  /** Bytes kept of stdout and of stderr, each. Default MAX_OUTPUT_BYTES. */
  maxOutputBytes?: number
}

/** Collects a stream up to `limit` bytes, draining the rest so the program never blocks. */
function collect(stream: NodeJS.ReadableStream | null, limit: number): () => string {
  const chunks: Buffer[] = []
  let size = 0
  stream?.on('data', (chunk: Buffer) => {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size))
    size += chunk.length
  })
  return () => Buffer.concat(chunks).toString('utf8')
}

/**
 * Runs `argv` until it exits or `signal` aborts. Rejects only when the program cannot
 * be started (ENOENT, EACCES); a non-zero exit is a normal result.
 * @example const run = await runProgram(['/usr/bin/systemctl', 'is-active', 'nginx'], ctx.signal)
 */
export function runProgram(
  argv: string[],
  signal: AbortSignal,
  options: ProgramOptions = {},
): Promise<ProgramRun> {
  const limit = options.maxOutputBytes ?? MAX_OUTPUT_BYTES
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv
    // detached: the child leads its own process group, which a timeout kills whole.
    const child = spawn(program!, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env,
    })
    const stdout = collect(child.stdout, limit)
    const stderr = collect(child.stderr, limit)
    let killed = false
    const kill = (): void => {
      killed = true
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      signal.removeEventListener('abort', kill)
      resolve({ exitCode, signal: exitSignal, stdout: stdout(), stderr: stderr(), killed })
    }
    child.once('error', (error) => {
      signal.removeEventListener('abort', kill)
      reject(error)
    })
    child.once('spawn', () => {
      if (signal.aborted) kill()
      else signal.addEventListener('abort', kill, { once: true })
    })
    // 'close' waits for the output to end; after a kill, a grandchild that escaped the
    // group could hold the pipes open, so 'exit' is enough then.
    child.once('close', finish)
    child.once('exit', (code, exitSignal) => {
      if (!killed) return
      child.stdout?.destroy()
      child.stderr?.destroy()
      finish(code, exitSignal)
    })
  })
}
