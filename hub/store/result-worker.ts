/**
 * The hub's SQLite writer, in a worker thread with its own connection (result-writer.ts
 * starts it, and the checkpointer, and speaks for them on the main thread).
 *
 * The writer takes batches of results that the main thread encoded (result-rows.ts
 * encodeBatch) and commits whatever is waiting in one transaction, a journal row per
 * batch: at once when it has been idle for a commit gap, else when the gap has passed
 * since its last commit, so one commit holds many MQTT batches under load. It answers
 * each batch with which of its results were new, only after the commit. Every foldMs,
 * or sooner once the journal holds foldRows results, it folds the journal, a group of
 * checks per transaction (result-rows.ts).
 *
 * No connection checkpoints on its own (wal_autocheckpoint is off): the checkpointer
 * thread does (checkpointer-source.ts), so the main thread never waits for one.
 */
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { RollupStore } from '../history/rollup-store.ts'
import { openDatabase, WRITER_CACHE_KIB, type Database } from './database.ts'
import { ResultNames } from './result-names.ts'
import { FOLD_GROUPS, ResultRows, type FoldPlan } from './result-rows.ts'
import { decodeCheckEntries, type CheckEntry } from './result-blocks.ts'
import {
  emptyWriterStats,
  type FromWorker,
  type ToWorker,
  type WorkerSettings,
  type WriterStats,
} from './result-writer-protocol.ts'

const settings = workerData as WorkerSettings
/** Between two groups of a fold: longer than a busy main-thread writer's first sleeps (1, 2 ms). */
const FOLD_PAUSE_MS = 4
const port = parentPort!
const post = (message: FromWorker) => port.postMessage(message)

