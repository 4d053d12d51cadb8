// Preloaded into a hub by bench:ingest (NODE_OPTIONS=--import=...): every 100 ms it
// appends "epochMs maxDelayMs" to $VANTAGE_BENCH_LOOP_FILE, the longest the main thread's
// event loop was late in that slice (perf_hooks monitorEventLoopDelay), then starts over.
import { appendFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { isMainThread } from 'node:worker_threads'

const file = process.env.VANTAGE_BENCH_LOOP_FILE
if (file && isMainThread) {
  const delay = monitorEventLoopDelay({ resolution: 2 })
  delay.enable()
  setInterval(() => {
    appendFileSync(file, `${Date.now()} ${(delay.max / 1e6).toFixed(2)}\n`)
    delay.reset()
  }, 100).unref()
}
