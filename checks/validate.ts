/**
 * Validates a monitoring project (the default export of monitors.ts). Every problem
 * is collected with its path, e.g. `checks[2].every: "7x" is not a duration`, so a
 * user fixes them all in one pass instead of one per deploy.
 */
import { z } from 'zod'
import { describeValue, issuesToErrors } from './issue-text.ts'
import {
  alertingSchema,
  maintenanceWindowSchema,
  routeSchema,
  sloSchema,
  type AlertingConfig,
  type MaintenanceWindowConfig,
  type RouteConfig,
  type SloConfig,
} from './alerting.ts'
import { CHANNEL_TYPES, channelConfigSchemas, type ChannelConfig } from './channels/registry.ts'
import type { SloDefinition } from './slo.ts'
import { validateSlos, withoutCheckSlos } from './validate-slos.ts'
import { CHECK_KIND_NAMES } from './kinds.ts'
import type { StatusPageConfig } from './status-page.ts'
import { validateStatusPages } from './status-page-validate.ts'
import {
  alertPolicySchema,
  checkSpecSchema,
  durationSchema,
  HUB_REGION,
  isHostKind,
  regionsOf,
  type CheckSpec,
} from './spec.ts'

/** One schema per channel module, so a new channel needs no line here. */
const channelSchema = z.discriminatedUnion('type', channelConfigSchemas, {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `unknown channel type ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)} (expected one of ${CHANNEL_TYPES.join(', ')})`
      : undefined,
})
export type { ChannelConfig }

const defaultsSchema = z.strictObject({
  every: durationSchema.optional(),
  timeout: durationSchema.optional(),
  regions: z.array(z.string().min(1)).optional(),
  tags: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
  alert: alertPolicySchema.partial().optional(),
})

const projectSchema = z.strictObject({
  project: z.string().min(1).default('Vantage'),
  defaults: defaultsSchema.default({}),
  channels: z.array(channelSchema).default([{ type: 'console', name: 'console' }]),
  alerting: alertingSchema.default(alertingSchema.parse({})),
  routes: z.array(routeSchema).default([]),
  maintenance: z.array(maintenanceWindowSchema).default([]),
  slo: sloSchema.default(sloSchema.parse({})),
  // Checked by validate-slos.ts, with the checks' `slo:` shorthands.
  slos: z.unknown().optional(),
  // Checked page by page in status-page-validate.ts, once the check ids are known.
  statusPages: z.unknown().optional(),
  checks: z.array(z.unknown(), {
    error: (issue) =>
      issue.input === undefined
        ? "missing: list the checks to run, e.g. checks: [http('api', { url: 'https://api.example.com/health' })]"
        : undefined,
  }),
})

export interface MonitoringConfig {
  project: string
  channels: ChannelConfig[]
  checks: CheckSpec[]
  /** Grouping, flap thresholds, region/probe/channel alerts. Defaults when absent. */
  alerting?: AlertingConfig
  /** Notification routes by check id or tag; a check's own `notify` is a route too. */
  routes?: RouteConfig[]
  /** Maintenance windows from the file (the API adds more at run time). */
  maintenance?: MaintenanceWindowConfig[]
  slo?: SloConfig
  /** SLOs from `slos` and the checks' `slo:` shorthands, their checks resolved. */
  slos?: SloDefinition[]
  /** Status pages (`statusPage(...)`); none means the hub makes one of every check. */
  statusPages?: StatusPageConfig[]
}

export type ValidationOutcome =
  { ok: true; config: MonitoringConfig } | { ok: false; errors: string[] }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const DEFAULTED = ['every', 'timeout', 'regions', 'tags', 'enabled'] as const
/**
 * Heartbeats take only these: the other defaults describe probe runs (a one-minute
 * `every`, regions, a quorum of 2) and would make every nightly job page or not validate.
 */
const HEARTBEAT_DEFAULTED = ['tags', 'enabled'] as const

/** Applies project defaults to one raw check: the check's own options win. */
function withDefaults(check: Record<string, unknown>, defaults: z.infer<typeof defaultsSchema>) {
  const merged: Record<string, unknown> = { ...check }
  const heartbeat = check.kind === 'heartbeat'
  const host = isHostKind(String(check.kind))
  for (const key of heartbeat ? HEARTBEAT_DEFAULTED : DEFAULTED) {
    // Host checks run on the probes they select, not in regions.
    if (host && key === 'regions') continue
    // A user journey takes far longer than one request: `defaults.timeout` (10s for a
    // project of HTTP checks) would cut most journeys short.
    if (check.kind === 'browser' && key === 'timeout') continue
    if (merged[key] === undefined && defaults[key] !== undefined) merged[key] = defaults[key]
  }
  if (heartbeat) return merged
  if (defaults.alert || merged.alert !== undefined) {
    merged.alert = isRecord(merged.alert)
      ? { ...defaults.alert, ...merged.alert }
      : (merged.alert ?? defaults.alert)
  }
  // A project-wide quorum counts regions; a host check pages on any failing host.
  if (host && isRecord(merged.alert) && !(isRecord(check.alert) && 'quorum' in check.alert)) {
    const { quorum: _quorum, ...alert } = merged.alert
    merged.alert = alert
  }
  return merged
}

