/**
 * The hub's HTTP app: the read-only JSON API, the status page and the health check.
 * Everything it reads comes in through `HubAppDeps`, so tests build it on a real
 * store without a running hub.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { CheckSpec } from '../../checks/spec.ts'
import type { StatusPageConfig } from '../../checks/status-page.ts'
import { createLogger, type Logger } from '../../lib/logger.ts'
import type { HeartbeatDirectory } from '../heartbeats/heartbeats.ts'
import {
  buildStatusPageModel,
  internalPageOf,
  type StatusPageQuery,
} from '../views/status-page-model.ts'
import type { ReadModel } from '../views/read-model.ts'
import { CHECK_STATES } from '../views/check-filter.ts'
import { answerOf, etagOf, ResponseCache, sendAnswer } from './response-cache.ts'
import { renderStatusPage } from '../pages/status-page.tsx'
import type { ResultStore } from '../store/result-store.ts'
import type { CheckAlertState, Outage } from '../alerts/alert-state.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import type { Silences } from '../silences/silences.ts'
import type { RegionState } from '../alerts/engine/alert-engine.ts'
import type { ChannelHealth } from '../alerts/notify/channel-health.ts'
import type { SloView } from '../slo/slo-views.ts'
import type { CheckViewSources } from '../views/check-view.ts'
import { channelRoutes } from './channel-routes.ts'
import { incidentRoutes, type IncidentRouteDeps } from './incident-routes.ts'
import { silenceRoutes } from './silence-routes.ts'
import { deployRoutes, type DeployRouteDeps } from './deploy-routes.ts'
import { heartbeatRoutes } from './heartbeat-routes.ts'
import { probeRoutes, type ProbeRouteDeps } from './probe-routes.ts'
import { checkRoutes } from './check-routes.ts'
import { secretAccess } from './secret-access.ts'
import type { StatusPages } from '../statuspages/status-pages.ts'
import type { DailyHistory } from '../statuspages/history.ts'
import { statusPageRoutes } from './status-page-routes.ts'
import { statusAdminRoutes } from './status-admin-routes.ts'
import { internalAccess, internalCookie } from './page-access.ts'
import { renderPlainPage } from '../pages/plain-page.tsx'
import { openApiDocument } from './openapi.ts'

/** Reads that carry targets, probe ids, raw errors or samples: the API token's, when there is one. */
const INTERNAL_READS = [
  '/api/v1/checks',
  '/api/v1/checks/*',
  '/api/v1/probes',
  '/api/v1/probes/*',
  '/api/v1/incidents',
  '/api/v1/incidents/*',
  '/api/v1/regions',
  '/api/v1/channels',
  '/api/v1/silences',
  '/api/v1/maintenance',
]

/** How long a built page of the internal view is kept when nothing it shows changed. */
export const INTERNAL_MAX_AGE_MS = 10_000

/** The internal view's query: ?page (1-based), ?state (comma-separated), ?tag, ?q. */
function internalQuery(
  page: string | undefined,
  state: string | undefined,
  tags: string[] | undefined,
  q: string | undefined,
): StatusPageQuery {
  const n = Number(page)
  return {
    page: Number.isInteger(n) && n > 0 ? n : 1,
    states: (state ?? '').split(',').filter((s) => (CHECK_STATES as readonly string[]).includes(s)),
    tags: (tags ?? []).flatMap((t) => t.split(',')).filter(Boolean),
    ...(q ? { q: q.toLowerCase() } : {}),
  }
}

/**
 * Everything the HTTP app reads from the running hub: functions, so that each
 * request sees the current config, alert state and probes.
 */
