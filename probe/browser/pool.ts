/**
 * The probe's browser engine (checks/browser/engine.ts): one warm Chromium
 * (browser-host.ts), a fresh BrowserContext per attempt, scripts in worker threads
 * (run-worker.ts) that each drive the browser over a DevTools connection of their own,
 * at most `concurrency` attempts at once.
 *
 * - The browser is replaced after `recycleAfterRuns` attempts, when its process tree
 *   grows past `maxBrowserMemoryBytes` (PSS), and after it crashed; a replacement waits for the
 *   attempts still running on the old one.
 * - An attempt ends at its timeout in its worker, with a screenshot. A worker that does
 *   not answer by then (a busy loop) is ended at the timeout plus HARD_MARGIN_MS, after
 *   a screenshot of its page through DevTools, and replaced.
 * - A browser that dies during an attempt makes it inconclusive BROWSER_CRASH, never
 *   up or down; one that cannot start makes attempts CAPABILITY_MISSING.
 * - A failed run's trace re-run (traceRerun) is an attempt like the others, in a slot,
 *   after the run's result; at most one per check at a time, ended when the pool stops.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { totalmem } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import {
  RERUN_TRACE_FILE,
  type BrowserAttemptOutcome,
  type BrowserAttemptRequest,
  type BrowserEngine,
  type BrowserRunSpec,
  type RunVerdict,
} from '../../checks/browser/engine.ts'
import type { ArtifactFile } from '../../checks/browser/browser-result.ts'
import { parseDuration } from '../../checks/duration.ts'
import { ERROR_CODES } from '../../checks/result.ts'
import type { Logger } from '../../lib/logger.ts'
import { BrowserHost } from './browser-host.ts'
import { chromiumArgs, type ChromiumLocation } from './find-chromium.ts'
import { treePssBytes } from './proc-tree.ts'
import { Slots } from './slots.ts'
import type { FromRunWorker, RunWorkerData } from './worker-protocol.ts'
import { inconclusive, runOnWorker, type RunWorker } from './worker-run.ts'

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url)
const GIB = 1_024 ** 3
/**
 * The browser's memory is read after every this many attempts: a browser grows by a few
 * MiB a run at most, so it overshoots its bound by little, and the read is not cheap.
 */
const MEMORY_CHECK_EVERY_RUNS = 10

/** Attempts at once by default: one per 1.5 GiB of memory, 1 to 8. */
export function defaultConcurrency(memoryBytes = totalmem()): number {
  return Math.max(1, Math.min(8, Math.floor(memoryBytes / (1.5 * GIB))))
}

/** Where kept artifacts go: the probe's spool, or `vantage test --artifacts DIR`. */
export interface ArtifactSink {
  /** Moves a run's folder out of staging; returns the files kept (within its caps). */
  keep(run: KeptRun): ArtifactFile[]
}

export interface KeptRun {
  resultId: string
  checkId: string
  /** The run's staging folder, which the sink takes over. */
  dir: string
  files: ArtifactFile[]
  verdict: RunVerdict
}

export interface BrowserPoolOptions {
  chromium: ChromiumLocation
  /** Staging folder for runs' artifacts until they are settled. */
  workDir: string
  sink: ArtifactSink
  concurrency?: number
  /** Default 200. */
  recycleAfterRuns?: number
  /** The browser's process tree's PSS past which it is replaced. Default 1 GiB. */
  maxBrowserMemoryBytes?: number
  logger: Logger
  /** Extra Chromium flags (tests). */
  extraArgs?: string[]
}

interface RunState {
  checkId: string
  files: ArtifactFile[]
}

export class BrowserPool implements BrowserEngine {
  readonly concurrency: number
  /** In the environment of every process of this pool's browsers (BROWSER_TAG_VARIABLE). */
  readonly tag = `vantage-${process.pid}-${randomUUID().slice(0, 8)}`
  readonly #slots: Slots
  readonly #idle: RunWorker[] = []
  readonly #workers = new Set<RunWorker>()
  readonly #runs = new Map<string, RunState>()
  /** Trace re-runs going on, by check id. */
  readonly #reruns = new Map<string, { controller: AbortController; done: Promise<void> }>()
  #host: BrowserHost | undefined
  #launching: Promise<BrowserHost> | undefined
  #inFlight = new Map<BrowserHost, number>()
  #stopped = false
  #attempts = 0
  #crashes = 0
  #launches = 0

