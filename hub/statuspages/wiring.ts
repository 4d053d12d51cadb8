/**
 * Puts the status pages together for the hub: posts, history, subscriptions and their
 * deliveries, and a timer that opens incident posts for confirmed outages and sends
 * what subscribers are owed.
 */
import { send as sendEmail, type EmailChannel } from '../../checks/channels/email.ts'
import { matches } from '../../checks/alerting.ts'
import type { StatusPageConfig } from '../../checks/status-page.ts'
import { componentId } from '../../checks/status-page.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import type { Clock } from '../../lib/clock.ts'
import { postJson, type SendOutcome } from '../../lib/http-delivery.ts'
import type { Logger } from '../../lib/logger.ts'
import type { AlertEngine } from '../alerts/engine/alert-engine.ts'
import { subscriptionRoutes } from '../api/subscription-routes.ts'
import type { HistoryReader } from '../history/history-types.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import type { Silences } from '../silences/silences.ts'
import type { Database } from '../store/database.ts'
import type { ResultStore } from '../store/result-store.ts'
import { CachedHistory } from './cached-history.ts'
import { OutageHistory } from './outage-history.ts'
import { PostStore } from './post-store.ts'
import { RollupHistory } from './rollup-history.ts'
import { ReadModelHistory } from './read-model-history.ts'
import type { ReadModel } from '../views/read-model.ts'
import { StatusPages } from './status-pages.ts'
import { confirmationEmail, updateEmail, webhookBody } from './subscription-messages.ts'
import { Subscriptions, webhookSignature, type DueDelivery } from './subscriptions.ts'

/** How often the hub looks for new outages and due deliveries. */
export const TICK_MS = 5_000

export interface StatusPagesWiring {
  db: Database
  config: () => MonitoringConfig
  results: ResultStore
  incidents: Pick<IncidentStore, 'outages'>
  engine: Pick<AlertEngine, 'state'>
  silences: Pick<Silences, 'inMaintenance' | 'maintenanceWindows'> & Partial<Pick<Silences, 'list'>>
  clock: Clock
  logger: Logger
  publicUrl?: string
  /** Probe versions, for pages that show probes. */
  probes?: () => Array<{ probeId: string; version?: string }>
  /** Operators register webhooks and read the delivery log with it. */
  apiToken?: string
  /** The hub's rollups; without them the pages read confirmed outages (OutageHistory). */
  historyReader?: HistoryReader
  /**
   * The hub's read model: with it the pages read states, newest results, outages and
   * their bars from memory, keep their models until something on them changes, and say
   * every change of a page (a post, an override) to it.
   */
  readModel?: ReadModel
}

/** The email channel a page sends with, or undefined. */
function emailChannel(config: MonitoringConfig, page: StatusPageConfig): EmailChannel | undefined {
  const name = page.subscriptions.email?.channel
  const channel = config.channels.find((c) => c.name === name && c.type === 'email')
  return channel as EmailChannel | undefined
}

