/**
 * Every remote channel type of the registry, through the real notifier: the shared
 * delivery scenarios (channel-delivery.fixture.ts), aimed at a local server by the
 * type's entry in checks/channels/delivery-targets.fixture.ts, so a new channel gets
 * them without a line here; then what some channels do on top of them.
 */
import { describe, expect, it } from 'vitest'
import { DELIVERY_TARGETS } from '../../../checks/channels/delivery-targets.fixture.ts'
import { REMOTE_CHANNEL_TYPES } from '../../../checks/channels/registry.ts'
import {
  deliverThroughSink,
  describeDelivery,
  describeSmtpDelivery,
} from './channel-delivery.fixture.ts'

for (const type of REMOTE_CHANNEL_TYPES) {
  const target = DELIVERY_TARGETS[type]
  if ('http' in target) describeDelivery(type, target.http, target.success)
  else describeSmtpDelivery(type, target.smtp)
}

describe('pagerduty acknowledge through the notifier', () => {
  it('sends acknowledge with the incident id as dedup_key and the routing key', async () => {
    const { sink, attempts, incidentId } = await deliverThroughSink(
      (url) => ({ type: 'pagerduty', name: 'oncall', routingKey: 'rk-test', url }),
      [202],
      'acknowledged',
    )
    try {
      expect(sink.requests).toHaveLength(1)
      expect(JSON.parse(sink.requests[0]!.body)).toEqual({
        routing_key: 'rk-test',
        event_action: 'acknowledge',
        dedup_key: incidentId,
      })
      expect(attempts).toMatchObject([{ alert: 'acknowledged', outcome: 'delivered', status: 202 }])
    } finally {
      await sink.close()
    }
  })
})

describe('opsgenie acknowledge through the notifier', () => {
  it('POSTs to the acknowledge endpoint of the incident alias', async () => {
    const { sink, attempts, incidentId } = await deliverThroughSink(
      (url) => ({
        type: 'opsgenie',
        name: 'genie',
        apiKey: 'key-test',
        url: url.replace(/\/hook$/, ''),
      }),
      [202],
      'acknowledged',
    )
    try {
      expect(sink.requests).toMatchObject([
        { method: 'POST', path: `/v2/alerts/${incidentId}/acknowledge?identifierType=alias` },
      ])
      expect(sink.requests[0]!.headers.authorization).toBe('GenieKey key-test')
      expect(attempts).toMatchObject([{ alert: 'acknowledged', outcome: 'delivered' }])
    } finally {
      await sink.close()
    }
  })
})
