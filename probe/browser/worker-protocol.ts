/**
 * The messages between the browser pool (pool.ts, on the probe's own thread) and its
 * worker threads: the host, which launches Chromium and holds it, and the run workers,
 * in which scripts run, each connected to Chromium's DevTools endpoint.
 */
import type { BrowserRunSpec } from '../../checks/browser/engine.ts'
import type { AttemptResult } from './attempt.ts'

/** The environment variable that marks the processes of a probe's browser. */
export const BROWSER_TAG_VARIABLE = 'VANTAGE_BROWSER_TAG'

/** workerData of the host worker. */
export interface HostWorkerData {
  module: 'host'
  executablePath: string
  args: string[]
  /** Set in the browser's environment, so that its processes can be told apart. */
  tag: string
}

export type FromHost =
  | {
      type: 'ready'
      pid: number
      devtoolsPort: number
      /** The browser's DevTools endpoint, `ws://127.0.0.1:<port>/devtools/browser/<id>`. */
      cdpEndpoint: string
    }
  | { type: 'failed'; message: string }
  /** The browser went away: closed, crashed or killed. */
  | { type: 'closed' }

export type ToHost = { type: 'close' }

/** workerData of a run worker. */
export interface RunWorkerData {
  module: 'run'
  /**
   * The worker's own folder for Playwright's temporary files (a trace being recorded):
   * the pool removes it when the worker ends, even when it was ended mid-run.
   */
  playwrightDir: string
}

export interface RunOrder {
  type: 'run'
  /** Names this attempt in the answers. */
  key: string
  cdpEndpoint: string
  spec: BrowserRunSpec
  attempt: number
  trace: boolean
  timeoutMs: number
  dir: string
}

export type ToRunWorker = RunOrder

export type FromRunWorker =
  | { type: 'ready' }
  | { type: 'step'; key: string; name: string | undefined }
  | { type: 'page'; key: string; targetId: string }
  | { type: 'done'; key: string; result: AttemptResult }
