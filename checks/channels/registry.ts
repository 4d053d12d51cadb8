/**
 * Every channel type, bound to its module: a new channel is its module and a line
 * here. What differs by type outside the modules is derived from this table: the
 * config schemas validate.ts checks (and the types its error lists), the factories'
 * props (define-channels.ts), rate limits, grouping, and the senders.
 */
import type { z } from 'zod'
import type { SendOptions, SendOutcome } from '../../lib/http-delivery.ts'
import type { AlertEvent } from '../alert-event.ts'
import type { PayloadContext } from './alert-text.ts'
import * as consoleChannel from './console.ts'
import * as emailChannel from './email.ts'
import * as opsgenieChannel from './opsgenie.ts'
import * as pagerdutyChannel from './pagerduty.ts'
import { FALLBACK_RATE_LIMIT, type RateLimit } from './rate-limit.ts'
import * as slackChannel from './slack.ts'
import * as teamsChannel from './teams.ts'
import * as telegramChannel from './telegram.ts'
import * as webhookChannel from './webhook.ts'

/** Builds the payload once per event; the returned function sends it, once per attempt. */
export type Prepare<C> = (channel: C, event: AlertEvent, ctx: PayloadContext) => Attempt
export type Attempt = (options: SendOptions) => Promise<SendOutcome>

/** A channel's config schema: an object whose `type` is one literal. */
type ConfigSchema = z.ZodType<{ type: string; name: string }>

interface Plugin<S extends ConfigSchema> {
  configSchema: S
  rateLimit: RateLimit
  /** True when several alerts may go to the channel as one message. */
  groupable: boolean
}

/** What a module that sends over the network exports. */
interface RemoteModule<S extends ConfigSchema, P> {
  configSchema: S
  rateLimit: RateLimit
  groupable: boolean
  /** Pure: the payload for an event, tested without a network. */
  buildPayload(event: AlertEvent, ctx: PayloadContext): P
  /** Never throws: a failure comes back as `{ ok: false }`, with whether it may pass. */
  send(channel: z.output<S>, payload: P, options?: SendOptions): Promise<SendOutcome>
}

/** A channel the notifier sends through the delivery queue, binding buildPayload to send. */
function remote<S extends ConfigSchema, P>(
  module: RemoteModule<S, P>,
): Plugin<S> & { prepare: Prepare<z.output<S>> } {
  return {
    configSchema: module.configSchema,
    rateLimit: module.rateLimit,
    groupable: module.groupable,
    prepare: (channel, event, ctx) => {
      const payload = module.buildPayload(event, ctx)
      return (options) => module.send(channel, payload, options)
    },
  }
}

/** The console: the notifier writes its lines itself, at once, and never retries them. */
function local<S extends ConfigSchema>(module: { configSchema: S; groupable: boolean }) {
  const plugin: Plugin<S> = {
    configSchema: module.configSchema,
    // Never consulted: console lines skip the queue and its rate limits.
    rateLimit: FALLBACK_RATE_LIMIT,
    groupable: module.groupable,
  }
  return plugin
}

/** Keeps the table honest: each entry's key is the `type` its schema accepts. */
function byType<
  T extends {
    [K in keyof T]: T[K] extends Plugin<infer S>
      ? z.output<S>['type'] extends K
        ? unknown
        : "the key must be the schema's type"
      : never
  },
>(table: T): T {
  return table
}

const CHANNELS = byType({
  console: local(consoleChannel),
  webhook: remote(webhookChannel),
  slack: remote(slackChannel),
  pagerduty: remote(pagerdutyChannel),
  email: remote(emailChannel),
  teams: remote(teamsChannel),
  opsgenie: remote(opsgenieChannel),
  telegram: remote(telegramChannel),
})

type ChannelTable = typeof CHANNELS
export type ChannelType = keyof ChannelTable
type AnyConfigSchema = ChannelTable[ChannelType]['configSchema']

/** A validated channel of any type. */
export type ChannelConfig = z.output<AnyConfigSchema>
/** A channel of type `T` as monitors.ts writes it: its schema's input. */
export type ChannelInputOf<T extends ChannelType> = z.input<ChannelTable[T]['configSchema']>

/** Every type, in table order: the order validation errors list them in. */
export const CHANNEL_TYPES = Object.keys(CHANNELS) as readonly ChannelType[]

/** The config schema of every type, for validate.ts's discriminated union. */
export const channelConfigSchemas = Object.values(CHANNELS).map(
  (plugin) => plugin.configSchema,
) as [AnyConfigSchema, ...AnyConfigSchema[]]

/** Types sent through the delivery queue: every one but the console. */
export type RemoteChannelType = {
  [T in ChannelType]: ChannelTable[T] extends { prepare: unknown } ? T : never
}[ChannelType]
export type RemoteChannel = Extract<ChannelConfig, { type: RemoteChannelType }>

export const REMOTE_CHANNEL_TYPES = CHANNEL_TYPES.filter(
  (type): type is RemoteChannelType => 'prepare' in CHANNELS[type],
)

/** Builds `event`'s payload for `channel` and returns its sender. */
export function prepare(channel: RemoteChannel, event: AlertEvent, ctx: PayloadContext): Attempt {
  // The map is keyed by type, so the entry always matches the channel; TS cannot see that.
  return (CHANNELS[channel.type].prepare as Prepare<RemoteChannel>)(channel, event, ctx)
}

/** True when several alerts may go to this channel type as one message. */
export function groupable(type: ChannelType): boolean {
  return CHANNELS[type].groupable
}

/** How fast the hub may send to a channel of this type. */
export function rateLimitFor(type: ChannelType): RateLimit {
  return CHANNELS[type].rateLimit
}