export function startStatusPages(w: StatusPagesWiring) {
  const posts = new PostStore(w.db)
  const subscriptions = new Subscriptions(w.db)
  const now = () => w.clock.now()
  // Indexed once per deployed list: DOWN spans of a component of 500 checks ask 500 times.
  let tagIndex: { of: MonitoringConfig['checks']; tags: Map<string, string[]> } | undefined
  const tagsOf = (id: string) => {
    const checks = w.config().checks
    if (tagIndex?.of !== checks) {
      tagIndex = { of: checks, tags: new Map(checks.map((c) => [c.id, c.tags])) }
    }
    return tagIndex.tags.get(id) ?? []
  }
  const model = w.readModel
  const outageHistory = new OutageHistory({
    outages: (id, from, to) =>
      model ? model.outages(id, from, to) : w.incidents.outages(id, from, to),
    maintenanceWindows: (check, from, to) => w.silences.maintenanceWindows(check, from, to),
    firstResultAt: (id) => w.results.firstResultAt(id),
    tagsOf,
    latencies: (id, from, to) =>
      w.results
        .recent(id, 1_000)
        .filter((r) => r.startedAt >= from && r.startedAt < to && r.status !== 'inconclusive')
        .map((r) => r.durationMs),
    now,
  })
  const cached = new CachedHistory(
    w.historyReader
      ? new RollupHistory(w.historyReader, (ids, from, to) =>
          outageHistory.downSpans(ids, from, to),
        )
      : outageHistory,
    now,
  )
  const history = model
    ? new ReadModelHistory(model, cached, (ids, from, to) => outageHistory.downSpans(ids, from, to))
    : cached
  let baseUrl = w.publicUrl?.replace(/\/+$/, '') ?? ''
  const pageUrl = (page: StatusPageConfig) =>
    page.url?.replace(/\/+$/, '') ?? `${baseUrl}/status/${page.slug}`

  let wake: () => void = () => {}
  const pages = new StatusPages({
    posts,
    project: () => w.config().project,
    configured: () => w.config().statusPages,
    checks: () => w.config().checks,
    alertState: (id) => w.engine.state(id),
    latestResults: (id) =>
      model
        ? [...model.latest(id).values()].map((run) => ({ ...run, error: run.error ?? undefined }))
        : Object.values(w.results.latestPerRegion(id)),
    probeVersion: (probeId) => w.probes?.().find((p) => p.probeId === probeId)?.version,
    inMaintenance: (check, at) => w.silences.inMaintenance(check.id, check.tags, at),
    maintenance: () =>
      (w.silences.list?.() ?? [])
        .filter((window) => window.kind === 'maintenance' && !window.problem)
        .map((window) => ({
          id: window.id,
          reason: window.reason,
          covers: (check) => matches(window.match, check),
          current: window.current,
          next: window.next,
        })),
    history,
    now,
    version: model ? () => model.version() : undefined,
    changesBesidesStates: model ? () => model.versionBesidesStates() : undefined,
    stateVersion: model ? (id) => model.stateVersion(id) : undefined,
    resultVersion: model ? (id) => model.checkVersion(id) : undefined,
    onChanged: model ? () => model.pageChanged('status page') : undefined,
    logger: w.logger,
    onPost: (page, post) => {
      const update = post.updates.at(-1)
      if (!update) return
      const queued = subscriptions.enqueueUpdate(
        page.slug,
        post.id,
        update.id,
        post.components,
        now(),
      )
      if (queued > 0) wake()
    },
  })

  const send = async (d: DueDelivery): Promise<SendOutcome> => {
    const page = pages.get(d.subscriber.page)
    if (!page) return { ok: false, error: 'the page is gone', retryable: false }
    const url = pageUrl(page)
    const post = d.postId ? posts.get(d.postId) : null
    const update = post?.updates.find((u) => u.id === d.updateId)
    if (d.subscriber.kind === 'webhook') {
      if (!post || !update) return { ok: false, error: 'the post is gone', retryable: false }
      const body = webhookBody(page, url, post, update)
      const outcome = await postJson(d.subscriber.target, body, {
        'x-vantage-signature': webhookSignature(d.subscriber.secret, body, now()),
        'x-vantage-delivery': d.id,
      })
      // A receiver that refuses the request itself (404, 410, 401...) will not change its mind.
      const refused = outcome.status !== undefined && outcome.status >= 400 && outcome.status < 500
      const final = refused && outcome.status !== 408 && outcome.status !== 429
      return final ? { ...outcome, retryable: false } : outcome
    }
    const channel = emailChannel(w.config(), page)
    if (!channel) return { ok: false, error: 'the page has no email channel', retryable: false }
    const to = { ...channel, to: [d.subscriber.target] }
    if (d.kind === 'confirm') return sendEmail(to, confirmationEmail(page, url, d.subscriber.token))
    if (!post || !update) return { ok: false, error: 'the post is gone', retryable: false }
    const names = post.components.flatMap(
      (id) => page.components.find((c) => componentId(c) === id)?.name ?? [],
    )
    return sendEmail(to, updateEmail(page, url, post, update, names, d.subscriber.token))
  }

  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let closed = false
  /** One pass: new outages first, so their posts go out in the same pass. */
  const tick = () => {
    running = running.then(async () => {
      if (closed) return
      try {
        pages.syncAutoPosts()
        while ((await subscriptions.deliverDue(now(), send)) > 0 && !closed) {
          // Keep going while a pass found work: a burst drains without waiting a tick.
        }
      } catch (error) {
        w.logger.error({ err: error }, 'status page pass failed')
      }
    })
    return running
  }
  wake = () => void tick()

  const subscribable = (page: StatusPageConfig) =>
    page.access === 'public' && emailChannel(w.config(), page) !== undefined
  const routes = subscriptionRoutes({
    pages,
    subscriptions,
    subscribable,
    apiToken: w.apiToken,
    now,
    pageUrl,
    wake: () => wake(),
  })

  return {
    pages,
    posts,
    subscriptions,
    history,
    tick,
    /** What createApp serves. */
    app: { pages, history, subscribable, routes },
    setBaseUrl(url: string) {
      if (!w.publicUrl) baseUrl = url.replace(/\/+$/, '')
    },
    start() {
      timer = setInterval(() => void tick(), TICK_MS)
      timer.unref()
    },
    async close() {
      closed = true
      if (timer) clearInterval(timer)
      await running
    },
  }
}