/** This thread's bytes written through write(2) and friends: what SQLite wrote here. */
function bytesWritten(): number {
  try {
    return Number(/wchar:\s+(\d+)/.exec(readFileSync('/proc/thread-self/io', 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

function open(): Database {
  const db = openDatabase(settings.file, WRITER_CACHE_KIB)
  db.pragma('wal_autocheckpoint = 0')
  return db
}

interface Pending {
  id: number
  bytes: Uint8Array
  entries: CheckEntry[]
  names: Array<[number, string]>
  /** Commits on its own: it was in a commit that failed. */
  alone?: boolean
}

function startWriter(): void {
  const db = open()
  const names = ResultNames.of(db)
  const rows = new ResultRows(db, names, new RollupStore(db))
  const stats: WriterStats = emptyWriterStats()
  let pending: Pending[] = []
  let pendingRows = 0
  let timer: { cancel(): void } | undefined
  let lastCommit = 0
  let lastFold = performance.now()
  let folding = false

  const append = db.transaction((batches: Pending[]) => {
    rows.begin()
    let stored = 0
    for (const batch of batches) {
      names.persist(batch.names)
      for (const [code] of batch.names) stored = Math.max(stored, code)
    }
    return { fresh: batches.map((batch) => rows.journal(batch.entries, batch.bytes)), stored }
  })
  const foldTransaction = db.transaction((limit: number, prepared: FoldPlan | null) => {
    rows.begin()
    return rows.fold(limit, prepared)
  })
  const foldChunk = (limit: number) => {
    try {
      // The CPU work of a fold happens before it takes the lock that main-thread writes wait for.
      const prepared = rows.prepareFold(limit)
      const report = foldTransaction.immediate(limit, prepared)
      rows.settle()
      return report
    } catch (error) {
      rows.rollback()
      throw error
    }
  }

  // What a crashed hub left in the journal is folded before anything new comes in.
  while (foldChunk(settings.foldChunk).rows > 0);

  function commit(): void {
    timer = undefined
    if (pending.length === 0) return
    // At most commitRows per transaction, so no write holds the lock for long.
    let taken = 0
    let size = 0
    while (
      taken < pending.length &&
      (taken === 0 ||
        (!pending[0]!.alone &&
          !pending[taken]!.alone &&
          size + pending[taken]!.entries.length <= settings.commitRows))
    ) {
      size += pending[taken]!.entries.length
      taken += 1
    }
    const batches = pending.slice(0, taken)
    pending = pending.slice(taken)
    pendingRows -= size
    const started = performance.now()
    let result: { fresh: boolean[][]; stored: number }
    try {
      result = append.immediate(batches)
      rows.settle()
    } catch (error) {
      rows.rollback()
      if (batches.length > 1) {
        // One bad batch must not sink the others that shared its commit: one at a time.
        pending = [...batches.map((batch) => ({ ...batch, alone: true })), ...pending]
        pendingRows += size
        return commit()
      }
      const message = String((error as Error)?.message ?? error)
      post({ t: 'failed', ids: batches.map((b) => b.id), error: message })
      schedule()
      return
    }
    lastCommit = performance.now()
    stats.commits += 1
    stats.committedRows += size
    stats.maxCommitMs = Math.max(stats.maxCommitMs, lastCommit - started)
    post({
      t: 'stored',
      names: result.stored,
      batches: batches.map((batch, i) => ({
        id: batch.id,
        fresh: Uint8Array.from(result.fresh[i]!, (isNew) => (isNew ? 1 : 0)),
      })),
    })
    schedule()
    maybeFold()
  }

  function schedule(): void {
    if (timer || pending.length === 0) return
    const wait =
      pendingRows >= settings.commitRows ? 0 : lastCommit + settings.commitGapMs - performance.now()
    if (wait <= 0) {
      const immediate = setImmediate(commit)
      timer = { cancel: () => clearImmediate(immediate) }
    } else {
      const timeout = setTimeout(commit, wait)
      timer = { cancel: () => clearTimeout(timeout) }
    }
  }

  function maybeFold(): void {
    if (folding) return
    const journal = rows.journaled()
    const due = performance.now() - lastFold >= settings.foldMs
    if (journal === 0 || (!due && journal < settings.foldRows)) return
    folding = true
    setImmediate(() => foldStep(FOLD_GROUPS))
  }

  /**
   * One group of checks per transaction, with a pause between them: a main-thread write
   * waiting for the lock gets it within a few milliseconds, and commits go on.
   */
  function foldStep(groupsLeft: number): void {
    const started = performance.now()
    try {
      const { rows: n } = foldChunk(settings.foldChunk)
      stats.foldedRows += n
      stats.maxFoldMs = Math.max(stats.maxFoldMs, performance.now() - started)
      if (n > 0 && groupsLeft > 1)
        return void setTimeout(() => foldStep(groupsLeft - 1), FOLD_PAUSE_MS)
      stats.folds += 1
    } catch (error) {
      const message = 'folding the result journal failed'
      post({ t: 'log', level: 'error', message, error: String(error) })
    }
    folding = false
    lastFold = performance.now()
  }

  const foldTimer = setInterval(maybeFold, Math.max(50, settings.foldMs / 4))

  port.on('message', (message: ToWorker) => {
    switch (message.t) {
      case 'write': {
        let entries: CheckEntry[]
        try {
          entries = decodeCheckEntries(message.entries)
        } catch (error) {
          post({ t: 'failed', ids: [message.id], error: `unreadable batch: ${String(error)}` })
          return
        }
        for (const [code, name] of message.names) names.learn(code, name)
        pending.push({ id: message.id, bytes: message.entries, entries, names: message.names })
        pendingRows += entries.length
        schedule()
        return
      }
      case 'flush': {
        timer?.cancel()
        while (pending.length > 0) commit()
        while (foldChunk(settings.foldChunk).rows > 0);
        lastFold = performance.now()
        post({ t: 'reply', id: message.id })
        return
      }
      case 'stats': {
        stats.journalRows = rows.journaled()
        stats.bytesWritten = bytesWritten()
        post({ t: 'reply', id: message.id, value: { ...stats } })
        return
      }
      case 'close': {
        timer?.cancel()
        clearInterval(foldTimer)
        while (pending.length > 0) commit()
        while (foldChunk(settings.foldChunk).rows > 0);
        db.close()
        post({ t: 'reply', id: message.id })
        port.close()
        return
      }
    }
  })
  post({ t: 'ready' })
}

try {
  startWriter()
} catch (error) {
  post({ t: 'fatal', error: String((error as Error)?.stack ?? error) })
}
