/**
 * Silence and maintenance routes, for `vantage silence` and `vantage maintenance`.
 * Reading is open like the check list; creating and removing need the API token, or a
 * client on the hub machine when the hub has none (the rule of secret-access.ts): a
 * silence hides real outages from the people on call.
 *
 * - `GET /api/v1/silences` every silence, `?active=true` only those in force now
 * - `POST /api/v1/silences` `{ match: { checks?, tags? }, for?: '2h' | start?, end? |
 *   cron?, duration?, reason?, createdBy? }` → 201 `{ window }`
 * - `DELETE /api/v1/silences/:id` → `{ removed }`
 * - `/api/v1/maintenance` the same for maintenance windows (which also keep the
 *   checks' results out of alerting and availability)
 *
 * Limits (checks/window-limits.ts): a silence lasts at most 1 year (365d), a maintenance
 * window at most 5 years (1825d), one-off or each recurring one; start and end lie
 * between 2000-01-01 and 9999-12-31 UTC.
 *
 * Answers: 400 with `errors` (each with its path) for a body that does not validate,
 * 404 for an unknown id, 409 for a window of the monitoring file (change it there),
 * 413 for a body past 64 KiB, 415 without `content-type: application/json`.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import type { Silences, WindowKind } from '../silences/silences.ts'
import { readJsonBody } from './json-body.ts'
import { secretAccess } from './secret-access.ts'

/** A window is a few hundred bytes; anything near this is not one. */
export const MAX_WINDOW_BODY_BYTES = 64 * 1024

export interface SilenceRouteDeps {
  silences: Silences
  /** When set, writes need it as a bearer token; otherwise loopback clients only. */
  apiToken?: string
}

const ROUTES: Array<{ path: string; kind: WindowKind; noun: string }> = [
  { path: '/api/v1/silences', kind: 'silence', noun: 'silence' },
  { path: '/api/v1/maintenance', kind: 'maintenance', noun: 'maintenance window' },
]

function guard(apiToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const access = secretAccess(c, apiToken)
    if (access.ok) return next()
    if (access.challenge) c.header('www-authenticate', 'Bearer')
    const error =
      access.status === 401
        ? 'silences need the API token: send Authorization: Bearer <token> (vantage silence --api-token, or VANTAGE_API_TOKEN)'
        : 'this hub has no API token, so it takes silences only from its own machine; start the ' +
          'hub with --api-token (VANTAGE_API_TOKEN) and pass the same --api-token'
    return c.json({ error }, access.status)
  }
}

/**
 * @example
 * app.route('/', silenceRoutes({ silences, apiToken }))
 */
export function silenceRoutes(deps: SilenceRouteDeps): Hono {
  const { silences } = deps
  const app = new Hono()

  for (const { path, kind, noun } of ROUTES) {
    app.use(path, guard(deps.apiToken))
    app.use(`${path}/*`, guard(deps.apiToken))

    app.get(path, (c) => {
      const active = c.req.query('active')
      if (active !== undefined && active !== 'true' && active !== 'false') {
        return c.json({ error: `active must be true or false, not "${active}"` }, 400)
      }
      const windows = silences
        .list()
        .filter((window) => window.kind === kind && (active !== 'true' || window.active))
      return c.json({ windows })
    })

    app.post(path, async (c) => {
      const read = await readJsonBody(c, { maxBytes: MAX_WINDOW_BODY_BYTES })
      if (!read.ok) return read.response
      const body = read.body
      if (typeof body === 'object' && body !== null && 'kind' in body && body.kind !== kind) {
        const other = ROUTES.find((route) => route.kind === body.kind)
        const hint = other ? `; use ${other.path}` : ''
        return c.json(
          {
            error: 'the request body is invalid',
            errors: [`kind: this route makes ${noun}s${hint}`],
          },
          400,
        )
      }
      const input = typeof body === 'object' && body !== null ? { ...body, kind } : body
      const outcome = await silences.create(input, 'api')
      if (!outcome.ok) {
        return c.json({ error: 'the request body is invalid', errors: outcome.errors }, 400)
      }
      return c.json({ window: outcome.window }, 201)
    })

    app.delete(`${path}/:id`, async (c) => {
      const id = c.req.param('id')
      const found = silences.get(id)
      if (!found || found.kind !== kind) return c.json({ error: `no ${noun} "${id}"` }, 404)
      const outcome = await silences.remove(id)
      if (outcome.removed) return c.json({ removed: outcome.window })
      return c.json({ error: outcome.error }, outcome.reason === 'read-only' ? 409 : 404)
    })
  }

  return app
}
