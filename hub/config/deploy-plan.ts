/**
 * What a deploy changes, as `vantage deploy` shows it before it uploads: checks
 * added, removed and changed (each changed field as a dotted path with its old and
 * new value, e.g. `expect.status: 200 → [200, 204]`), and channels by name. Pure:
 * it compares two validated configs, so the plan lists what the hub will really run
 * (defaults applied), not how the file spells it.
 *
 * Values that may be secrets (request headers, credentials, anything named like a
 * token or password) and everything about channels except their names and which
 * fields changed are left out: plans end up in CI logs.
 */
import { isDeepStrictEqual } from 'node:util'
import { DEFAULT_ALERTING, DEFAULT_SLO } from '../../checks/alerting.ts'
import type { CheckSpec } from '../../checks/spec.ts'
import { formatPath } from '../../checks/issue-text.ts'
import type { ChannelConfig, MonitoringConfig } from '../../checks/validate.ts'

/** One changed field; values are display text, `(unset)` when absent, `(secret)` when hidden. */
export interface FieldChange {
  path: string
  before: string
  after: string
}

export interface PlannedCheck {
  id: string
  kind: CheckSpec['kind']
}

export interface ChangedCheck extends PlannedCheck {
  fields: FieldChange[]
}

export interface PlannedChannel {
  name: string
  type: ChannelConfig['type']
}

export interface ChangedChannel extends PlannedChannel {
  /** Paths of the fields that changed, without values (URLs and headers hold secrets). */
  fields: string[]
}

export interface DeployPlan {
  /** Set when the project name changes. */
  project: { before: string; after: string } | null
  checks: {
    added: PlannedCheck[]
    removed: PlannedCheck[]
    changed: ChangedCheck[]
    unchanged: number
    /** The same checks in another order (the status page follows the file's order). */
    reordered: boolean
  }
  channels: {
    added: PlannedChannel[]
    removed: PlannedChannel[]
    changed: ChangedChannel[]
    reordered: boolean
  }
  /**
   * Changed project-wide settings (alerting, routes, maintenance, slo, statusPages), as
   * dotted paths like `routes[0].remindEvery`. Absent in plans from older hubs.
   */
  alerting?: FieldChange[]
  /**
   * What would fail only when needed (deploy-warnings.ts): a region without a live probe,
   * a remediation command the hub does not allow. They never block the deploy. Absent in
   * plans from older hubs and in plans made without the hub's view (planDeploy alone).
   */
  warnings?: string[]
}

/** Display values longer than this are cut: a plan is read, not diffed byte by byte. */
const MAX_VALUE_LENGTH = 120
const SECRET_ROOTS = new Set(['auth', 'headers'])
const SECRET_NAME = /password|secret|token|api-?key|authorization|cookie/i
const BARE = /^[\w.:/@+-]+$/

type Path = (string | number)[]

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isSecret(path: Path): boolean {
  return (
    SECRET_ROOTS.has(String(path[0])) ||
    path.some((key) => typeof key === 'string' && SECRET_NAME.test(key))
  )
}

/** A value as a person reads it: `200`, `[200, 204]`, `30s`, `{ min: 200, max: 299 }`. */
export function formatValue(value: unknown): string {
  const text = render(value)
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text
}

function render(value: unknown): string {
  if (value === undefined) return '(unset)'
  if (typeof value === 'string') return BARE.test(value) ? value : JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined)
    if (entries.length === 0) return '{}'
    return `{ ${entries.map(([key, item]) => `${key}: ${render(item)}`).join(', ')} }`
  }
  return String(value)
}

/**
 * Collects the leaves where `before` and `after` differ. Objects are compared key by
 * key; lists of objects of equal length item by item (`expect.json[1].lessThan`);
 * any other list is one value, as `[200, 204]` reads better than two changes.
 */
function diff(before: unknown, after: unknown, path: Path, out: Path[]): void {
  if (isDeepStrictEqual(before, after)) return
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(after), ...Object.keys(before)])
    for (const key of keys) diff(before[key], after[key], [...path, key], out)
    return
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    before.length === after.length &&
    [...before, ...after].some(isObject)
  ) {
    before.forEach((item, index) => diff(item, after[index], [...path, index], out))
    return
  }
  out.push(path)
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root
  for (const key of path) {
    if (!isObject(value) && !Array.isArray(value)) return undefined
    value = (value as Record<string | number, unknown>)[key]
  }
  return value
}

