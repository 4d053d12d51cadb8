/**
 * The Statuspage v2 JSON of a page, field for field as Atlassian Statuspage serves it,
 * so that existing clients and widgets work unchanged against `/api/v2/summary.json`,
 * `status.json`, `components.json`, `incidents.json`, `incidents/unresolved.json` and
 * `scheduled-maintenances/{upcoming,active}.json`.
 */
import type { ComponentState } from '../../checks/status-page.ts'
import { maintenanceStatus, type PageComponent, type PageModel } from './page-model.ts'
import type { Post } from './post-store.ts'

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString())

/** Statuspage's page indicator and its words. */
export const INDICATORS: Record<ComponentState, { indicator: string; description: string }> = {
  operational: { indicator: 'none', description: 'All Systems Operational' },
  degraded_performance: { indicator: 'minor', description: 'Minor Service Outage' },
  partial_outage: { indicator: 'major', description: 'Partial System Outage' },
  major_outage: { indicator: 'critical', description: 'Major System Outage' },
  under_maintenance: { indicator: 'maintenance', description: 'Service Under Maintenance' },
}

export interface JsonContext {
  /** The page's public URL, for `page.url` and shortlinks. */
  url: string
}

/** The newest change on the page: what `page.updated_at` means on Statuspage. */
function updatedAt(model: PageModel): number | null {
  const times = [
    ...model.components.map((c) => c.since ?? 0),
    ...model.posts.map((p) => p.updatedAt),
  ]
  const newest = Math.max(0, ...times)
  return newest === 0 ? null : newest
}

function pageJson(model: PageModel, ctx: JsonContext) {
  return {
    id: model.page.slug,
    name: model.page.title,
    url: ctx.url,
    time_zone: 'Etc/UTC',
    updated_at: iso(updatedAt(model)),
  }
}

function groupId(model: PageModel, name: string) {
  return `group-${model.page.groups.findIndex((g) => g.name === name)}`
}

function componentJson(model: PageModel, c: PageComponent, position: number) {
  return {
    id: c.id,
    name: c.name,
    status: c.state,
    created_at: null,
    updated_at: iso(c.since),
    position,
    description: c.description,
    showcase: true,
    start_date: null,
    group_id: c.group === null ? null : groupId(model, c.group),
    page_id: model.page.slug,
    group: false,
    only_show_if_degraded: false,
  }
}

export function componentsJson(model: PageModel) {
  const members = model.components.map((c, i) => componentJson(model, c, i + 1))
  const groups = model.page.groups.map((g, i) => {
    const inGroup = model.components.filter((c) => c.group === g.name)
    const worst = inGroup.find((c) => c.state !== 'operational')?.state ?? 'operational'
    return {
      ...componentJson(
        model,
        { ...inGroup[0]!, name: g.name, description: null, state: worst },
        members.length + i + 1,
      ),
      id: groupId(model, g.name),
      group: true,
      group_id: null,
      components: inGroup.map((c) => c.id),
    }
  })
  return [...members, ...groups]
}

function postJson(model: PageModel, post: Post, ctx: JsonContext) {
  const components = model.components
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => post.components.includes(c.id))
    .map(({ c, i }) => componentJson(model, c, i + 1))
  const status =
    post.kind === 'maintenance' ? maintenanceStatus(post, model.generatedAt) : post.status
  const monitoring = post.updates.find((u) => u.status === 'monitoring')
  return {
    id: post.id,
    name: post.title,
    status,
    created_at: iso(post.createdAt),
    updated_at: iso(post.updatedAt),
    monitoring_at: iso(monitoring?.at ?? null),
    resolved_at: iso(post.resolvedAt),
    impact: post.impact,
    shortlink: `${ctx.url}#p-${post.id}`,
    started_at: iso(post.createdAt),
    page_id: model.page.slug,
    incident_updates: [...post.updates].reverse().map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: post.id,
      created_at: iso(u.at),
      updated_at: iso(u.at),
      display_at: iso(u.at),
      affected_components: null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components,
    ...(post.kind === 'maintenance'
      ? { scheduled_for: iso(post.scheduledFor), scheduled_until: iso(post.scheduledUntil) }
      : {}),
  }
}

export type V2Document =
  | 'summary'
  | 'status'
  | 'components'
  | 'incidents'
  | 'incidents/unresolved'
  | 'scheduled-maintenances'
  | 'scheduled-maintenances/upcoming'
  | 'scheduled-maintenances/active'

export const V2_DOCUMENTS: readonly V2Document[] = [
  'summary',
  'status',
  'components',
  'incidents',
  'incidents/unresolved',
  'scheduled-maintenances',
  'scheduled-maintenances/upcoming',
  'scheduled-maintenances/active',
]

/** One v2 document of a page. */
export function v2Json(model: PageModel, doc: V2Document, ctx: JsonContext): unknown {
  const page = pageJson(model, ctx)
  const incidents = model.posts.filter((p) => p.kind === 'incident')
  const maintenance = model.posts.filter((p) => p.kind === 'maintenance')
  const posts = (list: Post[]) => list.map((p) => postJson(model, p, ctx))
  switch (doc) {
    case 'summary':
      return {
        page,
        components: componentsJson(model),
        incidents: posts(model.activeIncidents),
        scheduled_maintenances: posts([...model.activeMaintenance, ...model.upcomingMaintenance]),
        status: INDICATORS[model.state],
      }
    case 'status':
      return { page, status: INDICATORS[model.state] }
    case 'components':
      return { page, components: componentsJson(model) }
    case 'incidents':
      return { page, incidents: posts(incidents.slice(0, 50)) }
    case 'incidents/unresolved':
      return { page, incidents: posts(model.activeIncidents) }
    case 'scheduled-maintenances':
      return { page, scheduled_maintenances: posts(maintenance.slice(0, 50)) }
    case 'scheduled-maintenances/upcoming':
      return { page, scheduled_maintenances: posts(model.upcomingMaintenance) }
    case 'scheduled-maintenances/active':
      return { page, scheduled_maintenances: posts(model.activeMaintenance) }
  }
}
