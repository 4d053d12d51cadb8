/**
 * Which checks a list shows: the check list (`GET /api/v1/checks`) and the internal view
 * filter and count the same way, by state, tag and text, in the monitoring file's order.
 */
import type { CheckSpec } from '../../checks/spec.ts'
import type { CheckAlertStatus } from '../alerts/alert-state.ts'
import { checkTarget } from './check-view.ts'

export const CHECK_STATES: readonly CheckAlertStatus[] = [
  'up',
  'degraded',
  'partial',
  'insufficient',
  'down',
  'unknown',
]

export interface CheckFilter {
  /** Only checks in one of these states; none: all. */
  states: string[]
  /** Only checks with one of these tags; none: all. */
  tags: string[]
  /** Lower-case text found in the id, name or target. */
  q?: string
}

/** A check's id, name and target in lower case, kept per spec object. */
const HAYSTACK = new WeakMap<CheckSpec, string>()

function haystackOf(spec: CheckSpec): string {
  let text = HAYSTACK.get(spec)
  if (text === undefined) {
    text = [spec.id, spec.name ?? '', checkTarget(spec)].join('\u0000').toLowerCase()
    HAYSTACK.set(spec, text)
  }
  return text
}

/** Every check by state, and those the filter keeps, in order. */
export function filterChecks(
  all: readonly CheckSpec[],
  statusOf: (checkId: string) => CheckAlertStatus,
  filter: CheckFilter,
): { summary: Record<CheckAlertStatus, number>; matching: CheckSpec[] } {
  const summary = Object.fromEntries(CHECK_STATES.map((s) => [s, 0])) as Record<
    CheckAlertStatus,
    number
  >
  const matching: CheckSpec[] = []
  const { states, tags, q } = filter
  for (const spec of all) {
    const status = statusOf(spec.id)
    summary[status] += 1
    if (states.length > 0 && !states.includes(status)) continue
    if (tags.length > 0 && !tags.some((tag) => spec.tags.includes(tag))) continue
    if (q && !haystackOf(spec).includes(q)) continue
    matching.push(spec)
  }
  return { summary, matching }
}