/** The changed fields of one check, values hidden where they may be secrets. */
export function diffCheck(before: CheckSpec, after: CheckSpec): FieldChange[] {
  return diffValues(before, after)
}

/** The changed leaves between two values, shown as a person reads them; secrets hidden. */
function diffValues(before: unknown, after: unknown): FieldChange[] {
  const paths: Path[] = []
  diff(before, after, [], paths)
  return paths.map((path) => {
    const show = (value: unknown) =>
      value !== undefined && isSecret(path) ? '(secret)' : formatValue(value)
    return {
      path: formatPath(path),
      before: show(valueAt(before, path)),
      after: show(valueAt(after, path)),
    }
  })
}

function sameOrder(before: string[], after: string[]): boolean {
  const kept = new Set(after)
  const common = before.filter((id) => kept.has(id))
  const stayed = new Set(before)
  return isDeepStrictEqual(
    common,
    after.filter((id) => stayed.has(id)),
  )
}

function planChecks(before: CheckSpec[], after: CheckSpec[]): DeployPlan['checks'] {
  const old = new Map(before.map((check) => [check.id, check]))
  const next = new Map(after.map((check) => [check.id, check]))
  const ref = ({ id, kind }: CheckSpec): PlannedCheck => ({ id, kind })
  const changed: ChangedCheck[] = []
  let unchanged = 0
  for (const check of after) {
    const previous = old.get(check.id)
    if (!previous) continue
    const fields = diffCheck(previous, check)
    if (fields.length === 0) unchanged += 1
    else changed.push({ ...ref(check), fields })
  }
  return {
    added: after.filter((check) => !old.has(check.id)).map(ref),
    removed: before.filter((check) => !next.has(check.id)).map(ref),
    changed,
    unchanged,
    reordered: !sameOrder(
      before.map((check) => check.id),
      after.map((check) => check.id),
    ),
  }
}

function planChannels(before: ChannelConfig[], after: ChannelConfig[]): DeployPlan['channels'] {
  const old = new Map(before.map((channel) => [channel.name, channel]))
  const next = new Map(after.map((channel) => [channel.name, channel]))
  const ref = ({ name, type }: ChannelConfig): PlannedChannel => ({ name, type })
  const changed: ChangedChannel[] = []
  for (const channel of after) {
    const previous = old.get(channel.name)
    if (!previous) continue
    const paths: Path[] = []
    diff(previous, channel, [], paths)
    if (paths.length > 0) changed.push({ ...ref(channel), fields: paths.map(formatPath) })
  }
  return {
    added: after.filter((channel) => !old.has(channel.name)).map(ref),
    removed: before.filter((channel) => !next.has(channel.name)).map(ref),
    changed,
    reordered: !sameOrder(
      before.map((channel) => channel.name),
      after.map((channel) => channel.name),
    ),
  }
}

/**
 * Plans going from `before` (undefined on a hub's first deploy) to `after`.
 *
 * @example
 * planDeploy(running, next).checks.changed
 * // [{ id: 'api', kind: 'http', fields: [{ path: 'every', before: '1m', after: '30s' }] }]
 */
export function planDeploy(
  before: MonitoringConfig | undefined,
  after: MonitoringConfig,
): DeployPlan {
  return {
    project:
      before && before.project !== after.project
        ? { before: before.project, after: after.project }
        : null,
    checks: planChecks(before?.checks ?? [], after.checks),
    channels: planChannels(before?.channels ?? [], after.channels),
    alerting: before ? diffValues(alertingSettings(before), alertingSettings(after)) : [],
  }
}

/** The project-wide alerting settings, with the defaults a file that omits them gets. */
function alertingSettings(config: MonitoringConfig): Record<string, unknown> {
  return {
    alerting: config.alerting ?? DEFAULT_ALERTING,
    routes: config.routes ?? [],
    maintenance: config.maintenance ?? [],
    slo: config.slo ?? DEFAULT_SLO,
    // Pages change nothing on probes, but a deploy that only edits a page must still apply.
    statusPages: config.statusPages ?? [],
  }
}

/** True when the plan changes nothing at all. */
export function isEmptyPlan(plan: DeployPlan): boolean {
  const { checks, channels } = plan
  return (
    plan.project === null &&
    (plan.alerting ?? []).length === 0 &&
    checks.added.length + checks.removed.length + checks.changed.length === 0 &&
    channels.added.length + channels.removed.length + channels.changed.length === 0 &&
    !checks.reordered &&
    !channels.reordered
  )
}