export interface HubAppDeps {
  /** The project name shown on the status page. */
  project: () => string
  /** The deployed checks, in the order of the monitoring file. */
  checks: () => CheckSpec[]
  results: ResultStore
  alertState: (checkId: string) => CheckAlertState
  /** Confirmed outages of a check that overlap [from, to). */
  outages: (checkId: string, from: number, to: number) => Outage[]
  probes: () => ProbeInfo[]
  /** Retiring and draining probes; without it the probe list is read-only. */
  probeAdmin?: ProbeRouteDeps['admin']
  /** `ok: false` makes /healthz answer 503; the other fields are shown as they are. */
  health: () => { ok: boolean } & Record<string, unknown>
  now: () => number
  /** Where failed requests are logged. Default: a `hub-api` logger on standard error. */
  logger?: Logger
  /** Heartbeat pings and tokens; without it there are no `/ping` routes. */
  heartbeats?: HeartbeatDirectory
  /** The running config and deploys; without it there are no config and deploy routes. */
  deploys?: Omit<DeployRouteDeps, 'apiToken'>
  /** Bearer token for routes that show secrets or deploy. Default: none, loopback clients only. */
  apiToken?: string
  /** Base of the URLs the API hands out (ping URLs). Default: the request's origin. */
  publicUrl?: string
  /** A check's maintenance time, left out of its availability. */
  maintenanceWindows?: CheckViewSources['maintenanceWindows']
  /** Incidents, acks, silences, channel health and regions; without it there are no such routes. */
  alerting?: {
    incidents: Omit<IncidentRouteDeps, 'apiToken'>
    silences: Silences
    channelHealth: () => ChannelHealth[]
    regions: () => RegionState[]
  }
  /** The SLOs judged now, for the internal view's SLO section. */
  slos?: () => SloView[]
  /** Browser runs' evidence: the internal view's screenshots, the incident report's links. */
  evidence?: {
    lastScreenshot: (checkId: string) => { url: string; at: number } | undefined
    report: IncidentRouteDeps['evidence']
  }
  /**
   * The hub's read model (hub/views/read-model.ts): with it the internal view and the
   * check list read memory instead of a query per check, and keep built answers until
   * something they show changes.
   */
  readModel?: ReadModel
  /** Public and private status pages; without it `/` has no page. */
  statusPages?: {
    pages: StatusPages
    history: DailyHistory
    /** Extra routes: subscriptions. */
    routes?: Hono
    subscribable?: (page: StatusPageConfig) => boolean
  }
}

/**
 * Builds the hub's Hono app.
 *
 * - `GET /` the home status page, `/status/:slug...` every status page, its v2 JSON, feeds
 *   and badges, `/api/v2/...` the home page's v2 JSON: see status-page-routes.ts
 * - `GET /internal` every check with its internals and the probes (the API token's view)
 * - `/api/v1/status-pages...` posts and overrides: see status-admin-routes.ts
 * - `GET /api/openapi.json` the OpenAPI document of /api/v1 and /api/v2
 * - `GET /healthz` 200 `{ ok: true, ... }`, or 503 when not ok
 * - `/api/v1/checks...` (paged list, one check, history, availability): see check-routes.ts
 * - `/api/v1/probes...` (list, remove, drain): see probe-routes.ts
 * - `/ping/...` and `GET /api/v1/heartbeats`: see heartbeat-routes.ts
 * - `/api/v1/config` and `/api/v1/deploys...`: see deploy-routes.ts
 * - `/api/v1/incidents...` (list, detail, report, ack): see incident-routes.ts
 * - `/api/v1/silences` and `/api/v1/maintenance`: see silence-routes.ts
 * - `GET /api/v1/channels` channel health; `GET /api/v1/regions` region connectivity
 *
 * @example
 * const app = createApp({ project: () => 'Acme', checks: () => config.checks, results, ... })
 * serve({ fetch: app.fetch, port: 8080 })
 */