/** Channel names as written, even when the channels around them do not validate. */
function rawChannelNames(channels: unknown): string[] {
  if (channels === undefined) return ['console']
  if (!Array.isArray(channels)) return []
  return channels.flatMap((channel) =>
    isRecord(channel) && typeof channel.name === 'string' ? [channel.name] : [],
  )
}

/** A valid check and its place in the file, for errors that name it. */
interface PlacedCheck {
  spec: CheckSpec
  index: number
}

/** Validates each raw check, appending its errors; returns the checks that are valid. */
function validateChecks(
  rawChecks: unknown[],
  defaults: z.infer<typeof defaultsSchema>,
  channelNames: ReadonlySet<string>,
  errors: string[],
): PlacedCheck[] {
  const checks: PlacedCheck[] = []
  const firstIndexById = new Map<string, number>()

  rawChecks.forEach((raw, index) => {
    if (!isRecord(raw)) {
      errors.push(`checks[${index}]: expected a check object, e.g. http('id', { url })`)
      return
    }
    // Ids are compared as written, so a duplicate is reported even next to a broken check.
    if (typeof raw.id === 'string') {
      const earlier = firstIndexById.get(raw.id)
      if (earlier !== undefined) {
        errors.push(
          `checks[${index}].id: duplicate id "${raw.id}" (first used by checks[${earlier}])`,
        )
      } else {
        firstIndexById.set(raw.id, index)
      }
    }
    if (typeof raw.kind !== 'string' || !CHECK_KIND_NAMES.includes(raw.kind as CheckSpec['kind'])) {
      errors.push(
        `checks[${index}].kind: unknown kind ${JSON.stringify(raw.kind)} (expected one of ${CHECK_KIND_NAMES.join(', ')})`,
      )
      return
    }
    const input = withDefaults(raw, defaults)
    if (isHostKind(raw.kind) && raw.regions !== undefined) {
      errors.push(
        `checks[${index}].regions: host checks have no regions; they run on the probes that "on" selects`,
      )
      delete input.regions
    }
    const parsed = checkSpecSchema.safeParse(input)
    if (!parsed.success) {
      errors.push(...issuesToErrors(parsed.error.issues, input, ['checks', index]))
      return
    }
    const spec = parsed.data
    const regions = regionsOf(spec)
    if (regions === null && spec.alert.quorum !== undefined && spec.alert.quorum !== 1) {
      errors.push(
        `checks[${index}].alert.quorum: host checks alert when any selected host fails; leave quorum out`,
      )
    } else if (
      regions &&
      typeof spec.alert.quorum === 'number' &&
      spec.alert.quorum > regions.length
    ) {
      errors.push(
        `checks[${index}].alert.quorum: ${spec.alert.quorum} is more than the check's ${regions.length} region(s)`,
      )
    }
    if (spec.kind !== 'heartbeat' && regions?.includes(HUB_REGION)) {
      errors.push(
        `checks[${index}].regions: "${HUB_REGION}" is reserved for heartbeats; no probe runs in it`,
      )
    }
    spec.notify?.forEach((name, position) => {
      if (!channelNames.has(name)) {
        errors.push(`checks[${index}].notify[${position}]: no channel named "${name}"`)
      }
    })
    checks.push({ spec, index })
  })
  return checks
}

/**
 * Validates a whole monitoring project and returns every error found. Checks are
 * validated even when the project around them has errors (a bad channel must not
 * hide a bad check), unless the defaults they inherit are broken themselves: then
 * every check would report the same missing option.
 */
