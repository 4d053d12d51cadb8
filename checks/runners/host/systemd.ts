/**
 * host.systemd: a unit is active, as `systemctl is-active UNIT` says. A probe without
 * systemd (a container, a non-systemd distribution) says so instead of reporting the
 * unit down: inconclusive with CAPABILITY_MISSING.
 */
import { ERROR_CODES } from '../../result.ts'
import { findOnPath } from '../find-on-path.ts'
import type { Runner } from '../types.ts'
import { capabilityMissing, describeError } from './outcomes.ts'
import { runProgram, type ProgramRun } from '../../../lib/run-program.ts'

/** What systemctl prints when there is no systemd to ask (PID 1 is something else). */
const NO_SYSTEMD =
  /not been booted with systemd|systemd is not running|failed to connect to bus|host is down/i
/** Unit states `is-active` prints for a unit that is not running. */
const NOT_ACTIVE = new Set([
  ...['inactive', 'failed', 'activating', 'deactivating', 'maintenance', 'unknown'],
])

const firstLine = (text: string): string => text.trim().split('\n')[0]?.trim() ?? ''

/** Asks systemd for the unit's state. */
export const run: Runner<'host.systemd'> = async (spec, ctx) => {
  const systemctl = await findOnPath('systemctl')
  if (!systemctl) {
    return capabilityMissing('systemd is not available on this probe: no systemctl on PATH')
  }
  let result: ProgramRun
  try {
    result = await runProgram([systemctl, 'is-active', spec.unit], ctx.signal)
  } catch (error) {
    return capabilityMissing(`systemctl could not be started: ${describeError(error)}`)
  }
  if (result.killed) {
    return {
      status: 'down',
      error: {
        code: ERROR_CODES.TIMEOUT,
        message: `systemctl did not answer within ${spec.timeout}`,
      },
      assertions: [],
    }
  }
  const state = firstLine(result.stdout)
  const complaint = firstLine(result.stderr)
  if (NO_SYSTEMD.test(complaint)) {
    return capabilityMissing(
      `systemd is not running on this probe, so unit ${spec.unit} cannot be checked (systemctl: ${complaint})`,
    )
  }
  const assertion = {
    name: `unit ${spec.unit}`,
    ok: result.exitCode === 0,
    expected: 'active',
    actual: state || 'no answer',
  }
  if (result.exitCode === 0) return { status: 'up', assertions: [assertion] }
  if (NOT_ACTIVE.has(state)) {
    return {
      status: 'down',
      error: { code: ERROR_CODES.HOST_UNIT_INACTIVE, message: `unit ${spec.unit} is ${state}` },
      assertions: [assertion],
    }
  }
  return {
    status: 'inconclusive',
    error: {
      code: ERROR_CODES.HOST_COMMAND_FAILED,
      message: `systemctl is-active ${spec.unit} exited ${result.exitCode ?? result.signal}: ${complaint || state || 'no output'}`,
    },
    assertions: [assertion],
  }
}
