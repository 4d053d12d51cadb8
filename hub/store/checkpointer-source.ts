/**
 * The WAL checkpointer's thread, as plain JavaScript (result-writer.ts runs it with
 * `eval`): it needs better-sqlite3 and nothing of ours, so it starts in milliseconds and
 * costs a few MiB, with no TypeScript loader. Every `checkpointMs` it runs a PASSIVE
 * checkpoint on its own connection: the WAL's pages go into the database file and the
 * fsyncs are waited for here, while the writer and readers go on. It answers the
 * writer's protocol (result-writer-protocol.ts): ready, stats, flush, close.
 */
export const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
const Database = require(workerData.sqlite)
const post = (message) => parentPort.postMessage(message)
const written = () => {
  try {
    return Number(/wchar:\\s+(\\d+)/.exec(readFileSync('/proc/thread-self/io', 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}
try {
  const db = new Database(workerData.file)
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
  db.pragma('wal_autocheckpoint = 0')
  db.pragma('cache_size = -2048')
  let checkpoints = 0
  let maxMs = 0
  const run = (mode) => {
    const started = performance.now()
    try {
      db.pragma('wal_checkpoint(' + mode + ')')
    } catch (error) {
      post({ t: 'log', level: 'warn', message: 'a WAL checkpoint failed', error: String(error) })
    }
    checkpoints += 1
    maxMs = Math.max(maxMs, performance.now() - started)
  }
  const timer = setInterval(() => run('PASSIVE'), workerData.checkpointMs)
  parentPort.on('message', (message) => {
    if (message.t === 'stats') {
      const value = { checkpoints, maxCheckpointMs: maxMs, checkpointBytesWritten: written() }
      post({ t: 'reply', id: message.id, value })
    } else if (message.t === 'flush') {
      run('PASSIVE')
      post({ t: 'reply', id: message.id })
    } else if (message.t === 'close') {
      clearInterval(timer)
      run('TRUNCATE')
      db.close()
      post({ t: 'reply', id: message.id })
      parentPort.close()
    }
  })
  post({ t: 'ready' })
} catch (error) {
  post({ t: 'fatal', error: String(error && error.stack ? error.stack : error) })
}
`
