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
import {
  INTERNAL_PAGE_SIZE,
  type StatusPageModel,
  type StatusPageQuery,
} from '../views/status-page-model.ts'
import type { CheckAlertStatus } from '../alerts/alert-state.ts'
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
  const n = model.enabledCount
  return `${model.upCount.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} check${n === 1 ? '' : 's'} up`
}

const STATE_WORDS: Array<[CheckAlertStatus, string]> = [
  ['down', 'down'],
  ['partial', 'partial'],
  ['degraded', 'degraded'],
  ['insufficient', 'too few probes'],
  ['unknown', 'unknown'],
  ['up', 'up'],
]

/** The view's address for a query: the filter kept, the page changed. */
function queryHref(query: StatusPageQuery, change: Partial<StatusPageQuery>): string {
  const next = { ...query, ...change }
  const params = new URLSearchParams()
  if (next.states.length > 0) params.set('state', next.states.join(','))
  for (const tag of next.tags) params.append('tag', tag)
  if (next.q) params.set('q', next.q)
  if (next.page > 1) params.set('page', String(next.page))
  const text = params.toString()
  return text ? `?${text}` : '?'
}

/** Every check by state, each a link to the checks in it; the filter in force. */
const Filters: FC<{ model: StatusPageModel }> = ({ model }) => {
  const { query } = model
  const all = query.states.length === 0 && query.tags.length === 0 && !query.q
  return (
    <ul class="filters" aria-label="Checks by state">
      <li>
        <a class={all ? 'on' : undefined} href="?">
          all{' '}
          {Object.values(model.counts)
            .reduce((a, b) => a + b, 0)
            .toLocaleString('en-US')}
        </a>
      </li>
      {STATE_WORDS.filter(([state]) => model.counts[state] > 0).map(([state, words]) => (
        <li>
          <a
            class={query.states.length === 1 && query.states[0] === state ? 'on' : undefined}
            href={queryHref({ page: 1, states: [state], tags: [] }, {})}
          >
            {words} {model.counts[state].toLocaleString('en-US')}
          </a>
        </li>
      ))}
      {!all && (
        <li class="muted">
          showing {model.matching.toLocaleString('en-US')} matching
          {query.tags.length > 0 ? ` tag ${query.tags.join(', ')}` : ''}
          {query.q ? ` “${query.q}”` : ''}
        </li>
      )}
    </ul>
  )
}

/** Previous and next pages of the checks, when there is more than one. */
const Pager: FC<{ model: StatusPageModel }> = ({ model }) =>
  model.pages <= 1 ? null : (
    <nav class="pager" aria-label="Pages of checks">
      {model.query.page > 1 && (
        <a href={queryHref(model.query, { page: model.query.page - 1 })} rel="prev">
          ← Previous
        </a>
      )}
      <span>
        Page {model.query.page} of {model.pages} ({INTERNAL_PAGE_SIZE} checks a page)
      </span>
      {model.query.page < model.pages && (
        <a href={queryHref(model.query, { page: model.query.page + 1 })} rel="next">
          Next →
        </a>
      )}
    </nav>
  )

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
            {Object.values(model.counts).some((n) => n > 0) && <Filters model={model} />}
            {model.checks.length === 0 ? (
              <div class="card empty">
                {model.matching === 0 &&
                (model.query.states.length + model.query.tags.length > 0 || model.query.q)
                  ? 'No check matches.'
                  : 'No checks are configured.'}
              </div>
            ) : (
              model.checks.map((check) => <CheckCard check={check} now={now} />)
            )}
            <Pager model={model} />
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
