/**
 * A status page's components as its model builds them, and what is kept of them between
 * builds: a page over 10,000 checks is rebuilt after every state change, and most of its
 * components did not change. page-model.ts puts them together.
 */
import type { CheckResult } from '../../checks/result.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import { componentId, type StatusPageConfig } from '../../checks/status-page.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { deriveState, type ComponentOverride, type DerivedState } from './component-state.ts'
import type { DayBar } from './day-bar.ts'
import type { MaintenanceWindowInfo } from './maintenance-posts.ts'
import { plainReason } from './plain-language.ts'

/** A component's checks that are deployed, and their ids joined for memo keys. */
export interface ComponentChecks {
  id: string
  specs: CheckSpec[]
  ids: string[]
  key: string
}

/** A page's components in a deployed config, with every check id the page shows. */
export interface PageChecks {
  checks: CheckSpec[]
  specs: Map<string, CheckSpec>
  components: ComponentChecks[]
  allIds: string[]
}

const PAGE_CHECKS = new WeakMap<StatusPageConfig, PageChecks>()

/** Made once per page and deployed check list rather than per build. */
export function pageChecks(page: StatusPageConfig, checks: CheckSpec[]): PageChecks {
  const known = PAGE_CHECKS.get(page)
  if (known?.checks === checks) return known
  const specs = new Map(checks.map((spec) => [spec.id, spec]))
  const components = page.components.map((config) => {
    const found = config.checks.flatMap((checkId) => specs.get(checkId) ?? [])
    const ids = found.map((spec) => spec.id)
    return { id: componentId(config), specs: found, ids, key: ids.join(',') }
  })
  const allIds = [...new Set(page.components.flatMap((c) => c.checks))].filter((id) =>
    specs.has(id),
  )
  const made = { checks, specs, components, allIds }
  PAGE_CHECKS.set(page, made)
  return made
}

/** What a component's state is derived from. */
export interface DeriveSources {
  alertState: (checkId: string) => CheckAlertState
  latestResults: (
    checkId: string,
  ) => Array<
    Pick<CheckResult, 'status' | 'error' | 'metrics' | 'assertions' | 'probeId' | 'region'>
  >
  inMaintenance: (check: { id: string; tags: string[] }, at: number) => boolean
}

export type Derived = DerivedState & {
  since: number | null
  codes: string[]
  /** Each check's status and since: what its outages follow. */
  stamp: string
  /** Checks DOWN, and the checks not up whose newest results the reason was read from. */
  down: number
  troubled: string[]
}

/** A component's state, reason and error codes from its checks now. */
export function derive(
  specs: CheckSpec[],
  sources: DeriveSources,
  now: number,
  override: ComponentOverride | undefined,
): Derived {
  let since: number | null = null
  const codes: string[] = []
  const stamps: string[] = []
  const troubledIds: string[] = []
  let down = 0
  const checks = specs.map((spec) => {
    const state = sources.alertState(spec.id)
    if (state.since !== null) since = Math.max(since ?? 0, state.since)
    stamps.push(`${state.status}:${state.since}`)
    if (state.status === 'down') down += 1
    // Only a check in trouble has something to explain; the others cost no read.
    const troubled = state.status !== 'up' && state.status !== 'unknown'
    if (troubled) troubledIds.push(spec.id)
    const latest = troubled ? sources.latestResults(spec.id) : []
    for (const r of latest) if (r.error && r.status !== 'up') codes.push(r.error.code)
    return {
      status: state.status,
      enabled: spec.enabled,
      inMaintenance: sources.inMaintenance(spec, now),
      reason: plainReason(latest),
    }
  })
  return {
    ...deriveState(checks, override),
    since,
    codes: [...new Set(codes)],
    stamp: stamps.join(','),
    down,
    troubled: troubledIds,
  }
}

/**
 * What a page keeps between builds, per page and component, each with the key of what it
 * was made from (page-model.ts says which): its 90 bars and uptime, and the component as
 * a whole. One per StatusPages: the keys hold counters of its read model.
 */
export interface PageMemo {
  bars: Map<string, { key: string; days: DayBar[]; uptime: number | null }>
  components: Map<string, KeptComponent>
}

export interface KeptComponent<C = unknown> {
  key: string
  made: PageChecks
  /** The first instant a maintenance window starts or ends after it was built. */
  until: number
  troubled: string[]
  component: C
}

/**
 * A key the memo keeps, its parts joined: one flat string. A template literal's is a
 * chain of pieces, about 650 bytes a key instead of 100 (a page of 10,000 components).
 */
export function flatKey(...parts: Array<string | number | null | undefined>): string {
  return parts.join('|')
}

/** Entries kept at most, per kind: a page may have 10,000 components. */
export const MEMO_MAX = 50_000

/**
 * The first instant after `now` at which a maintenance window starts or ends (Infinity
 * with none); `now` when the windows are not known, so that nothing is kept past it.
 */
export function nextMaintenanceEdge(
  windows: (() => MaintenanceWindowInfo[]) | undefined,
  now: number,
): number {
  if (!windows) return now
  let edge = Infinity
  for (const window of windows()) {
    for (const at of [window.current?.end, window.next?.start]) {
      if (at !== undefined && at > now) edge = Math.min(edge, at)
    }
  }
  return edge
}

/** The probes behind a component's newest results, for pages that opt in to them. */
export function probesOf(
  checkIds: string[],
  sources: DeriveSources & { probeVersion?: (probeId: string) => string | undefined },
): string[] {
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
export function sectionsOf<C extends { id: string; group: string | null; state: string }>(
  page: StatusPageConfig,
  components: C[],
): Array<{ group: { name: string; open: boolean; components: C[] } | null; component?: C }> {
  const sections: Array<{
    group: { name: string; open: boolean; components: C[] } | null
    component?: C
  }> = []
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
