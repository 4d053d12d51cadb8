/**
 * One status page at one instant: its components with their states and 90 daily bars,
 * groups, the headline, incident posts and maintenance. The HTML page, the v2 JSON, the
 * feeds, the badges and the static export all read this model, so they agree.
 * Only what the page opts in to leaves the hub: names, states, uptime and posts by default.
 */
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import {
  componentId,
  type ComponentState,
  type StatusPageConfig,
} from '../../checks/status-page.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { checkTarget } from '../views/check-view.ts'
import {
  deriveState,
  HEADLINES,
  STATE_ORDER,
  worstState,
  type ComponentOverride,
  type DerivedState,
} from './component-state.ts'
import {
  componentBuckets,
  DAY_MS,
  dayStarts,
  formatUptime,
  HISTORY_DAYS,
  uptimeOf,
  type DailyHistory,
} from './history.ts'
import { dayBar, type DayBar } from './day-bar.ts'
import { windowPosts, type MaintenanceWindowInfo } from './maintenance-posts.ts'
import { plainError, plainReason } from './plain-language.ts'
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

export interface PageSources {
  checks: () => CheckSpec[]
  alertState: (checkId: string) => CheckAlertState
  /** The newest result of each region (as much of it as the page reads). */
  latestResults: (
    checkId: string,
  ) => Array<
    Pick<CheckResult, 'status' | 'error' | 'metrics' | 'assertions' | 'probeId' | 'region'>
  >
  /** A probe's version as it last reported it, for pages that show probes. */
  probeVersion?: (probeId: string) => string | undefined
  inMaintenance: (check: { id: string; tags: string[] }, at: number) => boolean
  history: DailyHistory
  posts: (page: string) => Post[]
  overrides: (page: string) => Map<string, ComponentOverride>
  /**
   * Maintenance windows of the monitoring file and the API, with the one in force and the
   * next: shown as scheduled maintenance of the components whose checks they all cover.
   */
  maintenance?: () => MaintenanceWindowInfo[]
}

/**
 * A component's finished days, by the history's generation: they change only when the
 * history says finished buckets may have, so most requests compute today alone.
 */
const PAST_MEMO = new Map<string, DayBar[]>()
const PAST_MEMO_MAX = 20_000

function derive(
  specs: CheckSpec[],
  sources: PageSources,
  now: number,
  override: ComponentOverride | undefined,
): DerivedState & { since: number | null; codes: string[] } {
  let since: number | null = null
  const codes: string[] = []
  const checks = specs.map((spec) => {
    const state = sources.alertState(spec.id)
    if (state.since !== null) since = Math.max(since ?? 0, state.since)
    // Only a check in trouble has something to explain; the others cost no read.
    const troubled = state.status !== 'up' && state.status !== 'unknown'
    const latest = troubled ? sources.latestResults(spec.id) : []
    for (const r of latest) if (r.error && r.status !== 'up') codes.push(r.error.code)
    return {
      status: state.status,
      enabled: spec.enabled,
      inMaintenance: sources.inMaintenance(spec, now),
      reason: plainReason(latest),
    }
  })
  return { ...deriveState(checks, override), since, codes: [...new Set(codes)] }
}

/**
 * Builds a page's model at `now`. Components whose checks were removed from the
 * monitoring file keep their place with the checks that remain.
 */
export function buildPageModel(
  page: StatusPageConfig,
  sources: PageSources,
  now: number,
): PageModel {
  const specs = new Map(sources.checks().map((spec) => [spec.id, spec]))
  const overrides = sources.overrides(page.slug)
  const starts = dayStarts(now, HISTORY_DAYS)
  const from = starts[0]!
  const allIds = [...new Set(page.components.flatMap((c) => c.checks))].filter((id) =>
    specs.has(id),
  )
  const today = starts.at(-1)!
  // Finished days first: reading them may refresh them, which the generation then says.
  // A history whose generation says every change of a finished day (the read model's)
  // is read only for the components whose finished days are not kept already.
  const stable = sources.history.stableGeneration === true
  const before = stable ? sources.history.generation?.() : undefined
  const pastIds = stable
    ? page.components.flatMap((config) => {
        const id = componentId(config)
        const ids = config.checks.filter((checkId) => specs.has(checkId))
        return PAST_MEMO.has(`${page.slug}:${id}:${from}:${before}:${ids.join(',')}`) ? [] : ids
      })
    : allIds
  const pastDays =
    pastIds.length > 0 ? sources.history.days(pastIds, from, today) : new Map<string, never[]>()
  const readPast = new Set(pastIds)
  const todays = sources.history.days(allIds, today, today + DAY_MS)
  const generation = sources.history.generation?.()
  const spansOf = (ids: string[]) => (lo: number, hi: number) =>
    sources.history.downSpans(ids, lo, hi)
  const groupOf = new Map<string, string>()
  for (const group of page.groups) {
    for (const ref of group.components) {
      const component = page.components.find((c) => componentId(c) === ref || c.name === ref)
      if (component) groupOf.set(componentId(component), group.name)
    }
  }

  const components: PageComponent[] = page.components.map((config) => {
    const id = componentId(config)
    const checkSpecs = config.checks.flatMap((checkId) => specs.get(checkId) ?? [])
    const ids = checkSpecs.map((s) => s.id)
    const derived = derive(checkSpecs, sources, now, overrides.get(id))
    const memoKey =
      generation === undefined ? null : `${page.slug}:${id}:${from}:${generation}:${ids.join(',')}`
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
    const todayBar = componentBuckets(ids, todays, [today], DAY_MS, spansOf(ids)).map(dayBar)
    const buckets = [...past, ...todayBar]
    const uptime = uptimeOf(buckets)
    return {
      id,
      name: config.name,
      description: config.description ?? null,
      state: derived.state,
      reason: derived.reason,
      overridden: derived.overridden,
      since: derived.since,
      days: buckets,
      uptime,
      uptimeText: formatUptime(uptime),
      group: groupOf.get(id) ?? null,
      checkIds: ids,
      ...(page.show.targets ? { targets: checkSpecs.map(checkTarget) } : {}),
      ...(page.show.errorCodes ? { errorCodes: derived.codes } : {}),
      ...(page.show.probes ? { probes: probesOf(ids, sources) } : {}),
    }
  })

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

/** The probes behind a component's newest results, for pages that opt in to them. */
function probesOf(checkIds: string[], sources: PageSources): string[] {
  const seen = new Map<string, string>()
  for (const id of checkIds) {
    for (const result of sources.latestResults(id)) {
      const version = sources.probeVersion?.(result.probeId)
      seen.set(
        result.probeId,
        `${result.probeId} (${[result.region, version].filter(Boolean).join(', ')})`,
      )
    }
  }
  return [...seen.values()].sort()
}

/** Components in page order; a group takes the place of its first component. */
function sectionsOf(page: StatusPageConfig, components: PageComponent[]): PageModel['sections'] {
  const sections: PageModel['sections'] = []
  const placed = new Set<string>()
  for (const component of components) {
    if (placed.has(component.id)) continue
    const groupConfig = page.groups.find((g) => g.name === component.group)
    if (!groupConfig) {
      placed.add(component.id)
      sections.push({ group: null, component })
      continue
    }
    const members = components.filter((c) => c.group === groupConfig.name)
    members.forEach((m) => placed.add(m.id))
    const troubled = members.some((m) => m.state !== 'operational')
    sections.push({
      group: {
        name: groupConfig.name,
        open: troubled || !groupConfig.collapsed,
        components: members,
      },
    })
  }
  return sections
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
