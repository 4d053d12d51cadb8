import { describe, expect, it } from 'vitest'
import { deriveState, worstState, type ComponentCheck } from './component-state.ts'
import { plainError, plainReason } from './plain-language.ts'

const check = (over: Partial<ComponentCheck>): ComponentCheck => ({
  status: 'up',
  enabled: true,
  inMaintenance: false,
  reason: null,
  ...over,
})

describe('component state', () => {
  it('maps quorum states to Statuspage states', () => {
    expect(deriveState([check({})]).state).toBe('operational')
    expect(
      deriveState([check({ status: 'degraded', reason: 'Certificate expires in 5 days' })]),
    ).toEqual({
      state: 'degraded_performance',
      reason: 'Certificate expires in 5 days',
      overridden: false,
    })
    // One region failing never pages, so it is no outage either.
    expect(deriveState([check({ status: 'partial', reason: 'Not responding' })])).toMatchObject({
      state: 'degraded_performance',
      reason: 'Problems in some regions',
    })
    expect(deriveState([check({ status: 'insufficient' })]).state).toBe('degraded_performance')
    expect(deriveState([check({ status: 'down' }), check({})]).state).toBe('partial_outage')
    expect(
      deriveState([check({ status: 'down', reason: 'Not responding' }), check({ status: 'down' })]),
    ).toMatchObject({ state: 'major_outage', reason: 'Not responding' })
  })

  it('shows maintenance, not an outage, for checks in maintenance', () => {
    expect(deriveState([check({ status: 'down', inMaintenance: true })]).state).toBe(
      'under_maintenance',
    )
    expect(
      deriveState([check({ status: 'down', inMaintenance: true }), check({ status: 'down' })])
        .state,
    ).toBe('major_outage')
  })

  it("lets an operator's override win", () => {
    expect(
      deriveState([check({ status: 'down' })], {
        state: 'degraded_performance',
        reason: 'Fixed, watching',
      }),
    ).toEqual({ state: 'degraded_performance', reason: 'Fixed, watching', overridden: true })
  })

  it('takes the worst component for the headline', () => {
    expect(worstState(['operational', 'under_maintenance', 'degraded_performance'])).toBe(
      'degraded_performance',
    )
    expect(worstState(['operational', 'under_maintenance'])).toBe('under_maintenance')
    expect(worstState([])).toBe('operational')
  })

  it('says what is wrong in plain words', () => {
    expect(plainError('CONNECT_TIMEOUT')).toBe('Not responding')
    expect(plainError('TLS_CERT_UNTRUSTED')).toBe('Certificate problem')
    expect(plainError('LATENCY')).toBe('Slow')
    expect(
      plainReason([
        {
          status: 'degraded',
          metrics: { certDaysLeft: 5.4 },
          assertions: [
            { name: 'certificate days left', ok: false, expected: '>= 14', actual: '5' },
          ],
        },
      ]),
    ).toBe('Certificate expires in 5 days')
    expect(
      plainReason([
        {
          status: 'degraded',
          assertions: [{ name: 'response time (degraded)', ok: false, expected: '<', actual: '' }],
        },
      ]),
    ).toBe('Slow')
    expect(plainReason([{ status: 'up', assertions: [] }])).toBeNull()
  })
})