export function validateMonitoring(input: unknown): ValidationOutcome {
  if (!isRecord(input)) {
    const got = input === undefined ? 'nothing' : describeValue(input)
    return {
      ok: false,
      errors: [
        `(root): the default export must be defineMonitoring({ checks: [...] }), got ${got}`,
      ],
    }
  }
  const project = projectSchema.safeParse(input)
  const errors = project.success ? [] : issuesToErrors(project.error.issues, input)
  const raw = isRecord(input) ? input : {}
  const defaults = project.success
    ? project.data.defaults
    : defaultsSchema.safeParse(raw.defaults ?? {}).data
  const channelNames = project.success
    ? project.data.channels.map((channel) => channel.name)
    : rawChannelNames(raw.channels)

  const checks =
    defaults && Array.isArray(raw.checks)
      ? validateChecks(withoutCheckSlos(raw.checks), defaults, new Set(channelNames), errors)
      : []
  const slos = validateSlos(
    raw.slos,
    raw.checks,
    project.success ? project.data.slo : sloSchema.parse({}),
    errors,
  )

  const seenChannels = new Set<string>()
  channelNames.forEach((name, index) => {
    if (seenChannels.has(name)) errors.push(`channels[${index}].name: duplicate channel "${name}"`)
    seenChannels.add(name)
  })
  if (project.success) {
    errors.push(...routeErrors(project.data, seenChannels))
    errors.push(...ticketRouteErrors(project.data))
    errors.push(...dependencyErrors(checks, rawCheckIds(raw.checks)))
  }
  const channelTypes = new Map(
    project.success ? project.data.channels.map((channel) => [channel.name, channel.type]) : [],
  )
  const statusPages = validateStatusPages(
    raw.statusPages,
    rawCheckIds(raw.checks),
    channelTypes,
    errors,
  )

  if (!project.success || errors.length > 0) return { ok: false, errors }
  const { alerting, routes, maintenance, slo } = project.data
  return {
    ok: true,
    config: {
      project: project.data.project,
      channels: project.data.channels,
      checks: checks.map((placed) => placed.spec),
      alerting,
      routes,
      maintenance,
      slo,
      ...(slos.length > 0 ? { slos } : {}),
      ...(statusPages.length > 0 ? { statusPages } : {}),
    },
  }
}

/** Channel names in routes, escalation levels and `alerting.notify` that name no channel. */
function routeErrors(
  project: { routes: RouteConfig[]; alerting: AlertingConfig },
  channelNames: ReadonlySet<string>,
): string[] {
  const errors: string[] = []
  const check = (names: string[], path: string) =>
    names.forEach((name, position) => {
      if (!channelNames.has(name)) errors.push(`${path}[${position}]: no channel named "${name}"`)
    })
  project.routes.forEach((route, index) => {
    check(route.channels, `routes[${index}].channels`)
    route.escalate.forEach((level, position) =>
      check(level.channels, `routes[${index}].escalate[${position}].channels`),
    )
  })
  if (project.alerting.notify) check(project.alerting.notify, 'alerting.notify')
  return errors
}

/** Channel types that page someone: a ticket must never reach them. */
const PAGING_TYPES = new Set(['pagerduty', 'opsgenie'])

/** Ticket routes (`tickets: true`) that name a paging channel. */
function ticketRouteErrors(project: {
  routes: RouteConfig[]
  channels: { name: string; type: string }[]
}): string[] {
  const types = new Map(project.channels.map((channel) => [channel.name, channel.type]))
  return project.routes.flatMap((route, index) =>
    route.tickets
      ? route.channels.flatMap((name, position) => {
          const type = types.get(name)
          return type !== undefined && PAGING_TYPES.has(type)
            ? [
                `routes[${index}].channels[${position}]: "${name}" is a ${type} channel, which pages; a route with tickets: true takes only channels that do not`,
              ]
            : []
        })
      : [],
  )
}

/** Check ids as written, valid checks or not: a dependency on a broken check is not "missing". */
function rawCheckIds(rawChecks: unknown): Set<string> {
  if (!Array.isArray(rawChecks)) return new Set()
  return new Set(
    rawChecks.flatMap((raw) => (isRecord(raw) && typeof raw.id === 'string' ? [raw.id] : [])),
  )
}

/**
 * `dependsOn` entries that name no check, the check itself, or close a cycle. Errors name
 * each check by its place in the file; a dependency on a check that is itself invalid is
 * left to that check's own error.
 */
function dependencyErrors(placed: PlacedCheck[], writtenIds: ReadonlySet<string>): string[] {
  const errors: string[] = []
  const checks = placed.map((p) => p.spec)
  const ids = new Map(placed.map(({ spec, index }) => [spec.id, index]))
  for (const { spec: check, index } of placed) {
    check.dependsOn?.forEach((id, position) => {
      const path = `checks[${index}].dependsOn[${position}]`
      if (id === check.id) errors.push(`${path}: a check cannot depend on itself`)
      else if (!writtenIds.has(id)) errors.push(`${path}: no check with id "${id}"`)
    })
  }
  // A cycle would have each check wait for the other forever: report one per cycle start.
  const visiting = new Set<string>()
  const done = new Set<string>()
  const byId = new Map(checks.map((check) => [check.id, check]))
  const visit = (id: string, trail: string[]): void => {
    if (done.has(id)) return
    if (visiting.has(id)) {
      const cycle = [...trail.slice(trail.indexOf(id)), id]
      errors.push(`checks[${ids.get(id)}].dependsOn: dependency cycle ${cycle.join(' -> ')}`)
      return
    }
    visiting.add(id)
    for (const next of byId.get(id)?.dependsOn ?? []) {
      if (next !== id && byId.has(next)) visit(next, [...trail, id])
    }
    visiting.delete(id)
    done.add(id)
  }
  for (const check of checks) visit(check.id, [])
  return errors
}
