/**
 * The host worker: launches the probe's one Chromium with playwright-core's
 * `launchServer` (Playwright's own flags, its process group, its temporary profile) and
 * holds it. Playwright talks to Chromium over a pipe: when the probe process dies,
 * however it dies, the pipe closes and Chromium exits with it.
 *
 * Chromium also opens its DevTools port on loopback (a random port). The run workers
 * connect to it, each with a Playwright of its own (cdp-transport.ts), so that no call of
 * a script goes through this thread; the pool takes a screenshot through it when a run's
 * script no longer answers.
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

/**
 * The DevTools port Chromium chose and its browser endpoint's path, from the
 * DevToolsActivePort file of its profile.
 */
function devtoolsOf(pid: number): { port: number; path: string } | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    const profile = args.find((arg) => arg.startsWith('--user-data-dir='))?.slice(16)
    if (!profile) return undefined
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const [port, path] = readFileSync(`${profile}/DevToolsActivePort`, 'utf8').split('\n')
        if (Number(port) > 0 && path?.startsWith('/devtools/browser/')) {
          return { port: Number(port), path }
        }
      } catch {
        // Written a moment after start.
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  } catch {
    // Not Linux, or the process is gone: the launch fails below.
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
  const devtools = devtoolsOf(pid)
  if (!devtools) throw new Error('Chromium did not say which DevTools port it opened')
  send({
    type: 'ready',
    pid,
    devtoolsPort: devtools.port,
    cdpEndpoint: `ws://127.0.0.1:${devtools.port}${devtools.path}`,
  })
} catch (error) {
  await server?.close().catch(() => undefined)
  server = undefined
  send({ type: 'failed', message: (error as Error).message.split('\n')[0] ?? String(error) })
}

port.on('message', (message: ToHost) => {
  if (message.type !== 'close') return
  const closing = server ? server.close() : Promise.resolve()
  closing.catch(() => undefined).finally(() => process.exit(0))
})
