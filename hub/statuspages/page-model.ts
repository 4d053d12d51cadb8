/**
 * One status page at one instant: its components with their states and 90 daily bars,
 * groups, the headline, incident posts and maintenance. The HTML page, the v2 JSON, the
 * feeds, the badges and the static export all read this model, so they agree.
 * Only what the page opts in to leaves the hub: names, states, uptime and posts by default.
 */
import type { CheckSpec } from '../../checks/spec.ts'
import {
  componentId,
  type ComponentState,
  type StatusPageConfig,
} from '../../checks/status-page.ts'
import { checkTarget } from '../views/check-view.ts'
import { HEADLINES, STATE_ORDER, worstState, type ComponentOverride } from './component-state.ts'
import {
  componentBuckets,
  DAY_MS,
  dayStarts,
  formatUptime,
  HISTORY_DAYS,
  MINUTE_MS,
  uptimeOf,
  type CheckMinutes,
  type DailyHistory,
} from './history.ts'
import { dayBar, type DayBar } from './day-bar.ts'
import { windowPosts, type MaintenanceWindowInfo } from './maintenance-posts.ts'
import {
  derive,
  flatKey,
  MEMO_MAX,
  probesOf,
  sectionsOf,
  nextMaintenanceEdge,
  pageChecks,
  type DeriveSources,
  type KeptComponent,
  type PageMemo,
} from './page-parts.ts'
import { plainError } from './plain-language.ts'
import type { Post } from './post-store.ts'

/** Resolved incidents stay on the page this long. */
export const RECENT_POSTS_MS = 14 * DAY_MS

export interface PageComponent {
  id: string
  name: string
  description: string | null
  state: ComponentState
  reason: string | null
  overridden: boolean
  /** When the state last changed as far as the hub knows, or null. */
  since: number | null
  days: DayBar[]
  /** Over the bars: computed from their minutes. */
  uptime: number | null
  uptimeText: string
  group: string | null
  /** Only with `show.targets`. */
  targets?: string[]
  /** Only with `show.errorCodes`. */
  errorCodes?: string[]
  /** Only with `show.probes`: the probes of the newest results, `eu-west-1 (eu-west, 0.1.0)`. */
  probes?: string[]
  checkIds: string[]
}

export interface PageGroup {
  name: string
  /** Folded unless something in it is wrong. */
  open: boolean
  components: PageComponent[]
}

export interface PageModel {
  page: StatusPageConfig
  generatedAt: number
  /**
   * Says which finished days the bars show (their first day and the history's
   * generation) where the history's generation tells every change of them; digests of the
   * page read it instead of every bar's words.
   */
  historyKey?: string
  state: ComponentState
  headline: string
  /** Why, in a line: "Website: Certificate expires in 5 days", or an incident's title. */
  reason: string | null
  components: PageComponent[]
  /** Grouped components in page order; ungrouped ones each as a group without a name. */
  sections: Array<{ group: PageGroup | null; component?: PageComponent }>
  /** Open incidents, newest first. */
  activeIncidents: Post[]
  /** Resolved in the last 14 days, newest first. */
  recentIncidents: Post[]
  activeMaintenance: Post[]
  upcomingMaintenance: Post[]
  /** Every published post (for feeds and JSON), newest first. */
  posts: Post[]
}

export interface PageSources extends DeriveSources {
  checks: () => CheckSpec[]
  /** A probe's version as it last reported it, for pages that show probes. */
  probeVersion?: (probeId: string) => string | undefined
  history: DailyHistory
  posts: (page: string) => Post[]
  overrides: (page: string) => Map<string, ComponentOverride>
  /**
   * Maintenance windows of the monitoring file and the API, with the one in force and the
   * next: shown as scheduled maintenance of the components whose checks they all cover.
   */
  maintenance?: () => MaintenanceWindowInfo[]
  /**
   * Changes with every change of what pages show but a check's state (the read model's
   * versionBesidesStates: maintenance windows, deploys, days). With it and a history that
   * says when today changes, a component's bars are kept until one of its checks changes.
   */
  changesBesidesStates?: () => number
  /**
   * Per check, numbers that grow with each change of its state and each result (the read
   * model's stateVersion and checkVersion): with them a component none of whose checks
   * changed is kept whole.
   */
  stateVersion?: (checkId: string) => number
  resultVersion?: (checkId: string) => number
  /** Where components and bars are kept between builds (with changesBesidesStates). */
  memo?: PageMemo
}

/**
 * A component's finished days, by the history's generation: they change only when the
 * history says finished buckets may have, so most requests compute today alone.
 */
const PAST_MEMO = new Map<string, DayBar[]>()
const PAST_MEMO_MAX = 20_000

/**
 * Builds a page's model at `now`. Components whose checks were removed from the
 * monitoring file keep their place with the checks that remain.
 */
