// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The public status page, rendered on the server: it works without JavaScript and
 * refreshes itself, so it can stay open on a wall screen.
 */
import type { FC } from 'hono/jsx'
import { OVERALL_HEADLINES, type OverallStatus } from '../views/overall-status.ts'
import { CheckCard } from './check-card.tsx'
import { formatDateTime } from './format.ts'
import { IncidentList } from './incident-list.tsx'
import { ProbeTable } from './probe-table.tsx'
import { SloSection } from './slo-section.tsx'
import type { StatusPageModel } from '../views/status-page-model.ts'
import { STATUS_PAGE_CSS } from './styles.ts'

/** How often the page reloads itself; probes report every minute or faster. */
export const REFRESH_SECONDS = 10

const BANNER_ICONS: Record<OverallStatus, string> = {
  operational: '✓',
  partial: '!',
  major: '✕',
  unknown: '…',
}

const FAVICON_COLOURS: Record<OverallStatus, string> = {
  operational: '#12b76a',
  partial: '#f79009',
  major: '#f04438',
  unknown: '#98a2b3',
}

/** A dot in the overall status colour, so a browser tab shows the state at a glance. */
function favicon(status: OverallStatus): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="${FAVICON_COLOURS[status]}"/></svg>`
  return `data:image/svg+xml,${encodeURIComponent(svg)}`
}

function summary(model: StatusPageModel): string {
  const enabled = model.checks.filter((check) => check.enabled)
  const up = enabled.filter((check) => check.state.status === 'up').length
  return `${up} of ${enabled.length} check${enabled.length === 1 ? '' : 's'} up`
}

const Legend: FC = () => (
  <ul class="legend">
    <li>
      <i class="up"></i>up
    </li>
    <li>
      <i class="degraded"></i>degraded
    </li>
    <li>
      <i class="down"></i>down
    </li>
    <li>
      <i class="inconclusive"></i>inconclusive
    </li>
    <li>
      <i></i>no data
    </li>
  </ul>
)

/** The whole page for one model. */
export const StatusPage: FC<{ model: StatusPageModel }> = ({ model }) => {
  const now = model.generatedAt
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="refresh" content={String(REFRESH_SECONDS)} />
        <title>{`${model.project} status`}</title>
        <link rel="icon" href={favicon(model.overall)} />
        <style dangerouslySetInnerHTML={{ __html: STATUS_PAGE_CSS }} />
      </head>
      <body>
        <div class="wrap">
          <header class="top">
            <h1>{model.project}</h1>
            <div class="generated">
              Updated <time datetime={new Date(now).toISOString()}>{formatDateTime(now)}</time>
            </div>
          </header>
          <div class={`banner ${model.overall}`} role="status">
            <span class="banner-icon" aria-hidden="true">
              {BANNER_ICONS[model.overall]}
            </span>
            {OVERALL_HEADLINES[model.overall]}
            <span class="sub">{summary(model)}</span>
          </div>
          <section>
            <div class="section-head">
              <h2>Checks</h2>
              <Legend />
            </div>
            {model.checks.length === 0 ? (
              <div class="card empty">No checks are configured.</div>
            ) : (
              model.checks.map((check) => <CheckCard check={check} now={now} />)
            )}
          </section>
          {model.incidents && (
            <section>
              <div class="section-head">
                <h2>Incidents</h2>
              </div>
              <IncidentList incidents={model.incidents} now={now} />
            </section>
          )}
          {model.slos && <SloSection slos={model.slos} />}
          <section>
            <div class="section-head">
              <h2>Probes</h2>
            </div>
            <ProbeTable probes={model.probes} now={now} />
          </section>
          <footer>
            Refreshes every {REFRESH_SECONDS} s · times in UTC · Vantage synthetic monitoring
          </footer>
        </div>
      </body>
    </html>
  )
}

/**
 * Renders the page to an HTML document. hono/jsx escapes every text and attribute
 * value; only the constant stylesheet is inserted raw.
 */
export async function renderStatusPage(model: StatusPageModel): Promise<string> {
  return `<!DOCTYPE html>${await (<StatusPage model={model} />).toString()}`
}
