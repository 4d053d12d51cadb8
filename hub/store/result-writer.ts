/**
 * The main thread's side of the store's worker threads (result-worker.ts): hands each
 * batch to the writer and resolves once it is committed, with which of its results
 * were new. SQLite writes of results, their folds and WAL checkpoints all happen off
 * the event loop; the main thread only reads.
 *
 * A writer that dies (it should not) fails the batches it held: they are not acked, so
 * their probes send them again, and the next batch starts a new writer, which folds
 * what the old one journaled.
 *
 * @example
 * const writer = await ResultWriter.start({ file: 'data/hub.db', logger })
 * const fresh = await writer.write(payload, [0, 1, 3], flags) // 1 per new result
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from '../../lib/logger.ts'
import { CHECKPOINTER_SOURCE } from './checkpointer-source.ts'
import {
  emptyWriterStats,
  type FromWorker,
  type ToWorker,
  type WorkerSettings,
  type WriterStats,
} from './result-writer-protocol.ts'

export type { WriterStats } from './result-writer-protocol.ts'

export interface ResultWriterOptions {
  file: string
  logger?: Logger
  /**
   * Least time between commits while batches keep coming (default 25 ms): the first
   * batch after a quiet spell commits at once, the ones behind it share a commit.
   */
  commitGapMs?: number
  /** Most rows per commit (default 5,000). */
  commitRows?: number
  /** Fold the journal this often (default 5 s)... */
  foldMs?: number
  /** ...or once it holds this many results (default 50,000). */
  foldRows?: number
  /** Results per fold transaction (default 50,000). */
  foldChunk?: number
  /** PASSIVE checkpoint period (default 10 s). */
  checkpointMs?: number
}

/** The worker entry: compiled JavaScript beside this file, or TypeScript through tsx. */
function entryOf(): { entry: string; tsx: string | null } {
  const compiled = new URL('./result-worker.js', import.meta.url)
  if (existsSync(fileURLToPath(compiled))) return { entry: compiled.href, tsx: null }
  const api = createRequire(import.meta.url).resolve('tsx/esm/api')
  const esm = api.replace(/\.cjs$/, '.mjs')
  return {
    entry: new URL('./result-worker.ts', import.meta.url).href,
    tsx: pathToFileURL(existsSync(esm) ? esm : api).href,
  }
}

/** A worker does not inherit the loader its parent registered, so it registers tsx itself. */
const BOOT = `
const { workerData } = require('node:worker_threads')
;(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register()
  await import(workerData.entry)
})().catch((error) => { throw error })
`

/** Least time between two starts of a writer that stopped. */
const RESTART_EVERY_MS = 5_000

class StoreThread {
  readonly #worker: Worker
  readonly #replies = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >()
  #nextId = 1
  readonly ready: Promise<void>
  alive = true

  constructor(
    settings: WorkerSettings,
    onMessage: (message: FromWorker) => void,
    onExit: (error: Error) => void,
  ) {
    const { entry, tsx } = entryOf()
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3')
    const source = settings.role === 'checkpointer' ? CHECKPOINTER_SOURCE : BOOT
    this.#worker = new Worker(source, {
      eval: true,
      workerData: { ...settings, entry, tsx, sqlite },
    })
    this.ready = new Promise((resolve, reject) => {
      this.#worker.on('message', (message: FromWorker) => {
        if (message.t === 'ready') resolve()
        else if (message.t === 'fatal') reject(new Error(message.error))
        else if (message.t === 'reply') {
          this.#replies.get(message.id)?.resolve(message.value)
          this.#replies.delete(message.id)
        } else onMessage(message)
      })
      this.#worker.once('error', reject)
    })
    this.#worker.once('error', (error) => this.#exited(error, onExit))
    this.#worker.once('exit', (code) =>
      this.#exited(new Error(`store worker exited (${code})`), onExit),
    )
  }

  #exited(error: Error, onExit: (error: Error) => void): void {
    if (!this.alive) return
    this.alive = false
    for (const { reject } of this.#replies.values()) reject(error)
    this.#replies.clear()
    onExit(error)
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer)
  }

  ask<T>(t: 'flush' | 'stats' | 'close'): Promise<T> {
    if (!this.alive) return Promise.reject(new Error('the store worker is not running'))
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      this.#replies.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.post({ t, id })
    })
  }

  async terminate(): Promise<void> {
    this.alive = false
    await this.#worker.terminate()
  }
}

interface Waiting {
  resolve: (fresh: Uint8Array) => void
  reject: (error: Error) => void
}

export class ResultWriter {
  readonly #settings: Omit<WorkerSettings, 'role'>
  readonly #logger: Logger | undefined
  #writer!: StoreThread
  #checkpointer!: StoreThread
  readonly #waiting = new Map<number, Waiting>()
  #nextId = 1
  #closed = false
  #latestStats: WriterStats = emptyWriterStats()
  #namesStored: (code: number) => void = () => {}
  #restartedAt = 0
  #statsTimer: NodeJS.Timeout | undefined