export function createApp(deps: HubAppDeps): Hono {
  const logger = deps.logger ?? createLogger('hub-api')
  const app = new Hono()

  const pageSources = {
    ...deps,
    incidents: deps.alerting
      ? (since: number) => {
          const store = deps.alerting!.incidents.incidents
          return { open: store.find({ open: true }), recent: store.find({ since, limit: 20 }) }
        }
      : undefined,
    inMaintenance: deps.alerting
      ? (check: { id: string; tags: string[] }, at: number) =>
          deps.alerting!.silences.inMaintenance(check.id, check.tags, at)
      : undefined,
    evidence: deps.evidence?.lastScreenshot,
  }
  // Targets, probe ids and error codes are the operators' view: with an API token, only
  // its holders read them; the public reads the status pages and the v2 JSON.
  if (deps.apiToken) {
    const apiToken = deps.apiToken
    const guard: MiddlewareHandler = async (c, next) => {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next()
      const access = secretAccess(c, apiToken)
      if (access.ok) return next()
      c.header('www-authenticate', 'Bearer')
      return c.json(
        {
          error:
            'this route needs the API token: send Authorization: Bearer <token> (vantage --api-token, ' +
            'or VANTAGE_API_TOKEN); the public JSON is /api/v2 and /status/<page>/api/v2',
        },
        401,
      )
    }
    // Config, deploys and heartbeats guard themselves, with their own words.
    for (const path of INTERNAL_READS) app.use(path, guard)
  }

  // The internal view: a page of INTERNAL_PAGE_SIZE checks (?page, filtered by ?state,
  // ?tag and ?q as the check list is), kept until a state, a result of a check it shows,
  // or INTERNAL_MAX_AGE_MS changes it; a reload with its ETag gets 304.
  const internalPages = new ResponseCache(64)
  const internalShown = new Map<
    string,
    ReturnType<typeof internalPageOf> & { version: number; checks: CheckSpec[] }
  >()
  app.get('/internal', async (c) => {
    if (!internalAccess(c, deps.apiToken)) {
      c.header('cache-control', 'private, no-store')
      return c.html(
        renderPlainPage('Internal view', 'Sign in with the API token.', '/internal/login'),
        401,
      )
    }
    const query = internalQuery(
      c.req.query('page'),
      c.req.query('state'),
      c.req.queries('tag'),
      c.req.query('q'),
    )
    const now = deps.now()
    const headers = { 'cache-control': 'private, no-cache', vary: 'authorization, cookie' }
    const model = deps.readModel
    if (!model) {
      const html = await renderStatusPage(buildStatusPageModel(pageSources, now, query))
      return sendAnswer(c, answerOf(html, 'text/html; charset=utf-8'), headers)
    }
    // Which checks a query shows changes only with the model's version (states, deploys).
    const search = new URL(c.req.url).search
    const version = model.version()
    let page = internalShown.get(search)
    if (!page || page.version !== version || page.checks !== deps.checks()) {
      page = { version, checks: deps.checks(), ...internalPageOf(pageSources, query) }
      internalShown.set(search, page)
      if (internalShown.size > 64) internalShown.delete(internalShown.keys().next().value!)
    }
    const stamp = `${model.version()}:${page.shown.map((spec) => model.checkVersion(spec.id)).join(',')}`
    const answer = await internalPages.get(search, stamp, now, INTERNAL_MAX_AGE_MS, async () => {
      const html = await renderStatusPage(buildStatusPageModel(pageSources, now, query))
      return answerOf(html, 'text/html; charset=utf-8', etagOf(html))
    })
    return sendAnswer(c, answer, headers)
  })
  app.post('/internal/login', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const cookie = internalCookie(
      typeof form.password === 'string' ? form.password : '',
      deps.apiToken,
    )
    if (!cookie) {
      return c.html(
        renderPlainPage('Internal view', 'That token is not right.', '/internal/login'),
        401,
      )
    }
    c.header('set-cookie', cookie)
    return c.redirect('/internal', 303)
  })

  if (deps.statusPages) {
    const { pages, history, routes, subscribable } = deps.statusPages
    const { apiToken, publicUrl, now } = deps
    app.route('/', statusPageRoutes({ pages, history, apiToken, publicUrl, now, subscribable }))
    app.route('/', statusAdminRoutes({ pages, apiToken, now }))
    if (routes) app.route('/', routes)
  }

  app.get('/api/openapi.json', (c) => c.json(openApiDocument(deps.publicUrl)))

  app.get('/healthz', (c) => {
    const health = deps.health()
    return c.json(health, health.ok ? 200 : 503)
  })

  app.route('/', checkRoutes(deps))

  app.route(
    '/',
    probeRoutes({ probes: deps.probes, admin: deps.probeAdmin, apiToken: deps.apiToken }),
  )

  if (deps.heartbeats) {
    const { heartbeats, apiToken, publicUrl } = deps
    app.route('/', heartbeatRoutes({ heartbeats, apiToken, publicUrl }))
  }

  if (deps.deploys) app.route('/', deployRoutes({ ...deps.deploys, apiToken: deps.apiToken }))

  if (deps.alerting) {
    const { incidents, silences, channelHealth, regions } = deps.alerting
    const apiToken = deps.apiToken
    const evidence = deps.evidence?.report
    app.route('/', incidentRoutes({ ...incidents, apiToken, evidence }))
    app.route('/', silenceRoutes({ silences, apiToken }))
    app.route('/', channelRoutes({ channelHealth }))
    app.get('/api/v1/regions', (c) => c.json(regions()))
  }

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404))

  app.onError((error, c) => {
    if (error instanceof HTTPException) return c.json({ error: error.message }, error.status)
    // One bad request (a corrupt row, a bug in a view) must not take the hub down:
    // log it with enough context to find, and answer the client plainly.
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed')
    return c.json({ error: 'internal error; see the hub log' }, 500)
  })

  return app
}
