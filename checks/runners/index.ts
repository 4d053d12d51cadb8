/**
 * The runner registry: one runner per check kind. The mapped type makes a kind
 * without a runner a compile error, so adding a kind to spec.ts forces a runner here.
 */
import { run as runBrowser } from './browser.ts'
import { run as runDns } from './dns.ts'
import { hostRunners } from './host/index.ts'
import { run as runHttp } from './http.ts'
import { run as runPing } from './ping.ts'
import { run as runTcp } from './tcp.ts'
import type { RunnerRegistry } from './types.ts'

export const runners: RunnerRegistry = {
  http: runHttp,
  ping: runPing,
  tcp: runTcp,
  dns: runDns,
  browser: runBrowser,
  ...hostRunners,
}
