/**
 * A run worker: a thread in which browser scripts run, one attempt at a time, so that
 * a script that never returns, busy-loops or throws cannot stall the probe's scheduler,
 * outbox or other checks. It keeps one DevTools connection to the probe's browser
 * (cdp-transport.ts), with Playwright's protocol side on this thread, and reconnects
 * when the pool's browser changed; the pool ends the worker when an attempt overruns its
 * deadline and starts another.
 */
import { mkdirSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { chromium, type Browser } from 'playwright-core'
import { runAttempt, emptyReport } from './attempt.ts'
import { CdpTransport } from './cdp-transport.ts'
import type { FromRunWorker, RunOrder, RunWorkerData, ToRunWorker } from './worker-protocol.ts'
import { firstLine } from './script-errors.ts'

/** A browser that does not answer a connection within this long is taken as gone. */
const CONNECT_TIMEOUT_MS = 10_000

const port = parentPort!
const data = workerData as RunWorkerData
const send = (message: FromRunWorker) => port.postMessage(message)

let browser: Browser | undefined
let endpoint: string | undefined

async function connected(cdpEndpoint: string): Promise<Browser> {
  if (browser && endpoint === cdpEndpoint && browser.isConnected()) return browser
  await browser?.close().catch(() => undefined)
  browser = undefined
  mkdirSync(data.playwrightDir, { recursive: true })
  const transport = await CdpTransport.open(cdpEndpoint, CONNECT_TIMEOUT_MS)
  browser = await chromium.connectOverCDP(transport, {
    artifactsDir: data.playwrightDir,
    timeout: CONNECT_TIMEOUT_MS,
  })
  endpoint = cdpEndpoint
  return browser
}

async function run(order: RunOrder): Promise<void> {
  mkdirSync(order.dir, { recursive: true })
  let result
  try {
    const target = await connected(order.cdpEndpoint)
    result = await runAttempt(target, order, {
      step: (name) => send({ type: 'step', key: order.key, name }),
      page: (targetId) => send({ type: 'page', key: order.key, targetId }),
    })
  } catch (error) {
    result = {
      status: 'inconclusive' as const,
      error: {
        code: 'BROWSER_CRASH',
        message: `could not reach the probe's browser: ${firstLine(error)}`,
      },
      assertions: [],
      report: emptyReport(),
      files: [],
    }
  }
  send({ type: 'done', key: order.key, result })
}

port.on('message', (message: ToRunWorker) => {
  if (message.type === 'run') void run(message)
})
// A rejection the script left behind must not end the worker between runs.
process.on('unhandledRejection', () => undefined)
send({ type: 'ready' })
