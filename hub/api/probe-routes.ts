/**
 * Probe routes, for the status page's list and `vantage probe remove|drain|resume`.
 * Reading is open like the check list; retiring and draining need the API token, or a
 * client on the hub machine when the hub has none (the rule of secret-access.ts): a
 * drained probe runs nothing, and a removed one pages nobody.
 *
 * - `GET /api/v1/probes` every probe, with `drained` when the hub drained it
 * - `DELETE /api/v1/probes/:id` retires a probe that is not online → `{ removed }`;
 *   404 for an unknown probe, 409 for one that is online (stop it, or revoke its token)
 * - `POST /api/v1/probes/:id/drain` drains a probe → `{ probe }`
 * - `DELETE /api/v1/probes/:id/drain` resumes it → `{ probe }`
 */
import { Hono, type MiddlewareHandler } from 'hono'
import type { ProbeAdmin } from '../probes/probe-admin.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { secretAccess } from './secret-access.ts'

export interface ProbeRouteDeps {
  probes: () => ProbeInfo[]
  /** Without it the list is read-only. */
  admin?: Pick<ProbeAdmin, 'remove' | 'drain'>
  /** When set, writes need it as a bearer token; otherwise loopback clients only. */
  apiToken?: string
}

function guard(apiToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    const access = secretAccess(c, apiToken)
    if (access.ok) return next()
    if (access.challenge) c.header('www-authenticate', 'Bearer')
    const error =
      access.status === 401
        ? 'removing or draining a probe needs the API token: send Authorization: Bearer <token> ' +
          '(vantage probe --api-token, or VANTAGE_API_TOKEN)'
        : 'this hub has no API token, so it takes probe changes only from its own machine; start ' +
          'the hub with --api-token (VANTAGE_API_TOKEN) and pass the same --api-token'
    return c.json({ error }, access.status)
  }
}

const unknown = (id: string) => ({ error: `no probe "${id}" (vantage status lists them)` })

/**
 * @example
 * app.route('/', probeRoutes({ probes: () => admin.list(), admin, apiToken }))
 */
export function probeRoutes(deps: ProbeRouteDeps): Hono {
  const app = new Hono()
  app.use('/api/v1/probes/*', guard(deps.apiToken))
  app.get('/api/v1/probes', (c) => c.json(deps.probes()))

  const { admin } = deps
  if (!admin) return app

  app.delete('/api/v1/probes/:id', (c) => {
    const id = c.req.param('id')
    const outcome = admin.remove(id)
    if ('removed' in outcome) return c.json(outcome)
    if (outcome.refused === 'unknown') return c.json(unknown(id), 404)
    return c.json(
      {
        error:
          `probe ${id} is online: stop it first (a probe stopped with SIGTERM pages nobody), ` +
          `or revoke its token (vantage token revoke ${id}), which retires it too`,
      },
      409,
    )
  })

  for (const [method, drain] of [
    ['post', true],
    ['delete', false],
  ] as const) {
    app[method]('/api/v1/probes/:id/drain', (c) => {
      const id = c.req.param('id')
      const outcome = admin.drain(id, drain)
      if ('probe' in outcome) return c.json(outcome)
      return c.json(unknown(id), 404)
    })
  }
  return app
}
