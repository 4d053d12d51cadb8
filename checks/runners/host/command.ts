/**
 * host.command: runs a Nagios-compatible plugin. Exit 0/1/2/3 is OK/WARNING/CRITICAL/
 * UNKNOWN, i.e. up/degraded/down/inconclusive; the first line of output is the message
 * and the performance data become metrics (times in ms, sizes in bytes). The program
 * runs directly from its argv; only `shell` goes through /bin/sh.
 */
import { ERROR_CODES, type CheckStatus } from '../../result.ts'
import { findOnPath } from '../find-on-path.ts'
import type { Runner, RunOutcome } from '../types.ts'
import { capabilityMissing, describeError } from './outcomes.ts'
import { normalize, parsePluginOutput } from './perfdata.ts'
import { runProgram, type ProgramRun } from '../../../lib/run-program.ts'

const PLUGIN_STATES: Record<number, { name: string; status: CheckStatus; code?: string }> = {
  0: { name: 'OK', status: 'up' },
  1: { name: 'WARNING', status: 'degraded', code: ERROR_CODES.HOST_COMMAND_WARNING },
  2: { name: 'CRITICAL', status: 'down', code: ERROR_CODES.HOST_COMMAND_CRITICAL },
  3: { name: 'UNKNOWN', status: 'inconclusive', code: ERROR_CODES.HOST_COMMAND_UNKNOWN },
}
/** What a POSIX shell exits with when it cannot find (127) or execute (126) the command. */
const SHELL_NOT_FOUND = 127
const SHELL_NOT_EXECUTABLE = 126

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? ''

function metricsOf(run: ProgramRun, perfdata: ReturnType<typeof parsePluginOutput>['perfdata']) {
  const metrics: Record<string, number> = {}
  for (const datum of perfdata) metrics[datum.label] = normalize(datum).value
  if (run.exitCode !== null) metrics.exitCode = run.exitCode
  return metrics
}

/** Runs the plugin once; see the file comment. Metrics: one per performance datum, and exitCode. */
export const run: Runner<'host.command'> = async (spec, ctx) => {
  const shown = spec.command ? spec.command[0]! : '/bin/sh'
  const program = await findOnPath(shown)
  if (!program) {
    return capabilityMissing(
      `${shown} is not an executable file on this probe (PATH=${process.env.PATH ?? ''}); install the plugin or fix the path`,
    )
  }
  const argv = spec.command ? [program, ...spec.command.slice(1)] : [program, '-c', spec.shell!]
  let result: ProgramRun
  try {
    result = await runProgram(argv, ctx.signal)
  } catch (error) {
    return capabilityMissing(`${shown} could not be started: ${describeError(error)}`)
  }

  const output = parsePluginOutput(result.stdout)
  const message = output.message || firstLine(result.stderr)
  const metrics = metricsOf(result, output.perfdata)
  if (result.killed) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.TIMEOUT,
        message: `${shown} was killed at the ${spec.timeout} timeout${message ? `: ${message}` : ''}`,
      },
      assertions: [],
      metrics,
    }
  }
  if (
    spec.shell &&
    (result.exitCode === SHELL_NOT_FOUND || result.exitCode === SHELL_NOT_EXECUTABLE)
  ) {
    return capabilityMissing(
      `the shell could not run the command (exit ${result.exitCode}): ${message || 'no output'}`,
    )
  }

  const state = result.exitCode === null ? undefined : PLUGIN_STATES[result.exitCode]
  if (!state) {
    const how =
      result.exitCode === null ? `was killed by ${result.signal}` : `exited ${result.exitCode}`
    return {
      status: 'inconclusive',
      error: {
        code: ERROR_CODES.HOST_COMMAND_FAILED,
        message: `${shown} ${how}, which is not a plugin status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)${message ? `: ${message}` : ''}`,
      },
      assertions: [],
      metrics,
    }
  }
  const actual = `${state.name} (exit ${result.exitCode})${message ? `: ${message}` : ''}`
  const outcome: RunOutcome = {
    status: state.status,
    assertions: [{ name: 'plugin', ok: result.exitCode === 0, expected: 'OK (exit 0)', actual }],
    metrics,
  }
  if (state.code) {
    outcome.error = { code: state.code, message: message || `${state.name} without a message` }
  }
  return outcome
}
