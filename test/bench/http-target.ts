/**
 * The bench's HTTP target in its own process, so that its CPU never counts as the
 * prober's. Started by probe-http.ts with an IPC channel: it sends `{ url }` once
 * listening, answers `stats` with the target's request and connection counts, and
 * exits when the parent goes away (the channel closes), so it can never outlive it.
 */
import { startTargetServer } from '../fixtures/target-server.ts'

if (!process.send) {
  console.error('http-target.ts is started by probe-http.ts over IPC')
  process.exit(2)
}
const target = await startTargetServer()
process.on('message', (message) => {
  if (message === 'stats') process.send!({ stats: target.stats() })
})
process.on('disconnect', () => {
  void target.close().then(() => process.exit(0))
})
process.send({ url: target.url })
