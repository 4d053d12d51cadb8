/**
 * Which channels hear about an alert. Pure: the dispatcher asks with the running config
 * on every use, so a deploy that changes routes takes effect on the next notification,
 * reminder or escalation.
 *
 * A check's channels are the union of its own `notify` list and every route in the
 * config whose `match` selects it; when neither applies, every channel hears it (an
 * alert nobody was told about is worse than one too many). Region, probe and channel
 * alerts are about the monitoring itself, so they go to `alerting.notify` instead.
 */
import { DEFAULT_ALERTING, matches, type RouteConfig } from '../../../checks/alerting.ts'
import { parseDuration } from '../../../checks/duration.ts'
import type { MonitoringConfig } from '../../../checks/validate.ts'
import type { AlertEventType } from '../../../checks/alert-event.ts'

/** One route that applies to a check, with its durations in milliseconds. */
export interface ResolvedRoute {
  /**
   * Names the route in dispatch bookkeeping, so reminders and escalation levels are
   * tracked per route: `notify` (the check's own list), `routes[2]` (its index in the
   * config) or `default` (every channel, when nothing else applies).
   */
  key: string
  channels: string[]
  notifyOnResolve: boolean
  /** Null when the route does not remind. */
  remindEveryMs: number | null
  /** Escalation levels in order; level 1 is the first entry. */
  escalate: { afterMs: number; channels: string[] }[]
}

/** What routing needs to know of a check; a removed check is routed by its event's tags. */
export interface RoutableCheck {
  id: string
  tags: string[]
  notify?: string[] | undefined
}

function resolveRoute(key: string, route: RouteConfig): ResolvedRoute {
  return {
    key,
    channels: [...route.channels],
    notifyOnResolve: route.notifyOnResolve,
    remindEveryMs: route.remindEvery === undefined ? null : parseDuration(route.remindEvery),
    escalate: route.escalate.map((level) => ({
      afterMs: parseDuration(level.after),
      channels: [...level.channels],
    })),
  }
}

function everyChannel(config: MonitoringConfig): string[] {
  return config.channels.map((channel) => channel.name)
}

/**
 * The routes that apply to a check, its own `notify` first.
 *
 * @example
 * routesFor({ id: 'api', tags: ['payments'] }, config)
 * // [{ key: 'routes[0]', channels: ['slack'], notifyOnResolve: true, remindEveryMs: 1_800_000, escalate: [...] }]
 */
export function routesFor(check: RoutableCheck, config: MonitoringConfig): ResolvedRoute[] {
  const routes: ResolvedRoute[] = []
  if (check.notify !== undefined && check.notify.length > 0) {
    routes.push({
      key: 'notify',
      channels: [...check.notify],
      notifyOnResolve: true,
      remindEveryMs: null,
      escalate: [],
    })
  }
  ;(config.routes ?? []).forEach((route, index) => {
    if (matches(route.match, check)) routes.push(resolveRoute(`routes[${index}]`, route))
  })
  if (routes.length > 0) return routes
  return [
    {
      key: 'default',
      channels: everyChannel(config),
      notifyOnResolve: true,
      remindEveryMs: null,
      escalate: [],
    },
  ]
}

/**
 * The channels that take a check's tickets (notifications that never page): those of
 * the routes marked `tickets: true` whose match selects it, each once, in route order.
 * None when no route is marked: a ticket never falls back to every channel.
 */
export function ticketChannels(check: RoutableCheck, config: MonitoringConfig): string[] {
  const routes = (config.routes ?? []).filter(
    (route) => route.tickets === true && matches(route.match, check),
  )
  return [...new Set(routes.flatMap((route) => route.channels))]
}

/** Every channel the routes name (escalation levels aside), each once, in route order. */
export function channelsOf(routes: ResolvedRoute[]): string[] {
  return [...new Set(routes.flatMap((route) => route.channels))]
}

/**
 * The channels for region, probe and channel alerts: `alerting.notify`, or every
 * channel. `excluded` leaves one out: a failing channel is never told about itself.
 */
export function monitoringChannels(config: MonitoringConfig, excluded?: string): string[] {
  const names = config.alerting?.notify ?? everyChannel(config)
  return [...new Set(names)].filter((name) => name !== excluded)
}

/**
 * The group key of a check's fired or resolved notification: its tags, sorted (checks
 * without tags share one group), behind the event type so that a fired and a resolved
 * never go out as one message; null (never grouped) with `groupBy: 'none'`.
 *
 * @example groupKeyFor('fired', ['web', 'eu'], config) // 'fired:tags:eu,web'
 */
export function groupKeyFor(
  type: AlertEventType,
  tags: string[],
  config: MonitoringConfig,
): string | null {
  const groupBy = config.alerting?.groupBy ?? DEFAULT_ALERTING.groupBy
  if (groupBy === 'none') return null
  return `${type}:tags:${[...new Set(tags)].sort().join(',')}`
}
