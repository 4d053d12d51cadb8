// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * A public (or private) status page: components with their states and 90 daily bars,
 * incident posts and maintenance. Rendered on the server and complete without
 * JavaScript; the inline script only localises times, toggles the theme and keeps
 * the page live.
 */
import type { FC } from 'hono/jsx'
import type { ComponentState } from '../../checks/status-page.ts'
import type { DayBar } from '../statuspages/day-bar.ts'
import type { PageComponent, PageModel } from '../statuspages/page-model.ts'
import { maintenanceStatus } from '../statuspages/page-model.ts'
import type { Post } from '../statuspages/post-store.ts'
import { formatDateTime } from './format.ts'
import { componentPage, Pager, Summary } from './public-paging.tsx'
import { State, STATE_ICONS } from './public-state.tsx'

export { STATE_ICONS } from './public-state.tsx'
import { PUBLIC_PAGE_CSS, PUBLIC_PAGE_JS } from './public-styles.ts'

const BAR_CLASS: Record<DayBar['worst'], string> = {
  none: 'n',
  operational: '',
  degraded: 'd',
  partial: 'p',
  major: 'x',
  maintenance: 'm',
}

const escapeAttr = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * A component's 90 bars as one string: the page's largest part, built without a JSX
 * element per bar. Labels are the hub's own words and are escaped all the same.
 */
export function barsHtml(days: DayBar[]): string {
  let html = ''
  for (const day of days) {
    let li = BAR_HTML.get(day)
    if (li === undefined) {
      const cls = BAR_CLASS[day.worst]
      li = `<li tabindex="0"${cls ? ` class="${cls}"` : ''} aria-label="${escapeAttr(day.label)}"></li>`
      BAR_HTML.set(day, li)
    }
    html += li
  }
  return html
}

/** The markup of a bar, kept as long as the bar itself (finished days' bars are reused). */
const BAR_HTML = new WeakMap<DayBar, string>()

/** Past incidents on the page itself; the feeds and the JSON have more. */
const PAST_SHOWN = 10

/** Where a page's other resources live, relative to what the visitor reached. */
export interface PageLinks {
  /** The page's own path, e.g. `/status/public`; feeds and JSON hang below it. */
  base: string
  /** False on private pages: no feeds, no subscriptions. */
  feeds: boolean
  subscribe: boolean
  /** Set on a static export: no live updates, no forms. */
  static?: boolean
}

const Time: FC<{ at: number }> = ({ at }) => (
  <time datetime={new Date(at).toISOString()} title={formatDateTime(at)} data-local="">
    {formatDateTime(at)}
  </time>
)

const Bars: FC<{ component: PageComponent }> = ({ component }) => (
  <>
    <ol
      class="bars"
      aria-label={`${component.name}: the last 90 days, one bar a day`}
      dangerouslySetInnerHTML={{ __html: barsHtml(component.days) }}
    />
    <div class="axis" aria-hidden="true">
      <span>90 days ago</span>
      <span>{component.uptime === null ? 'No data yet' : `${component.uptimeText} uptime`}</span>
      <span>Today</span>
    </div>
  </>
)

const Component: FC<{ component: PageComponent; level: 3 | 4 }> = ({ component, level }) => {
  const Heading = level === 3 ? 'h3' : 'h4'
  return (
    <div class="comp" id={`c-${component.id}`}>
      <div class="row">
        <Heading style="font-size:1rem;margin:0">{component.name}</Heading>
        <State state={component.state} />
      </div>
      {component.description && <p class="why">{component.description}</p>}
      {component.reason && component.state !== 'operational' && (
        <p class="why">{component.reason}</p>
      )}
      {component.targets && <p class="extra">{component.targets.join(' · ')}</p>}
      {component.probes && component.probes.length > 0 && (
        <p class="extra">Probes: {component.probes.join(', ')}</p>
      )}
      {component.errorCodes && component.errorCodes.length > 0 && (
        <p class="extra">Error codes: {component.errorCodes.join(', ')}</p>
      )}
      <Bars component={component} />
    </div>
  )
}

const POST_STATE: Record<string, ComponentState> = {
  none: 'degraded_performance',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
  maintenance: 'under_maintenance',
}

const PostCard: FC<{ post: Post; model: PageModel }> = ({ post, model }) => {
  const names = post.components
    .map((id) => model.components.find((c) => c.id === id)?.name)
    .filter(Boolean)
  const status =
    post.kind === 'maintenance' ? maintenanceStatus(post, model.generatedAt) : post.status
  return (
    <article class={`card post s-${POST_STATE[post.impact]}`} id={`p-${post.id}`}>
      <h3>{post.title}</h3>
      <p class="meta">
        {status.replace('_', ' ')}
        {names.length > 0 && ` · affects ${names.join(', ')}`}
        {post.scheduledFor !== null && (
          <>
            {' · '}
            <Time at={post.scheduledFor} />
            {post.scheduledUntil !== null && (
              <>
                {' to '}
                <Time at={post.scheduledUntil} />
              </>
            )}
          </>
        )}
      </p>
      <ol>
        {[...post.updates].reverse().map((update) => (
          <li>
            <b>{update.status.replace('_', ' ')}</b> — {update.body}{' '}
            <span class="meta">
              (<Time at={update.at} />)
            </span>
          </li>
        ))}
      </ol>
    </article>
  )
}

const Posts: FC<{ title: string; posts: Post[]; model: PageModel }> = ({ title, posts, model }) =>
  posts.length === 0 ? null : (
    <section aria-label={title}>
      <h2>{title}</h2>
      {posts.map((post) => (
        <PostCard post={post} model={model} />
      ))}
    </section>
  )

