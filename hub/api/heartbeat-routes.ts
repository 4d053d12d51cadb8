/**
 * Heartbeat routes: the ping URLs that jobs call, and the non-public list of
 * heartbeats with those URLs for `vantage status`.
 *
 * - `GET|POST|HEAD /ping/{token}` the job succeeded
 * - `/ping/{token}/start` it started; `/ping/{token}/fail` it failed
 * - `/ping/{token}/{exitCode}` 0 is a success, anything else a failure
 * - `GET /api/v1/heartbeats` every heartbeat with its ping URL (needs the API token,
 *   or a loopback client when the hub has none: see secret-access.ts)
 *
 * A POST body of up to 10 KiB is kept as the message (the rest is cut). Pings answer
 * `200 OK` in plain text; an unknown token gets a plain 404.
 */
import type { HeartbeatListItem, HeartbeatView } from './contract.ts'
import type { Ping } from '../heartbeats/heartbeat-monitor.ts'
import { Hono, type Context } from 'hono'
import { MAX_MESSAGE_LENGTH } from '../../checks/result.ts'
import type { HeartbeatDirectory, HeartbeatInfo } from '../heartbeats/heartbeats.ts'
import { secretAccess } from './secret-access.ts'

/** Bytes of a ping's body that are kept; matches the longest message a result may carry. */
export const MAX_PING_BODY_BYTES = MAX_MESSAGE_LENGTH

export interface HeartbeatRouteDeps {
  heartbeats: HeartbeatDirectory
  /** When set, `/api/v1/heartbeats` needs it as a bearer token. */
  apiToken?: string
  /** The base of ping URLs. Default: the origin the request came to. */
  publicUrl?: string
}

/** The base URL ping URLs are built on: the configured public URL, or the request's origin. */
export function pingBaseUrl(c: Context, publicUrl: string | undefined): string {
  return (publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '')
}

/** Builds the API view of a heartbeat; pass `baseUrl` null to leave the secret out. */
export function heartbeatView(info: HeartbeatInfo, baseUrl: string | null): HeartbeatView {
  const status = info.status
  return {
    pingUrl: baseUrl === null ? null : `${baseUrl}/ping/${info.token}`,
    enabled: info.enabled,
    every: info.every,
    grace: info.grace,
    lastPingAt: status?.lastPing?.at ?? null,
    lastPing: status?.lastPing ?? null,
    runStartedAt: status?.runStartedAt ?? null,
    nextDeadline: status?.nextDeadline ?? null,
  }
}

/** What `/ping/{token}/{action}` means, or null when the action is not one. */
function parseAction(action: string): Omit<Ping, 'message'> | null {
  if (action === 'start') return { kind: 'start' }
  if (action === 'fail') return { kind: 'fail' }
  if (/^\d{1,3}$/.test(action) && Number(action) <= 255) {
    const exitCode = Number(action)
    return { kind: exitCode === 0 ? 'success' : 'fail', exitCode }
  }
  return null
}

/**
 * Reads at most MAX_PING_BODY_BYTES of the body and stops there, so a job that posts
 * a whole log neither fills the hub's memory nor waits for it to be read.
 */
async function readMessage(c: Context): Promise<string | undefined> {
  const body = c.req.raw.body
  if (c.req.method !== 'POST' || !body) return undefined
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  while (size < MAX_PING_BODY_BYTES) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    size += value.byteLength
  }
  if (size >= MAX_PING_BODY_BYTES) await reader.cancel().catch(() => undefined)
  const bytes = Buffer.concat(chunks).subarray(0, MAX_PING_BODY_BYTES)
  // A cut through a multi-byte character becomes U+FFFD rather than an error.
  const text = new TextDecoder().decode(bytes)
  return text.trim() === '' ? undefined : text
}

/**
 * @example
 * app.route('/', heartbeatRoutes({ heartbeats, apiToken: process.env.VANTAGE_API_TOKEN }))
 */
export function heartbeatRoutes(deps: HeartbeatRouteDeps): Hono {
  const app = new Hono()

  const handle = async (c: Context, token: string, ping: Omit<Ping, 'message'>) => {
    // Pings are answered fresh every time; a cached 200 would hide a dead hub.
    c.header('cache-control', 'no-store')
    const message = await readMessage(c)
    const outcome = deps.heartbeats.ping(token, message === undefined ? ping : { ...ping, message })
    if (outcome === 'unknown') {
      return c.text('not found: no heartbeat has this ping URL (see `vantage status`)\n', 404)
    }
    if (outcome === 'disabled') return c.text('OK (the check is disabled; ping ignored)\n')
    return c.text('OK\n')
  }

  // HEAD is served by the GET route (Hono answers it without the body).
  app.on(['GET', 'POST'], '/ping/:token', (c) =>
    handle(c, c.req.param('token'), { kind: 'success' }),
  )

  app.on(['GET', 'POST'], '/ping/:token/:action', (c) => {
    const action = parseAction(c.req.param('action'))
    if (!action) {
      return c.text(
        'not found: use /ping/{token}, /ping/{token}/start, /ping/{token}/fail or /ping/{token}/{exit code 0-255}\n',
        404,
      )
    }
    return handle(c, c.req.param('token'), action)
  })

  app.get('/api/v1/heartbeats', (c) => {
    const access = secretAccess(c, deps.apiToken)
    if (!access.ok) {
      if (access.challenge) c.header('www-authenticate', 'Bearer')
      return c.json({ error: access.error }, access.status)
    }
    const base = pingBaseUrl(c, deps.publicUrl)
    const list: HeartbeatListItem[] = deps.heartbeats.list().map((info) => ({
      id: info.checkId,
      name: info.name,
      ...heartbeatView(info, base),
    }))
    return c.json(list)
  })

  return app
}
