/**
 * One launch of the probe's Chromium (a "generation"): the host worker that launched
 * it (host-worker.ts), its DevTools endpoint for the run workers, its process id and
 * DevTools port, and how it ends. Closing waits for Chromium to exit and then kills its whole
 * process group, so that no helper process outlives it; a crash (the browser exits by
 * itself) is reported through `onExit`.
 */
import { Worker } from 'node:worker_threads'
import type { Logger } from '../../lib/logger.ts'
import { readProcess } from './proc-tree.ts'
import type { FromHost, HostWorkerData, ToHost } from './worker-protocol.ts'

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url)
/** Chromium takes about a second to start on a small VM; a loaded one may need far more. */
const LAUNCH_TIMEOUT_MS = 60_000
/** A graceful close that takes longer than this is finished with SIGKILL. */
const CLOSE_TIMEOUT_MS = 5_000

let nextGeneration = 1

export class BrowserHost {
  readonly generation = nextGeneration++
  /** Attempts started on this browser. */
  runs = 0
  /** Set when it should be replaced once its running attempts are over. */
  retiring: string | undefined
  #alive = true
  #exitReason: string | undefined
  readonly #exited: Promise<void>
  #markExited!: () => void
  readonly #listeners = new Set<(reason: string) => void>()

  private constructor(
    private readonly worker: Worker,
    readonly cdpEndpoint: string,
    readonly pid: number,
    readonly devtoolsPort: number,
    private readonly logger: Logger,
  ) {
    this.#exited = new Promise((resolve) => (this.#markExited = resolve))
    worker.on('message', (message: FromHost) => {
      if (message.type === 'closed') this.#exit('the browser exited')
    })
    worker.on('exit', () => this.#exit('the browser host stopped'))
    worker.on('error', (error) => this.#exit(`the browser host failed: ${error.message}`))
  }

  /** Launches Chromium; throws with the reason when it cannot start. */
  static async launch(
    executablePath: string,
    args: string[],
    tag: string,
    logger: Logger,
  ): Promise<BrowserHost> {
    const data: HostWorkerData = { module: 'host', executablePath, args, tag }
    const worker = new Worker(WORKER_ENTRY, { workerData: data })
    const ready = await new Promise<Extract<FromHost, { type: 'ready' }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Chromium did not start within ${LAUNCH_TIMEOUT_MS / 1_000}s`))
      }, LAUNCH_TIMEOUT_MS)
      const settle = (fn: () => void) => {
        clearTimeout(timer)
        worker.off('message', onMessage)
        worker.off('error', onError)
        fn()
      }
      const onMessage = (message: FromHost) => {
        if (message.type === 'ready') settle(() => resolve(message))
        else if (message.type === 'failed')
          settle(() => reject(new Error(`Chromium did not start: ${message.message}`)))
      }
      const onError = (error: Error) => settle(() => reject(error))
      worker.on('message', onMessage)
      worker.on('error', onError)
    }).catch(async (error: unknown) => {
      await worker.terminate()
      throw error
    })
    const host = new BrowserHost(worker, ready.cdpEndpoint, ready.pid, ready.devtoolsPort, logger)
    logger.info(
      { generation: host.generation, browserPid: host.pid, executablePath },
      'browser started',
    )
    return host
  }

  alive(): boolean {
    return this.#alive
  }

  /**
   * Whether Chromium's own process still runs, read from /proc: a browser killed a
   * moment ago is gone there before the host worker has heard of it.
   */
  processAlive(): boolean {
    if (!this.#alive) return false
    const info = readProcess(this.pid)
    return info !== undefined && info.state !== 'Z'
  }

  /** Why it is gone, once it is. */
  exitReason(): string | undefined {
    return this.#exitReason
  }

  /** Calls `listener` once when the browser goes, for whatever reason. */
  onExit(listener: (reason: string) => void): () => void {
    if (!this.#alive) {
      listener(this.#exitReason!)
      return () => undefined
    }
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #exit(reason: string): void {
    if (!this.#alive) return
    this.#alive = false
    this.#exitReason = reason
    this.killGroup()
    this.#markExited()
    for (const listener of this.#listeners) listener(reason)
    this.#listeners.clear()
  }

  /**
   * SIGKILLs Chromium's process group: the browser and every helper it started.
   * Playwright starts it as the leader of its own group, so this reaches nothing else.
   */
  killGroup(): void {
    if (this.pid <= 0) return
    const info = readProcess(this.pid)
    if (info && info.pgrp !== this.pid) {
      this.logger.warn(
        { browserPid: this.pid },
        'the browser is not its own process group; killing it alone',
      )
      try {
        process.kill(this.pid, 'SIGKILL')
      } catch {
        // Gone already.
      }
      return
    }
    try {
      process.kill(-this.pid, 'SIGKILL')
    } catch {
      // Gone already.
    }
  }

  /** Closes the browser and waits until it is gone; SIGKILL past CLOSE_TIMEOUT_MS. */
  async close(): Promise<void> {
    if (this.#alive) {
      const message: ToHost = { type: 'close' }
      this.worker.postMessage(message)
      const timer = setTimeout(() => this.#exit('closed (forced)'), CLOSE_TIMEOUT_MS)
      await this.#exited
      clearTimeout(timer)
    }
    this.killGroup()
    await this.worker.terminate()
  }
}
