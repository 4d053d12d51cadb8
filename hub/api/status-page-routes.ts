/**
 * What visitors and their tools read from a status page: the page, the Statuspage v2
 * JSON, RSS and Atom, badges and live updates. Each page lives under `/status/<slug>`;
 * the home page is also served at `/` and `/api/v2/...`, so a Statuspage client pointed
 * at the hub's root works unchanged.
 *
 * - `GET /status/:slug` the page (HTML; `?export` for a static copy with relative links and no
 *   script); `/status/:slug/events` server-sent events
 * - `GET /status/:slug/api/v2/{summary,status,components,incidents,incidents/unresolved,
 *   scheduled-maintenances,scheduled-maintenances/upcoming,scheduled-maintenances/active}.json`
 * - `GET /status/:slug/history.rss`, `history.atom` (public pages only)
 * - `GET /status/:slug/badges/{status,uptime-24h,uptime-7d,uptime-30d,uptime-90d,p95-24h,...}.{svg,json}`
 *   with `?component=<id>`; `.json` is a shields.io endpoint document
 * - `POST /status/:slug/login` a private page's password form
 *
 * JSON answers carry an ETag and answer 304 to a matching If-None-Match; public pages
 * are cached `public, max-age=30, stale-while-revalidate=60` (badges 60 s), private
 * pages `private, no-store`. An unknown page is a real 404.
 */
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { compress } from 'hono/compress'
import { streamSSE } from 'hono/streaming'
import type { StatusPageConfig } from '../../checks/status-page.ts'
import { renderPublicPage } from '../pages/public-page.tsx'
import { renderPlainPage } from '../pages/plain-page.tsx'
import {
  badgeSvg,
  latencyFacts,
  shieldsJson,
  statusFacts,
  UPTIME_WINDOWS,
  uptimeFacts,
  type BadgeFacts,
  type UptimeWindow,
} from '../statuspages/badges.ts'
import { worstState } from '../statuspages/component-state.ts'
import { atomFeed, rssFeed } from '../statuspages/feeds.ts'
import {
  componentBuckets,
  DAY_MS,
  HOUR_MS,
  uptimeOf,
  type DailyHistory,
} from '../statuspages/history.ts'
import type { PageModel } from '../statuspages/page-model.ts'
import { V2_DOCUMENTS, v2Json, type V2Document } from '../statuspages/statuspage-json.ts'
import type { StatusPages } from '../statuspages/status-pages.ts'
import { pageAccess, pageCookie } from './page-access.ts'
import { answerOf, ResponseCache, sendAnswer, type CachedAnswer } from './response-cache.ts'

export const PUBLIC_CACHE = 'public, max-age=30, stale-while-revalidate=60'
export const BADGE_CACHE = 'public, max-age=60'
export const PRIVATE_CACHE = 'private, no-store'
/** How often a live page's stream looks for a change. */
export const EVENTS_POLL_MS = 5_000

export interface StatusPageRouteDeps {
  pages: StatusPages
  history: DailyHistory
  apiToken?: string
  /** The hub's public base URL; default: the request's origin. */
  publicUrl?: string
  now: () => number
  /** Whether a page offers subscriptions (an email channel or webhooks). */
  subscribable?: (page: StatusPageConfig) => boolean
}

const tag = (text: string) =>
  `W/"${createHash('sha1').update(text).digest('base64url').slice(0, 22)}"`

/** How long a built page, JSON document, feed or badge is kept when its version stands. */
export const ANSWER_MAX_AGE_MS = 30_000

/** Digests already made, per model: live pages ask for theirs every few seconds. */
const DIGESTS = new WeakMap<PageModel, string>()

/** What changes a page for a visitor: not the clock, so that an unchanged page answers 304. */
export function pageDigest(model: PageModel): string {
  const known = DIGESTS.get(model)
  if (known) return known
  const digest = makeDigest(model)
  DIGESTS.set(model, digest)
  return digest
}

function makeDigest(model: PageModel): string {
  return tag(
    JSON.stringify([
      model.state,
      model.historyKey ?? null,
      // With a history key the finished days are said by it; only today's bar is read.
      model.components.map((c) => [
        c.id,
        c.state,
        c.reason,
        c.uptimeText,
        model.historyKey ? c.days.at(-1)?.label : c.days.map((d) => d.label),
      ]),
      model.posts.map((p) => [p.id, p.updatedAt, p.status, p.published]),
      model.page,
    ]),
  )
}

function origin(c: Context, publicUrl: string | undefined): string {
  return (publicUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '')
}

export function pageUrl(c: Context, deps: { publicUrl?: string }, page: StatusPageConfig): string {
  return page.url?.replace(/\/+$/, '') ?? `${origin(c, deps.publicUrl)}/status/${page.slug}`
}

function parseBadge(
  name: string,
): { kind: 'status' | 'uptime' | 'p95'; window: UptimeWindow } | null {
  if (name === 'status') return { kind: 'status', window: '24h' }
  const match = /^(uptime|p95)-(24h|7d|30d|90d)$/.exec(name)
  return match ? { kind: match[1] as 'uptime' | 'p95', window: match[2] as UptimeWindow } : null
}

