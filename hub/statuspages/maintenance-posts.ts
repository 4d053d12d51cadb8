/**
 * Maintenance windows (of the monitoring file or the API) shown as scheduled maintenance
 * on a status page, like a post a person wrote, for the components whose checks they all
 * cover: a week ahead, and while they run.
 */
import type { CheckSpec } from '../../checks/spec.ts'
import { componentId, type StatusPageConfig } from '../../checks/status-page.ts'
import { DAY_MS } from './history.ts'
import type { Post } from './post-store.ts'

/** A maintenance window as Silences lists it, with what it covers. */
export interface MaintenanceWindowInfo {
  id: string
  reason?: string
  covers: (check: { id: string; tags: string[] }) => boolean
  current: { start: number; end: number } | null
  next: { start: number; end: number } | null
}

/** Windows are announced this long ahead, like a post scheduled by hand. */
export const WINDOW_NOTICE_MS = 7 * DAY_MS

/**
 * Maintenance windows as posts, for the components all of whose checks a window covers:
 * the one in force, and the next one within a week. They are not stored; they come and
 * go with the windows.
 */
export function windowPosts(
  page: StatusPageConfig,
  windows: MaintenanceWindowInfo[],
  specs: Map<string, CheckSpec>,
  now: number,
): Post[] {
  const out: Post[] = []
  for (const window of windows) {
    const components = page.components
      .filter((c) => {
        const checks = c.checks.flatMap((id) => specs.get(id) ?? [])
        return checks.length > 0 && checks.every((check) => window.covers(check))
      })
      .map(componentId)
    if (components.length === 0) continue
    const spans = [window.current, window.next].filter(
      (span): span is { start: number; end: number } =>
        span !== null && span.start <= now + WINDOW_NOTICE_MS,
    )
    for (const span of spans) {
      const running = span.start <= now
      const body = window.reason ?? 'Planned maintenance.'
      out.push({
        id: `window-${window.id}-${span.start}`,
        page: page.slug,
        kind: 'maintenance',
        title: window.reason ?? 'Scheduled maintenance',
        impact: 'maintenance',
        status: running ? 'in_progress' : 'scheduled',
        components,
        published: true,
        origin: 'auto',
        createdAt: Math.min(span.start, now),
        updatedAt: Math.min(span.start, now),
        resolvedAt: null,
        scheduledFor: span.start,
        scheduledUntil: span.end,
        updates: [
          {
            id: `window-${window.id}-${span.start}-u`,
            status: 'scheduled',
            body,
            at: Math.min(span.start, now),
          },
        ],
      })
    }
  }
  return out
}