  constructor(private readonly options: BrowserPoolOptions) {
    this.concurrency = options.concurrency ?? defaultConcurrency()
    this.#slots = new Slots(this.concurrency)
    mkdirSync(options.workDir, { recursive: true })
  }

  /** Launches the browser now (the probe's capability check); throws when it cannot. */
  async start(): Promise<void> {
    await this.#browser()
    this.#idle.push(await this.#spawnWorker())
  }

  stats() {
    return {
      attempts: this.#attempts,
      crashes: this.#crashes,
      launches: this.#launches,
      browserPid: this.#host?.alive() ? this.#host.pid : undefined,
      workers: this.#workers.size,
    }
  }

  /** The live browser, launched or replaced as needed. */
  async #browser(): Promise<BrowserHost> {
    const current = this.#host
    // /proc first: a browser killed a moment ago is gone before its host hears of it.
    if (current?.processAlive() && !current.retiring) return current
    this.#launching ??= this.#replace(current).finally(() => (this.#launching = undefined))
    return this.#launching
  }

  async #replace(old: BrowserHost | undefined): Promise<BrowserHost> {
    if (old) {
      // Attempts still running on the old browser finish there first.
      while ((this.#inFlight.get(old) ?? 0) > 0 && old.processAlive()) {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      if (old.retiring && old.alive()) {
        this.options.logger.info(
          { generation: old.generation, why: old.retiring },
          'recycling the browser',
        )
      }
      await old.close()
    }
    if (this.#stopped) throw new Error('the browser pool is stopped')
    const args = [...chromiumArgs(), ...(this.options.extraArgs ?? [])]
    const host = await BrowserHost.launch(
      this.options.chromium.path,
      args,
      this.tag,
      this.options.logger,
    )
    this.#launches += 1
    this.#host = host
    host.onExit((reason) => {
      if (!this.#stopped && !host.retiring) {
        this.options.logger.warn({ generation: host.generation, reason }, 'the browser went away')
      }
    })
    return host
  }

  async #spawnWorker(): Promise<RunWorker> {
    const data: RunWorkerData = {
      module: 'run',
      playwrightDir: join(this.options.workDir, `.playwright-${randomUUID().slice(0, 8)}`),
    }
    const worker = new Worker(WORKER_ENTRY, { workerData: data })
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromRunWorker) => {
        if (message.type !== 'ready') return
        worker.off('message', onMessage)
        worker.off('error', reject)
        resolve()
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
    })
    const entry: RunWorker = { worker, busy: undefined }
    this.#workers.add(entry)
    worker.once('exit', () => {
      rmSync(data.playwrightDir, { recursive: true, force: true })
      this.#workers.delete(entry)
      const index = this.#idle.indexOf(entry)
      if (index >= 0) this.#idle.splice(index, 1)
    })
    return entry
  }

  async attempt(request: BrowserAttemptRequest): Promise<BrowserAttemptOutcome> {
    const { spec, resultId } = request
    const timeoutMs = parseDuration(spec.timeout)
    const run = this.#runs.get(resultId) ?? { checkId: spec.id, files: [] }
    this.#runs.set(resultId, run)
    const slot = await this.#slots.acquire(timeoutMs, request.signal)
    if (!slot) {
      return inconclusive(
        ERROR_CODES.BROWSER_BUSY,
        `all ${this.concurrency} browser slot(s) of this probe stayed busy for ${spec.timeout}; raise --browser-concurrency or move checks to other probes`,
      )
    }
    try {
      let host: BrowserHost
      try {
        host = await this.#browser()
      } catch (error) {
        return inconclusive(
          ERROR_CODES.CAPABILITY_MISSING,
          `the probe's browser could not start: ${(error as Error).message}`,
        )
      }
      const worker = this.#idle.pop() ?? (await this.#spawnWorker())
      this.#inFlight.set(host, (this.#inFlight.get(host) ?? 0) + 1)
      host.runs += 1
      this.#attempts += 1
      try {
        const result = await runOnWorker({
          host,
          entry: worker,
          request,
          timeoutMs,
          dir: join(this.options.workDir, request.resultId),
          idle: (entry) => this.#idle.push(entry),
          crashed: () => (this.#crashes += 1),
        })
        run.files.push(...result.files)
        const { files: _files, ...outcome } = result
        return outcome
      } finally {
        this.#inFlight.set(host, (this.#inFlight.get(host) ?? 1) - 1)
        this.#checkRecycle(host)
      }
    } finally {
      slot.release()
    }
  }

  #checkRecycle(host: BrowserHost): void {
    if (!host.alive() || host.retiring) return
    const maxRuns = this.options.recycleAfterRuns ?? 200
    if (host.runs >= maxRuns) {
      host.retiring = `${host.runs} runs`
      return
    }
    // PSS, not a sum of RSS: Chromium's processes share most of their pages, and RSS
    // counts a shared page once per process. With two contexts open the RSS sum passed
    // 1 GiB while the tree used far less, and the browser was relaunched every few runs.
    // Reading a dozen smaps_rollup files costs about 20 ms of this thread (measured on a
    // 2-core VM), a twentieth of a one-page run: so only every few attempts.
    if (host.runs % MEMORY_CHECK_EVERY_RUNS !== 0) return
    const used = treePssBytes(host.pid)
    const maxUsed = this.options.maxBrowserMemoryBytes ?? GIB
    if (used > maxUsed) host.retiring = `its processes use ${Math.round(used / 1_048_576)} MiB`
  }

  async settle(resultId: string, verdict: RunVerdict): Promise<ArtifactFile[]> {
    const run = this.#runs.get(resultId)
    this.#runs.delete(resultId)
    const dir = join(this.options.workDir, resultId)
    if (!run || !verdict.keep || run.files.length === 0) {
      rmSync(dir, { recursive: true, force: true })
      return []
    }
    return this.options.sink.keep({
      resultId,
      checkId: run.checkId,
      dir,
      files: run.files,
      verdict,
    })
  }

  traceRerun(run: { spec: BrowserRunSpec; resultId: string; verdict: RunVerdict }): void {
    if (this.#stopped || this.#reruns.has(run.spec.id)) return
    const controller = new AbortController()
    const done = this.#rerun(run, controller.signal)
      .catch((error: unknown) =>
        this.options.logger.warn(
          { checkId: run.spec.id, resultId: run.resultId, err: (error as Error).message },
          "a failed run's trace re-run failed",
        ),
      )
      .finally(() => this.#reruns.delete(run.spec.id))
    this.#reruns.set(run.spec.id, { controller, done })
  }

  async #rerun(
    run: { spec: BrowserRunSpec; resultId: string; verdict: RunVerdict },
    signal: AbortSignal,
  ): Promise<void> {
    const key = `${run.resultId}-rerun`
    // Kept whatever its outcome: its trace is evidence for the run before it.
    const spec = { ...run.spec, artifacts: { ...run.spec.artifacts, when: 'always' as const } }
    const outcome = await this.attempt({ spec, resultId: key, attempt: 1, trace: true, signal })
    const files = this.#runs.get(key)?.files ?? []
    this.#runs.delete(key)
    const recorded = files.find((file) => file.type === 'trace')
    const dir = join(this.options.workDir, key)
    if (!recorded || signal.aborted) {
      rmSync(dir, { recursive: true, force: true })
      return
    }
    for (const file of files) {
      if (file !== recorded) rmSync(join(dir, file.name), { force: true })
    }
    renameSync(join(dir, recorded.name), join(dir, RERUN_TRACE_FILE))
    this.options.logger.info(
      { checkId: run.spec.id, resultId: run.resultId, rerun: outcome.status },
      "recorded a failed run's trace on a re-run",
    )
    this.options.sink.keep({
      resultId: run.resultId,
      checkId: run.spec.id,
      dir,
      files: [{ ...recorded, name: RERUN_TRACE_FILE }],
      verdict: run.verdict,
    })
  }

  /** Resolves once no trace re-run is going on (tests, and a caller about to stop). */
  async drain(): Promise<void> {
    while (this.#reruns.size > 0) {
      await Promise.all([...this.#reruns.values()].map((rerun) => rerun.done))
    }
  }

  /** Ends every worker and the browser; attempts still running end as they can. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const rerun of this.#reruns.values()) rerun.controller.abort()
    await Promise.all([...this.#reruns.values()].map((rerun) => rerun.done))
    await Promise.all([...this.#workers].map((entry) => entry.worker.terminate()))
    const host = this.#host
    if (host) {
      host.retiring = 'the probe is stopping'
      await host.close()
    }
  }
}
