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
import type { AlertPolicy, HttpSpec, PingSpec, StatusExpectation } from './spec.ts'

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
  /** When the check counts as DOWN. Defaults: quorum min(2, regions), failAfter 2, recoverAfter 2. */
  alert?: Partial<AlertPolicy>
  /** Channel names to notify. Default: every channel. */
  notify?: string[]
}

export interface HttpProps extends CommonCheckProps {
  /** The URL to request. @example 'https://api.example.com/health' */
  url: string
  /** Default `GET`. */
  method?: HttpSpec['method']
  /** Request headers. Default `{}`. */
  headers?: Record<string, string>
  /** Request body, sent as is. */
  body?: string
  expect?: {
    /** Accepted status: a code, a list, or `{ min, max }`. Default `{ min: 200, max: 399 }`. */
    status?: StatusExpectation
    /** Total time above which the result is `degraded`. @example '800ms' */
    degradedAbove?: Duration
    /** Total time above which the result is `down`. @example '5s' */
    failAbove?: Duration
  }
}

export interface PingProps extends CommonCheckProps {
  /** Host name or IP address to ping. @example 'db.internal' */
  host: string
  /** Echo requests per run. Default 3. */
  count?: number
  expect?: {
    /** Packet loss (%) above which the result is `down`. Default 0. */
    maxLossPercent?: number
    /** Average RTT above which the result is `degraded`. */
    degradedAbove?: Duration
    /** Average RTT above which the result is `down`. */
    failAbove?: Duration
  }
}

export type CheckInput =
  ({ kind: 'http'; id: string } & HttpProps) | ({ kind: 'ping'; id: string } & PingProps)

/** An HTTP(S) check. @example http('api', { url: 'https://api.example.com/health' }) */
export function http(id: string, props: HttpProps): CheckInput {
  return { kind: 'http', id, ...props }
}

/** An ICMP ping check, run with the system `ping`. @example ping('gateway', { host: '10.0.0.1' }) */
export function ping(id: string, props: PingProps): CheckInput {
  return { kind: 'ping', id, ...props }
}

export interface ConsoleChannelInput {
  type: 'console'
  name: string
}
export interface WebhookChannelInput {
  type: 'webhook'
  name: string
  /** Receives a JSON POST for every alert fired or resolved. */
  url: string
  /** Extra request headers, e.g. an auth header. */
  headers?: Record<string, string>
}
export type ChannelInput = ConsoleChannelInput | WebhookChannelInput

/** Notification channels. Channels stay on the hub; probes never see them. */
export const channels = {
  /** Prints one line per alert on the hub's standard output. */
  console(name = 'console'): ConsoleChannelInput {
    return { type: 'console', name }
  },
  /** POSTs a JSON document per alert. @example channels.webhook('ops', { url: 'https://hooks.example.com/x' }) */
  webhook(
    name: string,
    props: { url: string; headers?: Record<string, string> },
  ): WebhookChannelInput {
    return { type: 'webhook', name, ...props }
  },
}

export interface MonitoringInput {
  /** Project name, shown on the status page. Default `Vantage`. */
  project?: string
  /** Defaults applied to every check that does not set the option itself. */
  defaults?: Omit<CommonCheckProps, 'name' | 'notify'>
  /** Where alerts go. Default: a console channel. */
  channels?: ChannelInput[]
  checks: CheckInput[]
}

/** Declares a monitoring project. Returns its input unchanged, typed, for the hub to validate. */
export function defineMonitoring(config: MonitoringInput): MonitoringInput {
  return config
}
