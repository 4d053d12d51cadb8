/**
 * Run a check now in every region and wait for the answers (`vantage run`):
 *
 * - `POST /api/v1/checks/:id/run` → 200 with the run report: per region (or host) the
 *   status, latency, probe and error, after at most the check's timeout + 2 s
 *
 * It makes every region run the check, so like other actions it needs the API token, or
 * a client on the hub machine when the hub has none. Answers 404 for an unknown check
 * and 409 for a disabled check or a heartbeat (nothing runs those).
 */
import { Hono } from 'hono'
import { RunError, type RunNow } from '../runs/run-now.ts'
import { secretAccess } from './secret-access.ts'

export function runRoutes(deps: { runNow: RunNow; apiToken?: string }): Hono {
  const app = new Hono()
  app.post('/api/v1/checks/:id/run', async (c) => {
    const access = secretAccess(c, deps.apiToken)
    if (!access.ok) {
      if (access.challenge) c.header('www-authenticate', 'Bearer')
      const error =
        access.status === 401
          ? 'running a check needs the API token: send Authorization: Bearer <token> (vantage run --api-token, or VANTAGE_API_TOKEN)'
          : 'this hub has no API token, so it runs checks on request only from its own machine; ' +
            'start the hub with --api-token (VANTAGE_API_TOKEN) and pass the same --api-token'
      return c.json({ error }, access.status)
    }
    try {
      return c.json(await deps.runNow.run(c.req.param('id')))
    } catch (error) {
      if (!(error instanceof RunError)) throw error
      return c.json({ error: error.message }, error.reason === 'unknown' ? 404 : 409)
    }
  })
  return app
}