export function statusPageRoutes(deps: StatusPageRouteDeps): Hono {
  const app = new Hono()
  // Built answers, kept while the pages' version stands (the read model's, where the hub
  // has one: a state, a post, an override, a deploy) for up to ANSWER_MAX_AGE_MS; without
  // a version every request builds its answer.
  const answers = new ResponseCache(512)
  const cached = (
    c: Context,
    page: StatusPageConfig,
    build: () => CachedAnswer | Promise<CachedAnswer>,
  ): Promise<CachedAnswer> => {
    const maxAge = deps.pages.versioned() ? ANSWER_MAX_AGE_MS : 0
    const url = new URL(c.req.url)
    return answers.get(
      `${url.pathname}${url.search}`,
      `${deps.pages.version()}:${page.slug}`,
      deps.now(),
      maxAge,
      build,
    )
  }
  const headersOf = (page: StatusPageConfig, cache = PUBLIC_CACHE) => ({
    'cache-control': page.access === 'private' ? PRIVATE_CACHE : cache,
    vary: 'authorization, cookie',
  })
  // Pages, JSON and feeds go out gzipped to clients that take it; the event stream is
  // not a compressible type, so it is left alone and flushes each event at once.
  for (const path of ['/', '/status/*', '/api/v2/*']) app.use(path, compress())

  /** The page, or the response that refuses it (404, or 401 on a private page). */
  const resolve = (c: Context, slug: string | undefined, html: boolean) => {
    const page = slug === undefined ? deps.pages.home() : deps.pages.get(slug)
    if (!page) {
      const error = slug === undefined ? 'this hub has no status page' : `no status page "${slug}"`
      return {
        response: html ? c.html(renderPlainPage('Not found', error), 404) : c.json({ error }, 404),
      }
    }
    if (!pageAccess(c, page, deps.apiToken)) {
      c.header('cache-control', PRIVATE_CACHE)
      if (!html)
        return {
          response: c.json(
            { error: 'this page is private: send the API token or sign in with the page password' },
            401,
          ),
        }
      return {
        response: c.html(
          renderPlainPage(page.title, 'This status page is private.', `/status/${page.slug}/login`),
          401,
        ),
      }
    }
    return { page }
  }

  const linksOf = (page: StatusPageConfig, base: string) => ({
    base,
    feeds: page.access === 'public',
    subscribe: page.access === 'public' && (deps.subscribable?.(page) ?? false),
  })

  const htmlPage = async (c: Context, slug: string | undefined) => {
    const found = resolve(c, slug, true)
    if (!found.page) return found.response
    const page = found.page
    const answer = await cached(c, page, async () => {
      const model = deps.pages.model(page)
      // A static copy (vantage status export) links its files relatively and runs no script.
      const exported = c.req.query('export') !== undefined
      const links = exported
        ? { ...linksOf(page, '.'), subscribe: false, static: true }
        : linksOf(page, `/status/${page.slug}`)
      // A page of many components is paged (public-page.tsx); each page has its own tag.
      const number = Number(c.req.query('page') ?? 1)
      const digest = pageDigest(model)
      const etag = number > 1 ? tag(`${digest}:${number}`) : digest
      const html = await renderPublicPage(model, links, digest, number)
      return answerOf(html, 'text/html; charset=utf-8', etag)
    })
    return sendAnswer(c, answer, headersOf(page))
  }

  app.get('/', (c) => htmlPage(c, undefined))
  app.get('/status/:slug', (c) => htmlPage(c, c.req.param('slug')))

  const v2 = async (c: Context, slug: string | undefined, doc: string) => {
    if (!V2_DOCUMENTS.includes(doc as V2Document)) {
      return c.json({ error: `no document ${doc}.json; there are ${V2_DOCUMENTS.join(', ')}` }, 404)
    }
    const found = resolve(c, slug, false)
    if (!found.page) return found.response
    const page = found.page
    const answer = await cached(c, page, () =>
      answerOf(
        JSON.stringify(
          v2Json(deps.pages.model(page), doc as V2Document, { url: pageUrl(c, deps, page) }),
        ),
        'application/json; charset=utf-8',
      ),
    )
    return sendAnswer(c, answer, headersOf(page))
  }
  const docOf = (c: Context) => c.req.path.replace(/^.*\/api\/v2\//, '').replace(/\.json$/, '')
  app.get('/api/v2/*', (c) => v2(c, undefined, docOf(c)))
  app.get('/status/:slug/api/v2/*', (c) => v2(c, c.req.param('slug'), docOf(c)))

  for (const [name, type, build] of [
    ['history.rss', 'application/rss+xml; charset=utf-8', rssFeed],
    ['history.atom', 'application/atom+xml; charset=utf-8', atomFeed],
  ] as const) {
    app.get(`/status/:slug/${name}`, async (c) => {
      const found = resolve(c, c.req.param('slug'), false)
      if (!found.page) return found.response
      const page = found.page
      if (page.access !== 'public') return c.json({ error: 'private pages have no feeds' }, 404)
      const answer = await cached(c, page, () =>
        answerOf(build(deps.pages.model(page), pageUrl(c, deps, page)), type),
      )
      return sendAnswer(c, answer, headersOf(page))
    })
  }

  app.get('/status/:slug/badges/:file', async (c) => {
    const found = resolve(c, c.req.param('slug'), false)
    if (!found.page) return found.response
    const page = found.page
    const match = /^([a-z0-9-]+)\.(svg|json)$/.exec(c.req.param('file'))
    const badge = match ? parseBadge(match[1]!) : null
    if (!match || !badge) {
      return c.json(
        {
          error:
            'badges are status, uptime-{24h,7d,30d,90d} and p95-{24h,7d,30d,90d}, as .svg or .json',
        },
        404,
      )
    }
    const componentId = c.req.query('component')
    if (
      componentId !== undefined &&
      !deps.pages.model(page).components.some((x) => x.id === componentId)
    ) {
      return c.json({ error: `no component "${componentId}"` }, 404)
    }
    const answer = await cached(c, page, () => {
      const model = deps.pages.model(page)
      const components = componentId
        ? model.components.filter((x) => x.id === componentId)
        : model.components
      const label = componentId ? components[0]!.name : undefined
      let facts: BadgeFacts
      if (badge.kind === 'status') {
        facts = statusFacts(worstState(components.map((x) => x.state)), label ?? 'status')
      } else if (badge.kind === 'uptime') {
        facts = uptimeFacts(
          uptimeFor(components, badge.window, deps, model.generatedAt),
          badge.window,
        )
      } else {
        const ids = components.flatMap((x) => x.checkIds)
        const now = model.generatedAt
        facts = latencyFacts(
          deps.history.latencyP95(ids, now - UPTIME_WINDOWS[badge.window] * DAY_MS, now),
          badge.window,
        )
      }
      if (label && badge.kind !== 'status') facts = { ...facts, label: `${label} ${facts.label}` }
      const body = match[2] === 'svg' ? badgeSvg(facts) : JSON.stringify(shieldsJson(facts))
      const type = match[2] === 'svg' ? 'image/svg+xml' : 'application/json; charset=utf-8'
      return answerOf(body, type)
    })
    return sendAnswer(c, answer, headersOf(page, BADGE_CACHE))
  })

  app.get('/status/:slug/events', (c) => {
    const found = resolve(c, c.req.param('slug'), false)
    if (!found.page) return found.response
    const page = found.page
    c.header('cache-control', 'no-store')
    return streamSSE(c, async (stream) => {
      let last = ''
      while (!stream.aborted) {
        const current = deps.pages.get(page.slug)
        if (!current) break
        const digest = pageDigest(deps.pages.model(current))
        if (digest !== last) {
          await stream.writeSSE({ data: digest })
          last = digest
        }
        await stream.sleep(EVENTS_POLL_MS)
      }
    })
  })

  app.get('/status/:slug/login', (c) => {
    const page = deps.pages.get(c.req.param('slug'))
    if (!page)
      return c.html(renderPlainPage('Not found', `no status page "${c.req.param('slug')}"`), 404)
    return c.html(
      renderPlainPage(page.title, 'This status page is private.', `/status/${page.slug}/login`),
    )
  })

  app.post('/status/:slug/login', async (c) => {
    const page = deps.pages.get(c.req.param('slug'))
    if (!page)
      return c.html(renderPlainPage('Not found', `no status page "${c.req.param('slug')}"`), 404)
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const given = typeof form.password === 'string' ? form.password : ''
    const cookie = pageCookie(page, given, deps.apiToken)
    if (!cookie) {
      return c.html(
        renderPlainPage(page.title, 'That password is not right.', `/status/${page.slug}/login`),
        401,
      )
    }
    c.header('set-cookie', cookie)
    return c.redirect(`/status/${page.slug}`, 303)
  })

  return app
}

/** A window's uptime from the same minutes as the bars: hours for 24 h, days beyond. */
function uptimeFor(
  components: PageModel['components'],
  window: UptimeWindow,
  deps: StatusPageRouteDeps,
  now: number,
): number | null {
  if (window !== '24h') {
    return uptimeOf(components.flatMap((c) => c.days.slice(-UPTIME_WINDOWS[window])))
  }
  const hourNow = Math.floor(now / HOUR_MS) * HOUR_MS
  const starts = Array.from({ length: 24 }, (_, i) => hourNow - (23 - i) * HOUR_MS)
  return uptimeOf(
    components.flatMap((c) => {
      const hours = deps.history.hours(c.checkIds, starts[0]!, hourNow + HOUR_MS)
      return componentBuckets(c.checkIds, hours, starts, HOUR_MS, (lo, hi) =>
        deps.history.downSpans(c.checkIds, lo, hi),
      )
    }),
  )
}