export function buildPageModel(
  page: StatusPageConfig,
  sources: PageSources,
  now: number,
): PageModel {
  const checks = sources.checks()
  const made = pageChecks(page, checks)
  const { allIds, specs } = made
  const overrides = sources.overrides(page.slug)
  const starts = dayStarts(now, HISTORY_DAYS)
  const from = starts[0]!
  const today = starts.at(-1)!
  const stable = sources.history.stableGeneration === true
  // Finished days in one read, unless reads cost nothing: then a component at a time.
  const bulk = sources.history.inMemory !== true
  // With a today generation and bars kept (the read model's history), finished days and
  // today are read below, for the components whose bars are not kept. Reading today when
  // it is due may move the generation, so it goes first.
  const todayGeneration = stable && sources.memo ? sources.history.todayGeneration?.() : undefined
  const besides = todayGeneration === undefined ? undefined : sources.changesBesidesStates?.()
  let pastDays = new Map<string, CheckMinutes[]>()
  let readPast = new Set<string>()
  let todays: Map<string, CheckMinutes[]> | undefined
  if (besides === undefined) {
    // Finished days first: reading them may refresh them, which the generation then says.
    // A history whose generation says every change of a finished day (the read model's)
    // is read only for the components whose finished days are not kept already.
    const before = stable ? sources.history.generation?.() : undefined
    const pastIds = stable
      ? made.components.flatMap(({ id, ids, key }) =>
          PAST_MEMO.has(`${page.slug}:${id}:${from}:${before}:${key}`) ? [] : ids,
        )
      : allIds
    if (bulk && pastIds.length > 0) pastDays = sources.history.days(pastIds, from, today)
    readPast = new Set(bulk ? pastIds : [])
    todays = sources.history.days(allIds, today, today + DAY_MS)
  }
  const generation = sources.history.generation?.()
  const minute = Math.ceil(now / MINUTE_MS)
  const spansOf = (ids: string[]) => (lo: number, hi: number) =>
    sources.history.downSpans(ids, lo, hi)
  const groupOf = new Map<string, string>()
  for (const group of page.groups) {
    for (const ref of group.components) {
      const component = page.components.find((c) => componentId(c) === ref || c.name === ref)
      if (component) groupOf.set(componentId(component), group.name)
    }
  }

  // A component none of whose checks changed state, whose troubled checks have no new
  // result, and whose history, override and maintenance are as they were, is kept whole.
  const { memo, stateVersion, resultVersion } = sources
  const keepWhole =
    besides !== undefined && memo && stateVersion && resultVersion && !page.show.probes
  const edge = keepWhole ? nextMaintenanceEdge(sources.maintenance, now) : now
  const sum = (ids: readonly string[], version: (id: string) => number) => {
    let total = 0
    for (const id of ids) total += version(id)
    return total
  }
  const kept: PageComponent[] = []
  const parts = page.components.flatMap((config, index) => {
    const { id, specs: checkSpecs, ids, key } = made.components[index]!
    const override = overrides.get(id)
    let wholeKey: string | null = null
    if (keepWhole) {
      const previous = memo.components.get(`${page.slug}:${id}`) as
        KeptComponent<PageComponent> | undefined
      // Every version only grows, so their sums change whenever one of them does.
      wholeKey = `${from}:${generation}:${today}:${todayGeneration}:${besides}:${sum(ids, stateVersion)}:${override ? `${override.state}:${override.reason}` : ''}`
      if (
        previous?.made === made &&
        now < previous.until &&
        previous.key === flatKey(wholeKey, sum(previous.troubled, resultVersion))
      ) {
        kept[index] = previous.component
        return []
      }
    }
    const derived = derive(checkSpecs, sources, now, override)
    if (derived.down > 1) wholeKey = null
    const memoKey =
      generation === undefined ? null : `${page.slug}:${id}:${from}:${generation}:${key}`
    const recent = derived.down > 1 ? minute : ''
    const barKey =
      memoKey === null || todays !== undefined
        ? null
        : flatKey(memoKey, today, todayGeneration, besides, derived.stamp, recent)
    const bars = barKey === null ? undefined : memo?.bars.get(`${page.slug}:${id}`)
    return [
      {
        index,
        config,
        id,
        checkSpecs,
        ids,
        derived,
        memoKey,
        barKey,
        wholeKey,
        kept: bars?.key === barKey ? bars : undefined,
      },
    ]
  })
  if (todays === undefined) {
    const stale = parts.filter((part) => !part.kept)
    const pastIds = stale.flatMap((part) =>
      part.memoKey !== null && PAST_MEMO.has(part.memoKey) ? [] : part.ids,
    )
    if (bulk && pastIds.length > 0) pastDays = sources.history.days(pastIds, from, today)
    readPast = new Set(bulk ? pastIds : [])
    const staleIds = [...new Set(stale.flatMap((part) => part.ids))]
    todays = staleIds.length > 0 ? sources.history.days(staleIds, today, today + DAY_MS) : new Map()
  }
  for (const part of parts) {
    const { index, config, id, checkSpecs, ids, derived, memoKey, barKey, wholeKey } = part
    {
      let bars = part.kept
      if (!bars) {
        let past = memoKey === null ? undefined : PAST_MEMO.get(memoKey)
        if (!past) {
          // A component kept before the generation moved on is read now, on its own.
          const rows = ids.every((checkId) => readPast.has(checkId))
            ? pastDays
            : sources.history.days(ids, from, today)
          const minutes = componentBuckets(ids, rows, starts.slice(0, -1), DAY_MS, spansOf(ids))
          past = minutes.map(dayBar)
          if (memoKey !== null) {
            if (PAST_MEMO.size >= PAST_MEMO_MAX) PAST_MEMO.clear()
            PAST_MEMO.set(memoKey, past)
          }
        }
        const todayBar = componentBuckets(ids, todays!, [today], DAY_MS, spansOf(ids)).map(dayBar)
        const days = [...past, ...todayBar]
        bars = { key: barKey ?? '', days, uptime: uptimeOf(days) }
        if (barKey !== null && memo) {
          if (memo.bars.size >= MEMO_MAX) memo.bars.clear()
          memo.bars.set(`${page.slug}:${id}`, bars)
        }
      }
      const component: PageComponent = {
        id,
        name: config.name,
        description: config.description ?? null,
        state: derived.state,
        reason: derived.reason,
        overridden: derived.overridden,
        since: derived.since,
        days: bars.days,
        uptime: bars.uptime,
        uptimeText: formatUptime(bars.uptime),
        group: groupOf.get(id) ?? null,
        checkIds: ids,
        ...(page.show.targets ? { targets: checkSpecs.map(checkTarget) } : {}),
        ...(page.show.errorCodes ? { errorCodes: derived.codes } : {}),
        ...(page.show.probes ? { probes: probesOf(ids, sources) } : {}),
      }
      kept[index] = component
      if (wholeKey !== null && memo) {
        if (memo.components.size >= MEMO_MAX) memo.components.clear()
        const troubled = derived.troubled
        memo.components.set(`${page.slug}:${id}`, {
          key: flatKey(wholeKey, sum(troubled, resultVersion!)),
          made,
          until: edge,
          troubled,
          component,
        })
      }
    }
  }
  // Copies: maintenance posts below change a component's state on this model alone.
  const components: PageComponent[] = kept.map((component) => ({ ...component }))

  const posts = [
    ...sources.posts(page.slug).filter((p) => p.published),
    ...windowPosts(page, sources.maintenance?.() ?? [], specs, now),
  ]
  const incidents = posts.filter((p) => p.kind === 'incident')
  const maintenance = posts.filter((p) => p.kind === 'maintenance' && p.resolvedAt === null)
  const activeMaintenance = maintenance.filter(
    (p) => p.scheduledFor !== null && p.scheduledFor <= now && (p.scheduledUntil ?? Infinity) > now,
  )
  // Maintenance a person announced covers its components while it runs, unless they are
  // down: that is still worth saying.
  for (const post of activeMaintenance) {
    for (const component of components) {
      const covered = post.components.includes(component.id) && !component.overridden
      if (
        covered &&
        STATE_ORDER.indexOf(component.state) <= STATE_ORDER.indexOf('degraded_performance')
      ) {
        component.state = 'under_maintenance'
        component.reason = post.title
      }
    }
  }
  const activeIncidents = incidents.filter((p) => p.resolvedAt === null)
  const headline = headlineOf(components, activeIncidents)
  return {
    page,
    generatedAt: now,
    ...(stable && generation !== undefined ? { historyKey: `${from}:${generation}` } : {}),
    state: headline.state,
    headline: HEADLINES[headline.state],
    reason: headline.reason,
    components,
    sections: sectionsOf(page, components),
    activeIncidents,
    recentIncidents: incidents.filter(
      (p) => p.resolvedAt !== null && p.resolvedAt >= now - RECENT_POSTS_MS,
    ),
    activeMaintenance,
    upcomingMaintenance: maintenance.filter((p) => p.scheduledFor !== null && p.scheduledFor > now),
    posts,
  }
}

