/**
 * Every remote channel type, bound to its file: a new channel is its file and a line
 * here. The mapped type makes a channel type without an entry fail to compile.
 */
import type { ChannelConfig } from '../validate.ts'
import type { AlertEvent } from '../alert-event.ts'
import type { PayloadContext } from './alert-text.ts'
import * as emailChannel from './email.ts'
import type { SendOptions, SendOutcome } from '../../lib/http-delivery.ts'
import * as opsgenieChannel from './opsgenie.ts'
import * as pagerdutyChannel from './pagerduty.ts'
import * as slackChannel from './slack.ts'
import * as teamsChannel from './teams.ts'
import * as telegramChannel from './telegram.ts'
import * as webhookChannel from './webhook.ts'

/** Every channel but the console, which writes a line and cannot fail in a way worth retrying. */
export type RemoteChannel = Exclude<ChannelConfig, { type: 'console' }>

/** Builds the payload once per event; the returned function sends it, once per attempt. */
export type Prepare<C> = (channel: C, event: AlertEvent, ctx: PayloadContext) => Attempt
export type Attempt = (options: SendOptions) => Promise<SendOutcome>

/** Binds a channel module's pure `buildPayload` to its `send`. */
function plug<C, P>(module: {
  buildPayload(event: AlertEvent, ctx: PayloadContext): P
  send(channel: C, payload: P, options?: SendOptions): Promise<SendOutcome>
}): Prepare<C> {
  return (channel, event, ctx) => {
    const payload = module.buildPayload(event, ctx)
    return (options) => module.send(channel, payload, options)
  }
}

const CHANNELS: { [T in RemoteChannel['type']]: Prepare<Extract<RemoteChannel, { type: T }>> } = {
  webhook: plug(webhookChannel),
  slack: plug(slackChannel),
  pagerduty: plug(pagerdutyChannel),
  email: plug(emailChannel),
  teams: plug(teamsChannel),
  opsgenie: plug(opsgenieChannel),
  telegram: plug(telegramChannel),
}

/** Builds `event`'s payload for `channel` and returns its sender. */
export function prepare(channel: RemoteChannel, event: AlertEvent, ctx: PayloadContext): Attempt {
  // The map is keyed by type, so the entry always matches the channel; TS cannot see that.
  return (CHANNELS[channel.type] as Prepare<RemoteChannel>)(channel, event, ctx)
}

/**
 * Channel types that keep one alert per incident on their side, keyed by the incident
 * id (PagerDuty's dedup_key, Opsgenie's alias), so that an ack or resolve reaches the
 * right one. A message about several incidents would break that: they are never grouped.
 */
const ONE_ALERT_PER_INCIDENT: ReadonlySet<ChannelConfig['type']> = new Set([
  'pagerduty',
  'opsgenie',
])

/** True when several alerts may go to this channel type as one message. */
export function groupable(type: ChannelConfig['type']): boolean {
  return type !== 'console' && !ONE_ALERT_PER_INCIDENT.has(type)
}
