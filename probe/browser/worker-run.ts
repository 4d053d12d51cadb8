/**
 * One attempt on one run worker, as the pool (pool.ts) runs it: the order goes to the
 * worker, its step and page messages are followed, and the attempt ends with the
 * worker's answer, or is abandoned: past the timeout plus HARD_MARGIN_MS (a script that
 * never yields), when the browser dies under it (BROWSER_CRASH after CRASH_GRACE_MS),
 * when the run is aborted, or when the script ends its worker. An abandoned attempt
 * still gets the last screenshot, through the browser's DevTools port, before its worker
 * is ended.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { BrowserAttemptRequest } from '../../checks/browser/engine.ts'
import type { ArtifactFile } from '../../checks/browser/browser-result.ts'
import { formatDuration } from '../../checks/duration.ts'
import { ERROR_CODES } from '../../checks/result.ts'
import { emptyReport, type AttemptResult } from './attempt.ts'
import type { BrowserHost } from './browser-host.ts'
import { screenshotTarget } from './screenshot.ts'
import type { FromRunWorker, RunOrder } from './worker-protocol.ts'

/** Past its timeout, an attempt's worker has this long to answer before it is ended. */
export const HARD_MARGIN_MS = 4_000
/** After its browser died, an attempt's worker has this long to say so itself. */
const CRASH_GRACE_MS = 2_000

export interface RunWorker {
  worker: Worker
  /** The attempt it runs now, by key. */
  busy: string | undefined
}

export interface WorkerRun {
  host: BrowserHost
  entry: RunWorker
  request: BrowserAttemptRequest
  timeoutMs: number
  /** The run's artifact folder. */
  dir: string
  /** Gives the worker back when it answered (it is ended otherwise). */
  idle: (entry: RunWorker) => void
  /** Counts a crash. */
  crashed: () => void
}

export function runOnWorker(run: WorkerRun): Promise<AttemptResult> {
  const { host, entry, request, timeoutMs, dir } = run
  const { spec, resultId, attempt } = request
  const key = `${resultId}/${attempt}`
  mkdirSync(dir, { recursive: true })
  const prefix = attempt > 1 ? `a${attempt}-` : ''
  entry.busy = key
  let step: string | undefined
  let lastTarget: string | undefined
  return new Promise<AttemptResult>((resolve) => {
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = (result: AttemptResult, workerOk: boolean) => {
      if (settled) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      offExit()
      entry.worker.off('message', onMessage)
      entry.worker.off('exit', onWorkerExit)
      request.signal.removeEventListener('abort', onAbort)
      entry.busy = undefined
      if (workerOk) run.idle(entry)
      else void entry.worker.terminate()
      resolve(result)
    }
    /** Ends an attempt whose worker does not answer: a screenshot first, then the worker. */
    const abandon = async (why: (shot: ArtifactFile[]) => AttemptResult) => {
      if (settled) return
      const files: ArtifactFile[] = []
      if (spec.artifacts.when !== 'never' && host.alive() && lastTarget) {
        const png = await screenshotTarget(host.devtoolsPort, lastTarget, 1_000)
        if (png && !settled) {
          const name = `${prefix}final.png`
          writeFileSync(join(dir, name), png)
          files.push({ name, type: 'screenshot', bytes: png.length })
        }
      }
      finish(why(files), false)
    }
    const onMessage = (message: FromRunWorker) => {
      if (!('key' in message) || message.key !== key) return
      if (message.type === 'step') step = message.name
      else if (message.type === 'page') lastTarget = message.targetId
      else if (message.type === 'done') {
        // The worker may answer before the host has heard its browser died.
        const dead = !host.processAlive()
        const result =
          !dead || message.result.status === 'inconclusive'
            ? message.result
            : crashed(message.result, host.exitReason())
        if (dead) run.crashed()
        finish(result, true)
      }
    }
    entry.worker.on('message', onMessage)
    // A worker thread ends only when it is told to, or when the script ends it.
    const onWorkerExit = () =>
      void abandon((files) => ({
        status: 'down',
        error: {
          code: ERROR_CODES.SCRIPT_ERROR,
          message: `the script ended its worker thread (process.exit?)${inStep(step)}`,
        },
        assertions: [],
        report: emptyReport(),
        files,
      }))
    entry.worker.once('exit', onWorkerExit)
    const offExit = host.onExit((reason) => {
      timers.push(
        setTimeout(() => {
          run.crashed()
          void abandon((files) => ({
            ...inconclusive(ERROR_CODES.BROWSER_CRASH, `${reason} during the run${inStep(step)}`),
            files,
          }))
        }, CRASH_GRACE_MS),
      )
    })
    const onAbort = () =>
      void abandon((files) => ({
        ...inconclusive(ERROR_CODES.TIMEOUT, `the run was stopped${inStep(step)}`),
        files,
      }))
    request.signal.addEventListener('abort', onAbort, { once: true })
    timers.push(
      setTimeout(() => {
        void abandon((files) => ({
          status: 'down',
          error: {
            code: ERROR_CODES.TIMEOUT,
            message: `the journey did not finish within ${formatDuration(timeoutMs)}${inStep(step)}, and its script did not stop when told (a loop that never awaits?): its worker was ended`,
          },
          assertions: [],
          report: {
            ...emptyReport(),
            steps: step ? [{ name: step.slice(0, 120), durationMs: 0, status: 'failed' }] : [],
          },
          files,
        }))
      }, timeoutMs + HARD_MARGIN_MS),
    )
    const order: RunOrder = {
      type: 'run',
      key,
      cdpEndpoint: host.cdpEndpoint,
      spec,
      attempt,
      trace: request.trace,
      timeoutMs,
      dir,
    }
    entry.worker.postMessage(order)
  })
}

const inStep = (step: string | undefined) => (step ? ` in step "${step}"` : '')

export function inconclusive(code: string, message: string): AttemptResult {
  return {
    status: 'inconclusive',
    error: { code, message },
    assertions: [],
    report: emptyReport(),
    files: [],
  }
}

/** A worker's answer about a run whose browser died under it: inconclusive, whatever it says. */
function crashed(result: AttemptResult, reason: string | undefined): AttemptResult {
  return {
    ...result,
    status: 'inconclusive',
    error: {
      code: ERROR_CODES.BROWSER_CRASH,
      message: `${reason ?? 'the browser exited'} during the run (the script saw: ${result.error?.message ?? 'nothing'})`,
    },
    assertions: [],
  }
}
