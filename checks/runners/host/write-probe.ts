/**
 * The write probe of host.readOnly: create a file, write, fsync, delete. mountinfo only
 * shows a read-only flag; this catches what it cannot: EIO from a failing disk, ENOSPC,
 * and a filesystem that hangs (a dead NFS server, a stuck device).
 *
 * A hung write cannot be cancelled: it holds one of libuv's few threadpool threads
 * (4 by default, shared with DNS lookups) until the kernel returns. So a directory has at
 * most one probe in flight: checks that probe it at the same time (one check on every
 * disk, one on a single disk) wait for that probe and share its result, each within its
 * own timeout. Once a probe has outlasted a caller's timeout it counts as hung, and later
 * callers are told so at once instead of stacking another write on it.
 */
import { randomBytes } from 'node:crypto'
import { open, unlink } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { describeError, errnoOf } from './outcomes.ts'

export type WriteStep = 'create' | 'write' | 'fsync' | 'delete'

export type WriteProbeResult =
  | { ok: true; ms: number }
  | { ok: false; step: WriteStep; code: string; message: string }
  | { ok: false; hung: true; since: number; message: string }

type CycleResult = Exclude<WriteProbeResult, { hung: true }>

interface InFlight {
  /** When the probe started (epoch ms, from the caller's clock). */
  since: number
  /** Settles when the kernel returns; never rejects. */
  cycle: Promise<CycleResult>
  /** Set once the probe outlasted some caller's timeout: it hangs. */
  overdue: boolean
}

/** Directories whose probe has not returned yet. */
const inFlight = new Map<string, InFlight>()

const CONTENT = Buffer.from('vantage host.readOnly write probe\n')

/** Creates, writes, fsyncs and deletes one file; rejects with the step that failed. */
async function writeCycle(dir: string): Promise<void> {
  const file = join(dir, `.vantage-write-probe-${process.pid}-${randomBytes(4).toString('hex')}`)
  let step: WriteStep = 'create'
  try {
    // wx: never touch an existing file, whatever its name.
    const handle = await open(file, 'wx', 0o600)
    try {
      step = 'write'
      await handle.write(CONTENT)
      step = 'fsync'
      await handle.sync()
    } finally {
      await handle.close().catch(() => undefined)
    }
    step = 'delete'
    await unlink(file)
  } catch (error) {
    if (step !== 'create' && step !== 'delete') await unlink(file).catch(() => undefined)
    throw Object.assign(new Error(describeError(error)), { step, code: errnoOf(error) })
  }
}

async function timedCycle(dir: string): Promise<CycleResult> {
  const started = performance.now()
  try {
    await writeCycle(dir)
    return { ok: true, ms: Math.round((performance.now() - started) * 1_000) / 1_000 }
  } catch (error) {
    const { step, code } = error as { step: WriteStep; code?: string }
    return { ok: false, step, code: code ?? 'EUNKNOWN', message: (error as Error).message }
  }
}

/**
 * Probes `dir`, giving up after `timeoutMs`. `now` stamps when a hang started. A probe
 * already running there is joined rather than repeated (see the header).
 * @example await probeWrite('/var/lib/app', 5_000) // { ok: true, ms: 0.8 }
 */
export async function probeWrite(
  dir: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<WriteProbeResult> {
  const key = resolve(dir)
  let probe = inFlight.get(key)
  if (probe?.overdue) {
    return {
      ok: false,
      hung: true,
      since: probe.since,
      message: 'the previous write probe has not returned',
    }
  }
  if (!probe) {
    const started: InFlight = {
      since: now(),
      cycle: timedCycle(key).finally(() => inFlight.delete(key)),
      overdue: false,
    }
    inFlight.set(key, started)
    probe = started
  }
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([probe.cycle, timedOut])
    if (outcome !== 'timeout') return outcome
    // The cycle keeps running in the background and leaves `inFlight` when it returns.
    probe.overdue = true
    return { ok: false, hung: true, since: probe.since, message: `no answer within ${timeoutMs}ms` }
  } finally {
    clearTimeout(timer)
  }
}
