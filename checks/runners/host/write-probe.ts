/**
 * The write probe of host.readOnly: create a file, write, fsync, delete. mountinfo only
 * shows a read-only flag; this catches what it cannot: EIO from a failing disk, ENOSPC,
 * and a filesystem that hangs (a dead NFS server, a stuck device).
 *
 * A hung write cannot be cancelled: it holds one of libuv's few threadpool threads
 * (4 by default, shared with DNS lookups) until the kernel returns. So a directory whose
 * last probe has not returned is not probed again; its result says it is still hanging.
 */
import { randomBytes } from 'node:crypto'
import { open, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { describeError, errnoOf } from './outcomes.ts'

export type WriteStep = 'create' | 'write' | 'fsync' | 'delete'

export type WriteProbeResult =
  | { ok: true; ms: number }
  | { ok: false; step: WriteStep; code: string; message: string }
  | { ok: false; hung: true; since: number; message: string }

/** Directories whose probe has not returned yet, with when it started (epoch ms). */
const pending = new Map<string, number>()

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

/**
 * Probes `dir`, giving up after `timeoutMs`. `now` stamps when a hang started.
 * @example await probeWrite('/var/lib/app', 5_000) // { ok: true, ms: 0.8 }
 */
export async function probeWrite(
  dir: string,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<WriteProbeResult> {
  const since = pending.get(dir)
  if (since !== undefined) {
    return { ok: false, hung: true, since, message: 'the previous write probe has not returned' }
  }
  pending.set(dir, now())
  const started = performance.now()
  const cycle = writeCycle(dir).finally(() => pending.delete(dir))
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([cycle.then(() => 'done' as const), timedOut])
    if (outcome === 'timeout') {
      // The cycle keeps running in the background and clears `pending` when it returns.
      cycle.catch(() => undefined)
      return {
        ok: false,
        hung: true,
        since: pending.get(dir) ?? now(),
        message: `no answer within ${timeoutMs}ms`,
      }
    }
    return { ok: true, ms: Math.round((performance.now() - started) * 1_000) / 1_000 }
  } catch (error) {
    const { step, code } = error as { step: WriteStep; code?: string }
    return { ok: false, step, code: code ?? 'EUNKNOWN', message: (error as Error).message }
  } finally {
    clearTimeout(timer)
  }
}
