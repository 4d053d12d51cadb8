/**
 * host.process: counts the processes whose name (`/proc/PID/comm`, as `ps -e` shows it)
 * equals `name` and/or whose command line matches `match`, and checks min and max.
 * Zombies do not count: they have exited and only wait for their parent.
 */
import { readdir, readFile } from 'node:fs/promises'
import { ERROR_CODES } from '../../result.ts'
import type { HostProcessSpec } from '../../spec.ts'
import type { Runner } from '../types.ts'
import { errnoOf, procUnavailable } from './outcomes.ts'

export interface ProcessInfo {
  pid: number
  /** The kernel's name for the process, at most 15 characters. */
  comm: string
  /** Arguments joined by spaces; empty for kernel threads. */
  cmdline: string
}

/** PIDs shown in an assertion, enough to find the processes without flooding the result. */
const PIDS_SHOWN = 5

/** Reads one process; undefined when it is gone or a zombie. */
async function readProcess(proc: string, pid: number, withCmdline: boolean) {
  try {
    // stat has the name and the state; the name sits in parentheses and may contain
    // spaces or ")" itself, so the state is found after the last ")".
    const stat = await readFile(`${proc}/${pid}/stat`, 'utf8')
    const open = stat.indexOf('(')
    const close = stat.lastIndexOf(')')
    const state = stat.slice(close + 2, close + 3)
    if (state === 'Z' || state === 'X') return undefined
    const cmdline = withCmdline
      ? (await readFile(`${proc}/${pid}/cmdline`, 'utf8')).replace(/\0+$/, '').replaceAll('\0', ' ')
      : ''
    return { pid, comm: stat.slice(open + 1, close), cmdline }
  } catch {
    // The process exited while we looked: it is not running.
    return undefined
  }
}

/** Every live process, from `/proc`. Command lines are read only when asked for. */
export async function listProcesses(withCmdline: boolean, proc = '/proc'): Promise<ProcessInfo[]> {
  const pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name)).map(Number)
  const found = await Promise.all(pids.map((pid) => readProcess(proc, pid, withCmdline)))
  return found.filter((info): info is ProcessInfo => info !== undefined)
}

function matcherFor(spec: HostProcessSpec): (info: ProcessInfo) => boolean {
  const pattern = spec.match === undefined ? undefined : new RegExp(spec.match)
  return (info) =>
    (spec.name === undefined || info.comm === spec.name) &&
    (pattern === undefined || pattern.test(info.cmdline))
}

function describe(spec: HostProcessSpec): string {
  const parts: string[] = []
  if (spec.name !== undefined) parts.push(`named ${spec.name}`)
  if (spec.match !== undefined) parts.push(`matching /${spec.match}/`)
  return parts.join(' and ')
}

/** Counts matching processes. Metric: count. */
export const run: Runner<'host.process'> = async (spec) => {
  let processes: ProcessInfo[]
  try {
    processes = await listProcesses(spec.match !== undefined)
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return procUnavailable('host.process')
    throw error
  }
  const matching = processes.filter(matcherFor(spec))
  const count = matching.length
  const ok = count >= spec.min && (spec.max === undefined || count <= spec.max)
  const expected = spec.max === undefined ? `>= ${spec.min}` : `${spec.min}..${spec.max}`
  const pids = matching.slice(0, PIDS_SHOWN).map((info) => info.pid)
  const more = count > PIDS_SHOWN ? ', ...' : ''
  const actual = count === 0 ? '0' : `${count} (pid ${pids.join(', ')}${more})`
  const assertion = { name: `processes ${describe(spec)}`, ok, expected, actual }
  if (ok) return { status: 'up', assertions: [assertion], metrics: { count } }
  return {
    status: 'down',
    error: {
      code: ERROR_CODES.HOST_PROCESS_COUNT,
      message: `${count} process(es) ${describe(spec)}, expected ${expected}`,
    },
    assertions: [assertion],
    metrics: { count },
  }
}
