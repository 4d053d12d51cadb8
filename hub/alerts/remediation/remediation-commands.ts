/**
 * The hub's remediation allow-list: the only commands auto-remediation may
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
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { parseDuration } from '../../../checks/duration.ts'
import { runProgram } from '../../../lib/run-program.ts'
import { COMMAND_NAME, durationSchema } from '../../../checks/specs/common.ts'
import { issuesToErrors } from '../../../checks/issue-text.ts'

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

/**
 * Validates the parsed content of a remediation file.
 * @throws RemediationConfigError listing every problem
 */
export function parseRemediationCommands(
  input: unknown,
  file = 'remediation file',
): Map<string, RemediationCommand> {
  const parsed = fileSchema.safeParse(input)
  if (!parsed.success)
    throw new RemediationConfigError(file, issuesToErrors(parsed.error.issues, input))
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

/**
 * Runs an allow-listed command: argv without a shell, the given `env` on top of the
 * command's own, killed with its whole process group at its timeout or when `signal`
 * aborts. Rejects only when the program cannot be started (ENOENT, EACCES).
 *
 * @example
 * const run = await runRemediationCommand(command, { VANTAGE_CHECK_ID: 'api' }, shutdown.signal)
 */
export async function runRemediationCommand(
  command: RemediationCommand,
  env: Record<string, string>,
  signal: AbortSignal,
): Promise<CommandRun> {
  const inherited: Record<string, string> = {}
  for (const name of INHERITED_ENV) {
    const value = process.env[name]
    if (value !== undefined) inherited[name] = value
  }
  const timeout = AbortSignal.timeout(command.timeoutMs)
  const run = await runProgram(command.argv, AbortSignal.any([signal, timeout]), {
    env: { ...inherited, ...command.env, ...env },
    maxOutputBytes: MAX_COMMAND_OUTPUT_BYTES,
  })
  const output = Buffer.from(run.stdout + run.stderr).subarray(0, MAX_COMMAND_OUTPUT_BYTES)
  return {
    exitCode: run.exitCode,
    signal: run.signal,
    output: output.toString('utf8'),
    timedOut: run.killed && timeout.aborted && !signal.aborted,
    aborted: run.killed && signal.aborted,
  }
}