  private constructor(options: ResultWriterOptions) {
    this.#logger = options.logger
    this.#settings = {
      file: options.file,
      commitGapMs: options.commitGapMs ?? 50,
      commitRows: options.commitRows ?? 5_000,
      foldMs: options.foldMs ?? 5_000,
      foldRows: options.foldRows ?? 50_000,
      foldChunk: options.foldChunk ?? 50_000,
      checkpointMs: options.checkpointMs ?? 10_000,
    }
  }

  /** Starts the writer (after it folded what a previous run left) and the checkpointer. */
  static async start(options: ResultWriterOptions): Promise<ResultWriter> {
    const writer = new ResultWriter(options)
    writer.#writer = writer.#startWriter()
    writer.#checkpointer = writer.#startCheckpointer()
    await Promise.all([writer.#writer.ready, writer.#checkpointer.ready])
    writer.#statsTimer = setInterval(() => {
      // No connection checkpoints but this thread's: one that stopped starts again.
      if (!writer.#checkpointer.alive && !writer.#closed) {
        writer.#checkpointer = writer.#startCheckpointer()
      }
      void writer.stats().then((stats) => (writer.#latestStats = stats))
    }, 1_000)
    writer.#statsTimer.unref()
    return writer
  }

  #startCheckpointer(): StoreThread {
    const thread = new StoreThread(
      { ...this.#settings, role: 'checkpointer' },
      (message) => this.#onMessage(message),
      (error) => {
        if (!this.#closed)
          this.#logger?.error({ err: error.message }, 'the WAL checkpointer stopped')
      },
    )
    thread.ready.catch(() => undefined)
    return thread
  }

  #startWriter(): StoreThread {
    return new StoreThread(
      { ...this.#settings, role: 'writer' },
      (message) => this.#onMessage(message),
      (error) => {
        // Not acked, so their probes send them again.
        for (const [id, waiting] of this.#waiting) {
          waiting.reject(new Error(`the result writer stopped: ${error.message}`))
          this.#waiting.delete(id)
        }
        if (!this.#closed) this.#logger?.error({ err: error.message }, 'the result writer stopped')
      },
    )
  }

  /**
   * Stores encoded results (result-rows.ts encodeBatch; the buffer is handed over) with
   * the names they use that may not be stored yet. Resolves after the commit with 1 per
   * new result, 0 per one stored before.
   */
  async write(entries: Uint8Array, names: Array<[number, string]>): Promise<Uint8Array> {
    if (this.#closed) throw new Error('the result writer is closed')
    if (!this.#writer.alive) {
      // A writer that keeps failing to start is tried again every few seconds, not per batch.
      if (Date.now() - this.#restartedAt < RESTART_EVERY_MS) {
        throw new Error('the result writer stopped; starting it again shortly')
      }
      this.#restartedAt = Date.now()
      this.#writer = this.#startWriter()
      await this.#writer.ready
    }
    const id = this.#nextId++
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject })
      this.#writer.post({ t: 'write', id, entries, names }, [entries.buffer as ArrayBuffer])
    })
  }

  /** Hears the highest name code each commit stored. */
  onNamesStored(listener: (code: number) => void): void {
    this.#namesStored = listener
  }

  /** Commits what is waiting and folds the whole journal: for tests and before a backup. */
  async flush(): Promise<void> {
    await this.#writer.ask('flush')
    await this.#checkpointer.ask('flush')
  }

  /** The figures of `stats` as of the last second, for a synchronous health check. */
  lastStats(): WriterStats {
    return this.#latestStats
  }

  async stats(): Promise<WriterStats> {
    const [writer, checkpointer] = await Promise.all([
      this.#writer.ask<WriterStats>('stats').catch(() => null),
      this.#checkpointer.ask<Partial<WriterStats>>('stats').catch(() => null),
    ])
    return { ...(writer ?? emptyWriterStats()), ...(checkpointer ?? {}) }
  }

  /** Commits and folds what it holds, checkpoints the WAL and stops both threads. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#statsTimer)
    await this.#writer.ask('close').catch(() => undefined)
    await this.#checkpointer.ask('close').catch(() => undefined)
    await Promise.all([this.#writer.terminate(), this.#checkpointer.terminate()])
  }

  /** Stops both threads at once, committing and folding nothing: what a crash does (tests). */
  async terminate(): Promise<void> {
    this.#closed = true
    clearInterval(this.#statsTimer)
    await Promise.all([this.#writer.terminate(), this.#checkpointer.terminate()])
  }

  #onMessage(message: FromWorker): void {
    if (message.t === 'stored') {
      if (message.names > 0) this.#namesStored(message.names)
      for (const { id, fresh } of message.batches) {
        this.#waiting.get(id)?.resolve(fresh)
        this.#waiting.delete(id)
      }
    } else if (message.t === 'failed') {
      for (const id of message.ids) {
        this.#waiting.get(id)?.reject(new Error(message.error))
        this.#waiting.delete(id)
      }
    } else if (message.t === 'log') {
      this.#logger?.[message.level]({ err: message.error }, message.message)
    }
  }
}
