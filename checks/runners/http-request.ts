/**
 * The request an HTTP check sends, and the redirects it follows.
 *
 * Redirects are followed here rather than by undici's redirect interceptor: a check
 * needs what the interceptor keeps to itself, namely the URL the chain ended at (its
 * certificate is the one to report), the number of hops, the status of the last hop
 * when the chain fails, and a loop told apart from a merely long chain.
 */
import type { Dispatcher } from 'undici'
import { ERROR_CODES } from '../result.ts'
import type { HttpSpec } from '../spec.ts'
import { requestWith } from './undici-core.ts'

const USER_AGENT = 'Vantage-Probe/0.1 (synthetic monitoring)'
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
/** Never sent on to another origin, as browsers and curl do. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization'])
/** They describe a body, so they go when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding'])
/** URLs a redirect error lists, at most: the start and the end of the chain tell the story. */
const CHAIN_SHOWN = 6

export interface PreparedRequest {
  url: URL
  method: string
  headers: Record<string, string>
  body?: string
}

/** Where a run got to: updated at every hop, so a failure can say where it happened. */
export interface RequestProgress {
  url: URL
  /** Redirects followed so far. */
  redirects: number
  /** Status of the last response received, if any. */
  status?: number
}

/** A redirect chain that cannot end: a loop, or longer than `followRedirects`. */
export class RedirectError extends Error {
  constructor(
    readonly code: typeof ERROR_CODES.REDIRECT_LOOP | typeof ERROR_CODES.TOO_MANY_REDIRECTS,
    message: string,
  ) {
    super(message)
    this.name = 'RedirectError'
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name)
}

/**
 * The first request of a run: the URL with `query` added, our user agent unless the
 * check sets one, the body (`json` serialised, with its content type) and `auth` as
 * an authorization header.
 * @example prepareRequest(spec) // { url: URL, method: 'GET', headers: { 'user-agent': '...' } }
 */
export function prepareRequest(spec: HttpSpec): PreparedRequest {
  const url = new URL(spec.url)
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(name, String(one))
    }
  }
  const headers: Record<string, string> = {}
  if (!hasHeader(spec.headers, 'user-agent')) headers['user-agent'] = USER_AGENT
  let body = spec.body
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json)
    if (!hasHeader(spec.headers, 'content-type')) headers['content-type'] = 'application/json'
  }
  if (spec.auth) {
    headers.authorization =
      'bearer' in spec.auth
        ? `Bearer ${spec.auth.bearer}`
        : `Basic ${Buffer.from(`${spec.auth.username}:${spec.auth.password}`).toString('base64')}`
  }
  const prepared: PreparedRequest = {
    url,
    method: spec.method,
    headers: { ...headers, ...spec.headers },
  }
  if (body !== undefined) prepared.body = body
  return prepared
}

/** The URL a redirect response points to; undefined for any other response. */
function redirectTarget(response: Dispatcher.ResponseData, from: URL): URL | undefined {
  if (!REDIRECT_STATUSES.has(response.statusCode)) return undefined
  const header = response.headers.location
  const location = Array.isArray(header) ? header[0] : header
  if (!location) return undefined
  try {
    const target = new URL(location, from)
    // Anything but http(s) is not ours to follow; the redirect is then the answer.
    return target.protocol === 'http:' || target.protocol === 'https:' ? target : undefined
  } catch {
    return undefined
  }
}

/** The request that follows a redirect, as browsers make it (RFC 9110 §15.4). */
function redirected(previous: PreparedRequest, status: number, target: URL): PreparedRequest {
  const toGet =
    (status === 303 && previous.method !== 'HEAD') ||
    ((status === 301 || status === 302) && previous.method === 'POST')
  const crossOrigin = target.origin !== previous.url.origin
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(previous.headers)) {
    const lower = name.toLowerCase()
    if (crossOrigin && CREDENTIAL_HEADERS.has(lower)) continue
    if (toGet && BODY_HEADERS.has(lower)) continue
    headers[name] = value
  }
  const next: PreparedRequest = { url: target, method: toGet ? 'GET' : previous.method, headers }
  if (!toGet && previous.body !== undefined) next.body = previous.body
  return next
}

function describeChain(urls: string[]): string {
  if (urls.length <= CHAIN_SHOWN) return urls.join(' -> ')
  const head = urls.slice(0, 2)
  const tail = urls.slice(-(CHAIN_SHOWN - 2))
  return [...head, `(${urls.length - CHAIN_SHOWN} more)`, ...tail].join(' -> ')
}

/**
 * Sends the request and follows up to `maxRedirects` redirects; `0` returns the
 * first response, redirect or not. Resolves with the final response, its body unread.
 * @throws RedirectError when a URL comes back (REDIRECT_LOOP) or the chain is longer
 * than `maxRedirects` (TOO_MANY_REDIRECTS); undici's errors for network failures
 */
export async function sendFollowingRedirects(
  dispatcher: Dispatcher,
  first: PreparedRequest,
  maxRedirects: number,
  progress: RequestProgress,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  let current = first
  const chain = [first.url.href]
  for (;;) {
    progress.url = current.url
    const response = await requestWith(dispatcher, current.url, {
      method: current.method as Dispatcher.HttpMethod,
      headers: current.headers,
      body: current.body,
      signal,
    })
    progress.status = response.statusCode
    const target = redirectTarget(response, current.url)
    if (!target || maxRedirects === 0) return response
    // Read (and drop) the redirect's own body so its connection can serve the next hop.
    await response.body.dump()
    chain.push(target.href)
    if (chain.indexOf(target.href) < chain.length - 1) {
      throw new RedirectError(ERROR_CODES.REDIRECT_LOOP, `redirect loop: ${describeChain(chain)}`)
    }
    if (progress.redirects >= maxRedirects) {
      throw new RedirectError(
        ERROR_CODES.TOO_MANY_REDIRECTS,
        `more than ${maxRedirects} redirect(s) (followRedirects): ${describeChain(chain)}`,
      )
    }
    progress.redirects += 1
    current = redirected(current, response.statusCode, target)
  }
}
