/**
 * How to aim each remote channel type at a local test server, for the delivery
 * scenarios the hub runs against every type of the registry
 * (hub/alerts/notify/channel-delivery.test.ts). A mapped type: a new channel fails to
 * compile until it says how it is reached, and then gets the scenarios.
 */
import type { ChannelConfig, RemoteChannelType } from './registry.ts'

type ChannelOf<T extends RemoteChannelType> = Extract<ChannelConfig, { type: T }>

export type DeliveryTarget<T extends RemoteChannelType> =
  | {
      /** The channel, sending to an HTTP sink at `sinkUrl`. */
      http: (sinkUrl: string) => ChannelOf<T>
      /** The status the real service answers on success (200 or 202). */
      success: number
    }
  | {
      /** The channel, sending to an SMTP server on 127.0.0.1 at `port`. */
      smtp: (port: number) => ChannelOf<T>
    }

export const DELIVERY_TARGETS: { [T in RemoteChannelType]: DeliveryTarget<T> } = {
  webhook: {
    http: (url) => ({ type: 'webhook', name: 'ops', url, headers: {}, secret: 'whsec-test' }),
    success: 200,
  },
  slack: { http: (url) => ({ type: 'slack', name: 'team', webhookUrl: url }), success: 200 },
  pagerduty: {
    http: (url) => ({ type: 'pagerduty', name: 'oncall', routingKey: 'rk-test', url }),
    success: 202,
  },
  email: {
    smtp: (port) => ({
      type: 'email',
      name: 'mail',
      smtp: { host: '127.0.0.1', port, secure: false },
      from: 'Vantage <alerts@example.com>',
      to: ['oncall@example.com', 'lead@example.com'],
    }),
  },
  teams: { http: (url) => ({ type: 'teams', name: 'teams', webhookUrl: url }), success: 202 },
  opsgenie: {
    http: (url) => ({ type: 'opsgenie', name: 'genie', apiKey: 'key-test', url }),
    success: 202,
  },
  telegram: {
    http: (url) => ({ type: 'telegram', name: 'tg', botToken: '1:T', chatId: '7', apiUrl: url }),
    success: 200,
  },
}
