/**
 * undici's dispatchers and its request API, without the rest of the package. The
 * package's index requires everything it offers (fetch, WebSocket, EventSource, the
 * cache stores, the mock agent) and with them Node's web streams and HTTP/2: about
 * 8 MiB of a probe's resident memory for code the runners never call. The package has no
 * "exports" map, its version is pinned by the lockfile, and undici-core.test.ts checks
 * that these are the very classes its index exports.
 */
import { createRequire } from 'node:module'
import type * as Undici from 'undici'

const require = createRequire(import.meta.url)
const DispatcherBase = require('undici/lib/dispatcher/dispatcher.js') as {
  prototype: object
}
// What undici's index does on load: every dispatcher gets request(), stream() and the
// rest of the API as methods.
Object.assign(DispatcherBase.prototype, require('undici/lib/api/index.js'))

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Undici.Dispatcher.HttpMethod
}

/** undici's `request(url, { dispatcher, ... })`, with the dispatcher named first. */
export function requestWith(
  dispatcher: Undici.Dispatcher,
  url: URL,
  options: RequestOptions,
): Promise<Undici.Dispatcher.ResponseData> {
  return dispatcher.request({
    ...options,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: options.method ?? 'GET',
  })
}
