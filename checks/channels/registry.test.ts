import { describe, expect, it } from 'vitest'
import { CHANNEL_TYPES, groupable, rateLimitFor, REMOTE_CHANNEL_TYPES } from './registry.ts'
import { FALLBACK_RATE_LIMIT } from './rate-limit.ts'

describe('the channel registry', () => {
  it('lists every type, the console first, and sends all but the console remotely', () => {
    expect(CHANNEL_TYPES).toEqual([
      'console',
      'webhook',
      'slack',
      'pagerduty',
      'email',
      'teams',
      'opsgenie',
      'telegram',
    ])
    expect(REMOTE_CHANNEL_TYPES).toEqual(CHANNEL_TYPES.filter((type) => type !== 'console'))
  })

  it("takes each type's rate limit from its module: PagerDuty 120/min, Slack 1/s, Telegram 20/min, else 60/min", () => {
    expect(rateLimitFor('pagerduty')).toEqual({ tokens: 120, perMs: 60_000 })
    expect(rateLimitFor('slack')).toEqual({ tokens: 1, perMs: 1_000 })
    expect(rateLimitFor('telegram')).toEqual({ tokens: 20, perMs: 60_000 })
    for (const type of ['console', 'webhook', 'email', 'teams', 'opsgenie'] as const) {
      expect(rateLimitFor(type)).toEqual(FALLBACK_RATE_LIMIT)
    }
    expect(FALLBACK_RATE_LIMIT).toEqual({ tokens: 60, perMs: 60_000 })
  })

  it('groups alerts except for the console and the one-alert-per-incident services', () => {
    expect(CHANNEL_TYPES.filter((type) => !groupable(type))).toEqual([
      'console',
      'pagerduty',
      'opsgenie',
    ])
  })
})