/** What an open incident's impact says about the page, as Statuspage reads it. */
const IMPACT_STATE: Record<Post['impact'], ComponentState> = {
  none: 'operational',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
  maintenance: 'under_maintenance',
}

/**
 * The page's state: its worst component, or an open incident a person posted when that
 * is worse, so that a page never says "All systems operational" above an incident.
 */
function headlineOf(
  components: PageComponent[],
  open: Post[],
): { state: ComponentState; reason: string | null } {
  const component = worstState(components.map((c) => c.state))
  const incident = worstState(open.map((p) => IMPACT_STATE[p.impact]))
  if (STATE_ORDER.indexOf(incident) > STATE_ORDER.indexOf(component)) {
    return { state: incident, reason: open.find((p) => IMPACT_STATE[p.impact] === incident)!.title }
  }
  const leader = components.find((c) => c.state === component && c.reason)
  return {
    state: component,
    reason: component === 'operational' || !leader ? null : `${leader.name}: ${leader.reason}`,
  }
}

/** Plain words for an error code, as pages show errors. */
export { plainError }

/** The status of a maintenance post at `now`: scheduled, in progress, or as last updated. */
export function maintenanceStatus(post: Post, now: number): string {
  if (post.resolvedAt !== null) return 'completed'
  if (post.scheduledFor !== null && post.scheduledFor > now) return 'scheduled'
  if (post.status === 'scheduled') return 'in_progress'
  return post.status
}
