/**
 * API commands in the event log: every request that changes something under `/api/`
 * (anything but GET and HEAD) is logged with who (the API token, or a client on the
 * hub machine), from where, what and the answer's status. The request runs as that
 * actor, so what it causes (a deploy, a silence, an ack) names it too.
 *
 * It wraps the server's fetch rather than sitting among the routes, so that it sees
 * every route, whichever file adds it, and the status each one answered.
 */
import type { Clock } from '../../lib/clock.ts'
import { actingAs } from '../events/actor-context.ts'
import type { EventLog } from '../events/event-log.ts'

// `any` for the execution context: Hono's and the server's types differ and the wrapper only passes it on.
type Fetch = (request: Request, env?: unknown, ctx?: any) => Response | Promise<Response>

/** The peer's address from @hono/node-server's bindings, when there is a socket. */
function peerOf(env: unknown): string | null {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming
  return incoming?.socket?.remoteAddress ?? null
}

/** The check a path is about: `/api/v1/checks/latte/run` → latte. */
function checkOf(path: string): string | null {
  const match = /^\/api\/v1\/checks\/([^/]+)/.exec(path)
  return match ? decodeURIComponent(match[1]!) : null
}

/**
 * @example
 * serveHub({ fetch: auditApi(app.fetch, { events, clock }), ... })
 */
export function auditApi(fetch: Fetch, deps: { events: EventLog; clock: Clock }): Fetch {
  return async (request, env, ctx) => {
    const { method } = request
    const path = new URL(request.url).pathname
    if (method === 'GET' || method === 'HEAD' || !path.startsWith('/api/')) {
      return fetch(request, env, ctx)
    }
    const actor = request.headers.has('authorization') ? 'api (token)' : 'api'
    const origin = peerOf(env)
    const response = await actingAs({ actor, origin }, () => fetch(request, env, ctx))
    deps.events.append({
      at: deps.clock.now(),
      kind: 'command',
      action: `${method} ${path.replace(/^\/api\/v1\//, '')}`.slice(0, 100),
      check: checkOf(path),
      actor,
      origin,
      summary: `${method} ${path} → ${response.status}`,
      detail: { method, path, status: response.status },
    })
    return response
  }
}
