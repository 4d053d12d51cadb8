/**
 * The checks-as-code API. A monitors.ts file default-exports the result of
 * `defineMonitoring(...)`; the hub validates it with `validateMonitoring`. Each check
 * kind's factory and props live in its spec module (specs/<kind>.ts); this file
 * gathers them with the project-wide options.
 *
 * @example
 * export default defineMonitoring({
 *   defaults: { regions: ['eu-west', 'us-east', 'ap-south'], every: '1m' },
 *   channels: [channels.webhook('ops', { url: 'https://hooks.example.com/vantage' })],
 *   checks: [http('api-health', { url: 'https://api.example.com/health', expect: { status: 200 } })],
 * })
 */
import type { SloInput } from './slo.ts'
import type { CheckInput } from './kinds.ts'
import type { CommonCheckProps, Duration } from './specs/common-props.ts'
import type { ChannelInput } from './define-channels.ts'
import type { StatusPageDeclaration } from './status-page.ts'

export type { CheckInput }
export type { CommonCheckProps, Duration, RemediationInput } from './specs/common-props.ts'
export { http, type HeaderExpectation, type HttpProps } from './specs/http.ts'
export { ping, type PingProps } from './specs/ping.ts'
export { tcp, type TcpProps } from './specs/tcp.ts'
export { dns, type DnsProps } from './specs/dns.ts'
export { heartbeat, type HeartbeatProps } from './specs/heartbeat.ts'
export { host, type HostCheckInput, type HostFactories } from './specs/host.ts'
export type { HostCheckProps, HostSelectorInput } from './specs/host-common.ts'
export type { HostCommandProps } from './specs/host-command.ts'
export type { HostDiskProps } from './specs/host-disk.ts'
export type { HostFileProps } from './specs/host-file.ts'
export type { HostPortProps } from './specs/host-port.ts'
export type { HostProcessProps } from './specs/host-process.ts'
export type { HostReadOnlyProps } from './specs/host-read-only.ts'
export type { HostSystemdProps } from './specs/host-systemd.ts'
export { channels } from './define-channels.ts'
export { slo, type SloProps, type SloInput, type CheckSloInput } from './slo.ts'
export { statusPage, type StatusPageInput } from './status-page.ts'
export type * from './define-channels.ts'

/** Selects checks by id or tag; empty selects every check. */
export interface MatcherInput {
  checks?: string[]
  tags?: string[]
}

export interface RouteInput {
  /** Default: every check. */
  match?: MatcherInput
  channels: string[]
  /** Also notify when the incident resolves. Default true. */
  notifyOnResolve?: boolean
  /** Repeat the alert while the incident is open and unacknowledged. @example '30m' */
  remindEvery?: Duration
  /** Levels that add channels while nobody acknowledges. @example [{ after: '10m', channels: ['pagerduty'] }] */
  escalate?: { after: Duration; channels: string[] }[]
  /**
   * Also send tickets to these channels: notifications that never page, such as a latency
   * anomaly. Only channels that do not page (not PagerDuty or Opsgenie). Default false.
   */
  tickets?: boolean
}

export interface AlertingInput {
  /** Alerts sharing a group key within this go out as one message. Default `5s`. */
  groupWait?: Duration
  /** Group by the check's tags (default) or send each alert alone. */
  groupBy?: 'tags' | 'none'
  /** Nagios flap thresholds (percent state change over 21 states), or false. Default 20/30. */
  flapping?: false | { low?: number; high?: number }
  /** When a region alert replaces per-check alerts. Default share 0.5 of at least 3 checks. */
  regionLoss?: { share?: number; minChecks?: number }
  /** A probe offline this long raises a probe alert. Default `1m`. */
  probeOfflineAfter?: Duration
  /** Consecutive failed deliveries that make a channel alert. Default 3. */
  channelFailingAfter?: number
  /** Channels for probe, region and channel alerts. Default: every channel. */
  notify?: string[]
}

/**
 * Results inside a window count neither up nor down, and matched checks do not page.
 * One-off with `start`/`end` (ISO 8601) or recurring with `cron` (UTC) and `duration`.
 */
export type MaintenanceInput = {
  match: MatcherInput
  reason?: string
} & ({ start: string; end: string } | { cron: string; duration: Duration })

export interface MonitoringInput {
  /** Project name, shown on the status page. Default `Vantage`. */
  project?: string
  /** Defaults applied to every check that does not set the option itself. */
  defaults?: Omit<CommonCheckProps, 'name' | 'notify' | 'slo'>
  /** Where alerts go. Default: a console channel. */
  channels?: ChannelInput[]
  /** Grouping, flapping, region/probe/channel alerts. */
  alerting?: AlertingInput
  /** Notification routes by check id or tag, with reminders and escalation. */
  routes?: RouteInput[]
  /** Maintenance windows. */
  maintenance?: MaintenanceInput[]
  /**
   * The default objective: what `slo()` and a check's `slo:` use when they give no target
   * or window, and what incident reports measure a check outside every SLO against.
   * Default 99.9 % over 30d.
   */
  slo?: { target?: number; window?: Duration }
  /** Service level objectives with burn-rate alerts: `[slo('checkout', { checks, target, window })]`. */
  slos?: SloInput[]
  /** Public or private status pages: `[statusPage('public', { title, components })]`. */
  statusPages?: StatusPageDeclaration[]
  checks: CheckInput[]
}

/** Declares a monitoring project. Returns its input unchanged, typed, for the hub to validate. */
export function defineMonitoring(config: MonitoringInput): MonitoringInput {
  return config
}
