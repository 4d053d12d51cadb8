/**
 * The hub's remediation allow-list (issue 6): the only commands auto-remediation may
 * run, kept in a hub-local JSON file (`vantage hub --remediation /etc/vantage/remediation.json`).
 * A deployed monitors file only names a command, so whoever can deploy checks still
 * cannot make the hub run a program its operator did not list here.
 *
 * ```json
 * { "commands": { "restart-api": { "argv": ["systemctl", "restart", "api"], "timeout": "30s", "env": { "K": "V" } } } }
 * ```
 *
 * Commands run from their argv without a shell, so no value is ever parsed as shell text.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { parseDuration } from '../checks/duration.ts'
import { durationSchema } from '../checks/specs/common.ts'
import { formatPath } from '../checks/validate.ts'

/** The same pattern as `remediate[].command` in checks/specs/common.ts, so every listed name can be referred to. */
const COMMAND_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A command that runs longer than this by default is killed: a restart should not take minutes. */
const DEFAULT_TIMEOUT = '30s'

/**
 * Output kept from one run, stdout and stderr together: enough for systemctl's complaint
 * or a script's last lines; the timeline keeps less still.
 */
export const MAX_COMMAND_OUTPUT_BYTES = 4 * 1024

/** What the hub passes on from its own environment: enough to find and run programs, no secrets. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TZ'] as const

const commandSchema = z.strictObject({
  /** The program and its arguments, run without a shell; the program is looked up on PATH. */
  argv: z
    .array(z.string().min(1, { error: 'must not be empty' }))
    .min(1, { error: 'must name the program to run, e.g. ["systemctl", "restart", "api"]' }),
  /** Killed (with its process group) after this long. Default `30s`. */
  timeout: durationSchema.default(DEFAULT_TIMEOUT),
  /** Extra environment variables for the command. The hub's own environment is not passed on. */
  env: z
    .record(
      z.string().regex(ENV_NAME, { error: 'must be a variable name like API_URL' }),
      z.string(),
    )
    .default({}),
})

const fileSchema = z.strictObject({
  commands: z.record(
    z.string().regex(COMMAND_NAME, { error: 'must be a command name like "restart-api"' }),
    commandSchema,
  ),
})

/** One allow-listed command, ready to run. */
export interface RemediationCommand {
  argv: string[]
  timeoutMs: number
  env: Record<string, string>
}

/** A remediation file the hub cannot use; `errors` lists every problem with its path. */
export class RemediationConfigError extends Error {
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    super(`${file} has ${errors.length} error(s):\n${errors.map((e) => `  ${e}`).join('\n')}`)
    this.name = 'RemediationConfigError'
  }
}

function issueToError(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path)
  if (issue.code === 'unrecognized_keys') {
    return `${path}: unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
  }
  // A bad record key carries the key's own message one level down.
  if (issue.code === 'invalid_key') return `${path}: ${issue.issues[0]?.message ?? issue.message}`
  return `${path}: ${issue.message}`
}

/**
 * Validates the parsed content of a remediation file.
 * @throws RemediationConfigError listing every problem
 */
export function parseRemediationCommands(
  input: unknown,
  file = 'remediation file',
): Map<string, RemediationCommand> {
  const parsed = fileSchema.safeParse(input)
  if (!parsed.success) throw new RemediationConfigError(file, parsed.error.issues.map(issueToError))
  return new Map(
    Object.entries(parsed.data.commands).map(([name, command]) => [
      name,
      { argv: command.argv, timeoutMs: parseDuration(command.timeout), env: command.env },
    ]),
  )
}

/**
 * Reads and validates the allow-list file; the hub refuses to start when it throws.
 * @example const commands = loadRemediationCommands('/etc/vantage/remediation.json')
 * @throws RemediationConfigError for a missing, unreadable, non-JSON or invalid file
 */
export function loadRemediationCommands(path: string): Map<string, RemediationCommand> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new RemediationConfigError(path, [`cannot be read: ${(error as Error).message}`])
  }
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch (error) {
    throw new RemediationConfigError(path, [`is not valid JSON: ${(error as Error).message}`])
  }
  return parseRemediationCommands(input, path)
}

/** How one command run ended. */
export interface CommandRun {
  /** Null when the process was killed by a signal. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** stdout then stderr, at most MAX_COMMAND_OUTPUT_BYTES. */
  output: string
  /** True when the command outlived its timeout and was killed. */
  timedOut: boolean
  /** True when `signal` aborted it (hub shutdown). */
  aborted: boolean
}

/** Collects a stream into `chunks` up to the shared cap, draining the rest so the program never blocks. */
function collectInto(
  stream: NodeJS.ReadableStream | null,
  chunks: Buffer[],
  budget: { left: number },
) {
  stream?.on('data', (chunk: Buffer) => {
    if (budget.left <= 0) return
    chunks.push(chunk.subarray(0, budget.left))
    budget.left -= chunk.length
  })
}

/**
 * Runs an allow-listed command: argv without a shell, the given `env` on top of the
 * command's own, killed with its whole process group at its timeout or when `signal`
 * aborts. Rejects only when the program cannot be started (ENOENT, EACCES).
 *
 * @example
 * const run = await runRemediationCommand(command, { VANTAGE_CHECK_ID: 'api' }, shutdown.signal)
 */
export function runRemediationCommand(
  command: RemediationCommand,
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<CommandRun> {
  const inherited: Record<string, string> = {}
  for (const name of INHERITED_ENV) {
    const value = process.env[name]
    if (value !== undefined) inherited[name] = value
  }
  return new Promise((resolve, reject) => {
    const [program, ...args] = command.argv
    // detached: the child leads its own process group, which a timeout kills whole.
    const child = spawn(program!, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...inherited, ...command.env, ...env },
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    const budget = { left: MAX_COMMAND_OUTPUT_BYTES }
    collectInto(child.stdout, stdout, budget)
    collectInto(child.stderr, stderr, budget)
    const timeout = AbortSignal.timeout(command.timeoutMs)
    const stop = AbortSignal.any([signal, timeout])
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
      stop.removeEventListener('abort', kill)
      resolve({
        exitCode,
        signal: exitSignal,
        output: Buffer.concat([...stdout, ...stderr]).toString('utf8'),
        timedOut: killed && timeout.aborted && !signal.aborted,
        aborted: killed && signal.aborted,
      })
    }
    child.once('error', (error) => {
      stop.removeEventListener('abort', kill)
      reject(error)
    })
    child.once('spawn', () => {
      if (stop.aborted) kill()
      else stop.addEventListener('abort', kill, { once: true })
    })
    // After a kill, a grandchild that escaped the group could hold the pipes open, so
    // 'exit' is enough then; otherwise 'close' waits for the output to end.
    child.once('close', finish)
    child.once('exit', (code, exitSignal) => {
      if (!killed) return
      child.stdout?.destroy()
      child.stderr?.destroy()
      finish(code, exitSignal)
    })
  })
}
