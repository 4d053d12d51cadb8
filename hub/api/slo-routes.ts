/**
 * SLO routes, for `vantage slo` and deploy pipelines.
 *
 * - `GET /api/v1/slos` every SLO with each objective's budget, burn rates, window pairs
 *   and open alerts: `{ slos }`
 * - `GET /api/v1/slos/:id` one SLO, plus per objective the check outages that consumed
 *   its budget (`consumedBy`)
 * - `GET /api/v1/slos/:id/gate` the error-budget policy: 200 `{ gate: 'open' }` while
 *   every objective has budget left, 409 `{ gate: 'closed', error }` once one has spent
 *   it, so a pipeline can stop a deploy (`vantage slo gate NAME` exits 1)
 *
 * Reads are open like `/api/v1/checks`. 404 for an unknown SLO.
 */
import { Hono } from 'hono'
import type { Outage } from '../alerts/alert-state.ts'
import type { SloDefinition } from '../../checks/slo.ts'
import { consumedBy, type SloView } from '../slo/slo-views.ts'

export interface SloRouteDeps {
  slos: {
    list: () => SloView[]
    view: (name: string) => SloView | null
    definition: (name: string) => SloDefinition | null
  }
  outages: (checkId: string, from: number, to: number) => Outage[]
  now: () => number
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`

export function sloRoutes(deps: SloRouteDeps): Hono {
  const app = new Hono()
  const unknown = (name: string) => ({ error: `no SLO named "${name}"` })

  app.get('/api/v1/slos', (c) => c.json({ slos: deps.slos.list() }))

  app.get('/api/v1/slos/:id', (c) => {
    const name = c.req.param('id')
    const view = deps.slos.view(name)
    const definition = deps.slos.definition(name)
    if (!view || !definition) return c.json(unknown(name), 404)
    const now = deps.now()
    return c.json({
      ...view,
      objectives: view.objectives.map((objective) => ({
        ...objective,
        consumedBy: consumedBy(definition, objective, deps.outages, now),
      })),
    })
  })

  app.get('/api/v1/slos/:id/gate', (c) => {
    const name = c.req.param('id')
    const view = deps.slos.view(name)
    if (!view) return c.json(unknown(name), 404)
    const objectives = view.objectives.map((o) => ({
      key: o.key,
      target: o.target,
      window: o.window,
      remainingShare: o.budget.remainingShare,
      remainingMinutes: o.budget.remainingMinutes,
      exhausted: o.exhausted,
    }))
    if (view.gate === 'open') return c.json({ slo: name, gate: 'open', objectives })
    const spent = view.objectives
      .filter((o) => o.exhausted)
      .map((o) => `${o.target} % over ${o.window} (${percent(o.budget.remainingShare)} left)`)
      .join(', ')
    return c.json(
      {
        slo: name,
        gate: 'closed',
        objectives,
        error: `the error budget of ${name} is spent: ${spent}`,
      },
      409,
    )
  })

  return app
}
