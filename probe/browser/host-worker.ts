/**
 * The host worker: launches the probe's one Chromium with playwright-core's
 * `launchServer` and serves it to the run workers over Playwright's own protocol, so
 * that the protocol's work (page set-up, screenshots, traces) happens on this thread,
 * not on the probe's. Playwright talks to Chromium over a pipe: when the probe process
 * dies, however it dies, the pipe closes and Chromium exits with it.
 *
 * Chromium also opens its DevTools port on loopback (a random port): the pool takes a
 * screenshot through it when a run's script no longer answers.
 */
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { chromium, type BrowserServer } from 'playwright-core'
import {
  BROWSER_TAG_VARIABLE,
  type FromHost,
  type HostWorkerData,
  type ToHost,
} from './worker-protocol.ts'

const data = workerData as HostWorkerData
const port = parentPort!
const send = (message: FromHost) => port.postMessage(message)

/** The DevTools port Chromium chose, from the DevToolsActivePort file of its profile. */
function devtoolsPortOf(pid: number): number | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const profile = args.find((arg) => arg.startsWith('--user-data-dir='))?.slice(16)
    if (!profile) return undefined
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const port = Number(readFileSync(`${profile}/DevToolsActivePort`, 'utf8').split('\n')[0])
        if (port > 0) return port
      } catch {
        // Written a moment after start.
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  } catch {
    // Not Linux, or the process is gone: no emergency screenshots then.
  }
  return undefined
}

let server: BrowserServer | undefined
try {
  server = await chromium.launchServer({
    executablePath: data.executablePath,
    headless: true,
    args: [...data.args, '--remote-debugging-port=0'],
    // Every process of this browser carries it, even those that leave its process
    // group (the crash handler), so none can pass unnoticed.
    env: { ...process.env, [BROWSER_TAG_VARIABLE]: data.tag },
    // The pool decides when the browser goes; a signal to the probe stops it through the pool.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  })
  const pid = server.process().pid ?? 0
  server.on('close', () => send({ type: 'closed' }))
  send({ type: 'ready', wsEndpoint: server.wsEndpoint(), pid, devtoolsPort: devtoolsPortOf(pid) })
} catch (error) {
  send({ type: 'failed', message: (error as Error).message.split('\n')[0] ?? String(error) })
}

port.on('message', (message: ToHost) => {
  if (message.type !== 'close') return
  const closing = server ? server.close() : Promise.resolve()
  closing.catch(() => undefined).finally(() => process.exit(0))
})
