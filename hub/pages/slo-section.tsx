// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The SLO section of the internal view: per objective, the error budget left, the burn
 * rates the alert pairs read, the alerts open (and the pair holding each) and the gate.
 * Self-contained: it takes the views `GET /api/v1/slos` answers (hub/slo/slo-views.ts).
 */
import type { FC } from 'hono/jsx'
import type { ObjectiveView, SloView } from '../slo/slo-views.ts'

const pct = (share: number) => `${(share * 100).toFixed(1)} %`
const rate = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(1)}×`)

function alerts(objective: ObjectiveView): string {
  const open = Object.entries(objective.alerts).flatMap(([kind, alert]) =>
    alert
      ? [alert.heldBy && alert.heldBy !== alert.firedBy ? `${kind}, held by ${alert.heldBy}` : kind]
      : [],
  )
  return open.length > 0 ? open.join('; ') : 'none'
}

/** One row per objective; nothing at all when the hub has no SLOs. */
export const SloSection: FC<{ slos: SloView[] }> = ({ slos }) =>
  slos.length === 0 ? null : (
    <section>
      <div class="section-head">
        <h2>Service level objectives</h2>
      </div>
      <table class="probes slos">
        <thead>
          <tr>
            <th>SLO</th>
            <th>Objective</th>
            <th>Budget left</th>
            <th>Burn 1h</th>
            <th>Burn 6h</th>
            <th>Burn 3d</th>
            <th>Alerts</th>
            <th>Gate</th>
          </tr>
        </thead>
        <tbody>
          {slos.flatMap((slo) =>
            slo.objectives.map((o) => (
              <tr>
                <td class="mono" title={slo.checks.join(', ')}>
                  {slo.name}
                </td>
                <td>{`${o.target} % over ${o.window}`}</td>
                <td
                  title={`${o.budget.remainingMinutes.toFixed(1)} bad minutes left of ${o.budget.allowedMinutes.toFixed(1)}`}
                >
                  {pct(o.budget.remainingShare)}
                </td>
                <td>{rate(o.burnRates['1h'])}</td>
                <td>{rate(o.burnRates['6h'])}</td>
                <td>{rate(o.burnRates['3d'])}</td>
                <td>{alerts(o)}</td>
                <td>
                  <span class={`pill ${o.exhausted ? 'offline' : 'online'}`}>
                    {o.exhausted ? 'Closed' : 'Open'}
                  </span>
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  )
