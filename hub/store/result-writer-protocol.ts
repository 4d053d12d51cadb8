/** Messages between the main thread (result-writer.ts) and the store's worker threads (result-worker.ts). */

export interface WorkerSettings {
  role: 'writer' | 'checkpointer'
  file: string
  /** Least time between two commits while batches keep coming. */
  commitGapMs: number
  /** Most rows one commit writes. */
  commitRows: number
  /** The journal is folded this often... */
  foldMs: number
  /** ...or as soon as it holds this many rows. */
  foldRows: number
  /** Journal rows one fold transaction takes. */
  foldChunk: number
  checkpointMs: number
}

export type ToWorker =
  | {
      t: 'write'
      id: number
      /** Results encoded as journal entries (result-rows.ts encodeBatch). */
      entries: Uint8Array
      /** Name codes the entries use that may not be stored yet. */
      names: Array<[number, string]>
    }
  | { t: 'flush'; id: number }
  | { t: 'stats'; id: number }
  | { t: 'close'; id: number }

export type FromWorker =
  | { t: 'ready' }
  | { t: 'fatal'; error: string }
  | {
      t: 'stored'
      batches: Array<{ id: number; fresh: Uint8Array }>
      /** The highest name code this commit stored, or 0. */
      names: number
    }
  | { t: 'failed'; ids: number[]; error: string }
  | { t: 'reply'; id: number; value?: unknown }
  | { t: 'log'; level: 'warn' | 'error'; message: string; error: string }

/** What the writer and checkpointer have done since they started. */
export interface WriterStats {
  commits: number
  committedRows: number
  folds: number
  foldedRows: number
  /** Longest commit and fold transaction (they hold the write lock that long). */
  maxCommitMs: number
  maxFoldMs: number
  /** Rows in the journal now. */
  journalRows: number
  /** Bytes the writer thread wrote (the WAL), from /proc/thread-self/io. */
  bytesWritten: number
  checkpoints: number
  /** Longest checkpoint: its own thread's time, never the event loop's. */
  maxCheckpointMs: number
  /** Bytes the checkpointer wrote (the database file). */
  checkpointBytesWritten: number
}

/** Stats before anything was written. */
export function emptyWriterStats(): WriterStats {
  return {
    commits: 0,
    committedRows: 0,
    folds: 0,
    foldedRows: 0,
    maxCommitMs: 0,
    maxFoldMs: 0,
    journalRows: 0,
    bytesWritten: 0,
    checkpoints: 0,
    maxCheckpointMs: 0,
    checkpointBytesWritten: 0,
  }
}
