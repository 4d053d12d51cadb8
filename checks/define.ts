/**
 * The checks-as-code API. A monitors.ts file default-exports the result of
 * `defineMonitoring(...)`; the hub validates it with `validateMonitoring`.
 *
 * @example
 * export default defineMonitoring({
 *   defaults: { regions: ['eu-west', 'us-east', 'ap-south'], every: '1m' },
 *   channels: [channels.webhook('ops', { url: 'https://hooks.example.com/vantage' })],
 *   checks: [http('api-health', { url: 'https://api.example.com/health', expect: { status: 200 } })],
 * })
 */
import type { AlertPolicy, DnsRcode, DnsRecordType } from './spec.ts'
import type { HostCheckInput } from './define-host.ts'
import type { HttpProps } from './define-http.ts'
import type { ChannelInput } from './define-channels.ts'

export type { HttpProps }
export { host } from './define-host.ts'
export type * from './define-host.ts'
export { channels } from './define-channels.ts'
export type * from './define-channels.ts'

/** A duration string: `250ms`, `30s`, `5m`, `1h30m`, `1d`. */
export type Duration = string

/** Options every check accepts. Unset options come from `defaults`, then built-in defaults. */
export interface CommonCheckProps {
  /** Human name shown on status pages. Default: the id. */
  name?: string
  /** How often each region runs the check. Default `1m`. @example '30s' */
  every?: Duration
  /** Hard limit for one run; the run is `down` with TIMEOUT past it. Default `10s`. */
  timeout?: Duration
  /** Regions that run the check. Default: `defaults.regions`. @example ['eu-west', 'us-east'] */
  regions?: string[]
  /** Free-form tags, used for grouping and routing. Default `[]`. */
  tags?: string[]
  /** Set `false` to keep a check defined but not scheduled. Default `true`. */
  enabled?: boolean
  /**
   * When the check counts as DOWN. Defaults: quorum a majority of regions (at least 2),
   * failAfter 2, recoverAfter 2, pageOnDegraded false, the project's flap thresholds.
   */
  alert?: Partial<AlertPolicy>
  /** Channel names to notify. Default: every channel (or the routes that match). */
  notify?: string[]
  /**
   * Check ids this check depends on: while one of them is DOWN this check's alerts are
   * held back (recorded, not sent); they go out if it is still down once the dependency recovers.
   * @example ['db-primary']
   */
  dependsOn?: string[]
  /**
   * Actions the hub runs once the check is confirmed DOWN: a webhook, or a command the
   * hub's `--remediation` file allow-lists by name. Each has a cooldown (default `10m`)
   * and an attempt limit per incident (default 3); a confirmation run follows each.
   * @example [{ command: 'restart-api' }, { webhook: 'https://ops.example.com/hooks/recycle' }]
   */
  remediate?: RemediationInput[]
}

export type RemediationInput = {
  cooldown?: Duration
  maxAttempts?: number
} & (
  | { webhook: string; headers?: Record<string, string>; command?: never }
  | { command: string; webhook?: never; headers?: never }
)

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

export interface PingProps extends CommonCheckProps {
  /** Host name or IP address to ping. @example 'db.internal' */
  host: string
  /** Echo requests per run, 1 to 20. Default 3. @example 5 */
  count?: number
  /** Time between echo requests, at least `200ms`. Default `1s`. @example '500ms' */
  interval?: Duration
  /**
   * How long to wait for each reply; ping counts whole seconds, so this is rounded up.
   * Default `2s`. @example '1s'
   */
  packetTimeout?: Duration
  /** IP version to ping over: `4`, `6`, or `'auto'`. Default `'auto'`. @example 6 */
  ipFamily?: 4 | 6 | 'auto'
  expect?: {
    /** Packet loss (%) above which the result is `down`. Default 0. */
    maxLossPercent?: number
    /** Average RTT above which the result is `degraded`. */
    degradedAbove?: Duration
    /** Average RTT above which the result is `down`. */
    failAbove?: Duration
  }
}

/**
 * A heartbeat is watched by the hub, not run by probes, so it takes no regions or
 * timeout, and ignores `defaults` except `tags` and `enabled`.
 */
export interface HeartbeatProps extends Omit<CommonCheckProps, 'every' | 'timeout' | 'regions'> {
  /** How often the job pings. Required. @example '1d' */
  every: Duration
  /**
   * How late a ping may arrive, and how long a run announced by `/start` may last,
   * before the heartbeat is down. Default `1h`. @example '2h'
   */
  grace?: Duration
  /** Defaults: failAfter 1 and recoverAfter 1 (a missed run is already confirmed). */
  alert?: Partial<AlertPolicy>
}