export const PublicPage: FC<{
  model: PageModel
  links: PageLinks
  etag: string
  pageNumber?: number
}> = ({ model, links, etag, pageNumber = 1 }) => {
  const { page } = model
  // A static copy has no pager to follow: it shows every component.
  const paging = links.static
    ? { page: 1, pages: 1, sections: model.sections, pageOf: () => 1 }
    : componentPage(model, pageNumber)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${model.headline} · ${page.title}`}</title>
        {page.description && <meta name="description" content={page.description} />}
        {links.feeds && (
          <>
            <link
              rel="alternate"
              type="application/rss+xml"
              title={`${page.title} (RSS)`}
              href={`${links.base}/history.rss`}
            />
            <link
              rel="alternate"
              type="application/atom+xml"
              title={`${page.title} (Atom)`}
              href={`${links.base}/history.atom`}
            />
          </>
        )}
        {!links.static && (
          <noscript>
            <meta http-equiv="refresh" content="60" />
          </noscript>
        )}
        <style dangerouslySetInnerHTML={{ __html: PUBLIC_PAGE_CSS }} />
      </head>
      <body data-etag={etag} data-events={`${links.base}/events`}>
        <header class="hd">
          <div>
            <h1>{page.title}</h1>
            {page.description && <p class="desc">{page.description}</p>}
          </div>
          <div class="tools">
            {links.subscribe && <a href="#subscribe">Subscribe to updates</a>}
            <button id="theme" type="button" hidden>
              Toggle dark mode
            </button>
          </div>
        </header>
        <main>
          <section class={`banner s-${model.state}`} role="status" aria-live="polite">
            <span class="ico" aria-hidden="true">
              {STATE_ICONS[model.state]}
            </span>
            <div>
              <strong>{model.headline}</strong>
              <p>
                {model.reason ? `${model.reason}. ` : ''}
                Updated <Time at={model.generatedAt} />
              </p>
            </div>
          </section>
          <Posts title="Maintenance in progress" posts={model.activeMaintenance} model={model} />
          <Posts title="Current incidents" posts={model.activeIncidents} model={model} />
          <Posts title="Scheduled maintenance" posts={model.upcomingMaintenance} model={model} />
          <section aria-labelledby="components-h">
            <h2 id="components-h">Components</h2>
            <p class="legend">
              Uptime over 90 days: a major outage counts in full, a partial outage 30 %, degraded
              performance not at all, maintenance is left out. Focus or hover a day for its figures.
            </p>
            {paging.pages > 1 && <Summary model={model} paging={paging} />}
            {paging.sections.map((section) =>
              section.group ? (
                <details class="card grp" open={section.group.open}>
                  <summary>
                    <div class="row">
                      <h3>{section.group.name}</h3>
                      <State
                        state={section.group.components.reduce<ComponentState>(
                          (w, c) => (c.state !== 'operational' ? c.state : w),
                          'operational',
                        )}
                      />
                    </div>
                  </summary>
                  {section.group.components.map((c) => (
                    <Component component={c} level={4} />
                  ))}
                </details>
              ) : (
                <div class="card grp">
                  <Component component={section.component!} level={3} />
                </div>
              ),
            )}
            <Pager paging={paging} />
          </section>
          <Posts
            title="Past incidents (14 days)"
            posts={model.recentIncidents.slice(0, PAST_SHOWN)}
            model={model}
          />
          {model.recentIncidents.length > PAST_SHOWN && links.feeds && (
            <p class="meta">
              {model.recentIncidents.length - PAST_SHOWN} more in the{' '}
              <a href={`${links.base}/history.rss`}>feed</a> and the{' '}
              <a href={`${links.base}/api/v2/incidents.json`}>incident history</a>.
            </p>
          )}
          {links.subscribe && !links.static && (
            <section aria-labelledby="subscribe">
              <h2 id="subscribe">Subscribe to updates</h2>
              <form class="card sub" method="post" action={`${links.base}/subscribe`}>
                <label for="sub-email">Email</label>
                <input id="sub-email" type="email" name="email" required autocomplete="email" />
                <button type="submit">Subscribe</button>
                {model.components.length > 1 && (
                  <fieldset class="pick">
                    <legend>
                      Only these components (none ticked: all)
                      {paging.pages > 1 ? `; those on this page` : ''}
                    </legend>
                    {paging.sections
                      .flatMap((s) => (s.group ? s.group.components : [s.component!]))
                      .map((c) => (
                        <label>
                          <input type="checkbox" name="components" value={c.id} /> {c.name}
                        </label>
                      ))}
                  </fieldset>
                )}
                <span class="meta">
                  We send a link to confirm; every email has a one-click unsubscribe.
                </span>
              </form>
            </section>
          )}
        </main>
        <footer>
          {links.feeds && (
            <>
              <a href={`${links.base}/history.rss`}>RSS</a>
              <a href={`${links.base}/history.atom`}>Atom</a>
              <a href={`${links.base}/api/v2/summary.json`}>JSON</a>
            </>
          )}
          <span>Times in your time zone; hover for UTC. Powered by Vantage.</span>
        </footer>
        {!links.static && <script dangerouslySetInnerHTML={{ __html: PUBLIC_PAGE_JS }} />}
      </body>
    </html>
  )
}

export async function renderPublicPage(
  model: PageModel,
  links: PageLinks,
  etag: string,
  pageNumber = 1,
) {
  return `<!DOCTYPE html>${await (
    <PublicPage model={model} links={links} etag={etag} pageNumber={pageNumber} />
  ).toString()}`
}
