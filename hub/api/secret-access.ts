/**
 * Who may read secrets (heartbeat ping URLs) from the API. With an API token
 * configured, a request must carry it as `Authorization: Bearer <token>`. Without
 * one, only clients on this machine may: a loopback peer that did not come through
 * a proxy, since a reverse proxy on the same host would make every visitor look local.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'

/** Headers a reverse proxy adds; their presence means the loopback peer is not the client. */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip']

export type SecretAccess =
  { ok: true } | { ok: false; status: 401 | 403; error: string; challenge: boolean }

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}

/** Compares digests so that neither length nor content leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

/** The peer's address, or undefined when the request did not come over a socket (tests' app.request). */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    return undefined
  }
}

/**
 * Decides whether this request may read secrets.
 * @example
 * const access = secretAccess(c, deps.apiToken)
 * if (!access.ok) return c.json({ error: access.error }, access.status)
 */
export function secretAccess(c: Context, apiToken: string | undefined): SecretAccess {
  if (apiToken) {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header.trim())
    if (match && sameToken(match[1]!, apiToken)) return { ok: true }
    return {
      ok: false,
      status: 401,
      error: 'this route needs the API token: send Authorization: Bearer <token>',
      challenge: true,
    }
  }
  const proxied = PROXY_HEADERS.some((name) => c.req.header(name) !== undefined)
  if (!proxied && isLoopback(peerAddress(c))) return { ok: true }
  return {
    ok: false,
    status: 403,
    error:
      'this hub has no API token, so secrets are served only to clients on the hub machine; ' +
      'start the hub with --api-token (VANTAGE_API_TOKEN) to read them remotely',
    challenge: false,
  }
}