export interface TcpProps extends CommonCheckProps {
  /** Host name or IP address to connect to. @example 'mail.example.com' */
  host: string
  /** TCP port, 1 to 65535. @example 25 */
  port: number
  /**
   * Connect with TLS: `true` verifies the certificate against `host`. Default `false`.
   * @example { servername: 'mail.example.com' }
   */
  tls?:
    | boolean
    | {
        /** Name for SNI and the certificate check. Default: `host` when it is a name. */
        servername?: string
        /** Accept an expired, self-signed or wrongly named certificate. Default `false`. */
        insecure?: boolean
      }
  /** Written once connected (after the TLS handshake), as is. @example 'PING\r\n' */
  send?: string
  expect?: {
    /**
     * What the server must send (the response to `send`, or its banner): a text it
     * contains, or `{ matches }` with a regular expression. Read until it matches, the
     * server closes the connection, or the timeout. Default: nothing is read.
     * @example '220 ' or { matches: '^SSH-2\\.0-' }
     */
    banner?: string | { matches: string }
    /** Total time above which the result is `degraded`. @example '500ms' */
    degradedAbove?: Duration
    /** Total time above which the result is `down`. @example '3s' */
    failAbove?: Duration
  }
}

export interface DnsProps extends CommonCheckProps {
  /** The domain name to query. @example 'api.example.com' */
  name: string
  /** Record type: A, AAAA, CNAME, MX, TXT, NS or SOA. Default `A`. */
  type?: DnsRecordType
  /**
   * The resolver to ask: an IP address and an optional port (default 53), IPv6 in
   * brackets. Default: the probe's system resolvers.
   * @example '1.1.1.1:53' or '[2606:4700:4700::1111]:53'
   */
  server?: string
  expect?: {
    /** The response code. Default `NOERROR`; `NXDOMAIN` checks that a name does not exist. */
    rcode?: DnsRcode
    /**
     * The answers, as `dig +short` prints them: `127.0.0.1`, `10 mail.example.com`, TXT
     * text joined, SOA as `mname rname serial refresh retry expire minimum`. Names
     * compare without case or trailing dot. Default: any answers.
     */
    answers?: {
      /** Exactly these answers, in any order. @example ['192.0.2.10', '192.0.2.11'] */
      equals?: string[]
      /** One of the answers is exactly this. @example '192.0.2.10' */
      contains?: string
      /** At least one answer matches this regular expression. @example '^v=spf1 ' */
      matches?: string
    }
    /** Lookup time above which the result is `degraded`. @example '200ms' */
    degradedAbove?: Duration
    /** Lookup time above which the result is `down`. @example '2s' */
    failAbove?: Duration
  }
}

export type CheckInput =
  | ({ kind: 'http'; id: string } & HttpProps)
  | ({ kind: 'ping'; id: string } & PingProps)
  | ({ kind: 'tcp'; id: string } & TcpProps)
  | ({ kind: 'dns'; id: string } & DnsProps)
  | ({ kind: 'heartbeat'; id: string } & HeartbeatProps)
  | HostCheckInput

/** An HTTP(S) check. @example http('api', { url: 'https://api.example.com/health' }) */
export function http(id: string, props: HttpProps): CheckInput {
  return { kind: 'http', id, ...props }
}

/** An ICMP ping check, run with the system `ping`. @example ping('gateway', { host: '10.0.0.1' }) */
export function ping(id: string, props: PingProps): CheckInput {
  return { kind: 'ping', id, ...props }
}

/**
 * A TCP check: connects, optionally over TLS, optionally sends a payload and expects
 * a banner or a response.
 * @example tcp('smtp', { host: 'mail.example.com', port: 25, expect: { banner: '220 ' } })
 */
export function tcp(id: string, props: TcpProps): CheckInput {
  return { kind: 'tcp', id, ...props }
}

/**
 * A DNS check: one query, its response code, its answers and the lookup time.
 * @example dns('api-a', { name: 'api.example.com', expect: { answers: { contains: '192.0.2.10' } } })
 */
export function dns(id: string, props: DnsProps): CheckInput {
  return { kind: 'dns', id, ...props }
}

/**
 * A push monitor: the job calls a secret ping URL on the hub (`vantage status` shows
 * it) when it succeeds, and optionally `/start` and `/fail`. Down when no ping comes
 * within `every` + `grace`, at once on a fail, and when a started run does not end
 * within `grace`.
 * @example heartbeat('nightly-backup', { every: '1d', grace: '2h' })
 */
export function heartbeat(id: string, props: HeartbeatProps): CheckInput {
  return { kind: 'heartbeat', id, ...props }
}

export interface MonitoringInput {
  /** Project name, shown on the status page. Default `Vantage`. */
  project?: string
  /** Defaults applied to every check that does not set the option itself. */
  defaults?: Omit<CommonCheckProps, 'name' | 'notify'>
  /** Where alerts go. Default: a console channel. */
  channels?: ChannelInput[]
  /** Grouping, flapping, region/probe/channel alerts. */
  alerting?: AlertingInput
  /** Notification routes by check id or tag, with reminders and escalation. */
  routes?: RouteInput[]
  /** Maintenance windows. */
  maintenance?: MaintenanceInput[]
  /** The availability objective incident reports measure error budget against. Default 99.9 % over 30d. */
  slo?: { target?: number; window?: Duration }
  checks: CheckInput[]
}

/** Declares a monitoring project. Returns its input unchanged, typed, for the hub to validate. */
export function defineMonitoring(config: MonitoringInput): MonitoringInput {
  return config
}
