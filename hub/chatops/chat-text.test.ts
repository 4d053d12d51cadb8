import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import type { CheckAlertState } from '../alerts/alert-state.ts'
import { sloList, statusSummary } from './chat-text.ts'

const checks = (() => {
  const outcome = validateMonitoring({
    defaults: { regions: ['eu-west', 'us-east'] },
    checks: ['latte', 'mocha', 'espresso'].map((id) => ({ kind: 'tcp', id, host: 'db', port: 1 })),
  })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config.checks
})()

const state =
  (status: CheckAlertState['status'], failing: string[] = []) =>
  (checkId: string) =>
    ({
      checkId,
      status: checkId === 'latte' ? status : 'up',
      regions: {},
      failingRegions: checkId === 'latte' ? failing : [],
      since: 0,
      incidentId: null,
    }) as CheckAlertState

describe('chat text', () => {
  it('says all is well in one line, and lists what is not up otherwise', () => {
    expect(statusSummary(checks, state('up'), 60_000)).toBe(
      'All 3 checks are up or not yet measured (3 up).',
    )
    expect(statusSummary(checks, state('down', ['eu-west', 'us-east']), 90_000)).toBe(
      '3 checks: 1 down, 2 up.\n```\nDOWN  latte  for 1m30s  failing in eu-west, us-east\n```',
    )
  })

  it('shows each objective with its budget and burn rates, or says there are none', () => {
    expect(sloList([], undefined)).toBe('No SLOs are defined on this hub.')
    const text = sloList(
      [
        {
          slo: 'checkout',
          objective: '99.9-30d',
          target: 0.999,
          budgetRemaining: 0.42,
          burnRates: { '1h': 2.5 },
        },
      ],
      'checkout',
    )
    expect(text).toContain('checkout 99.9-30d  99.90 %  42.00 %      2.50')
    expect(sloList([{ slo: 'a', target: 0.99, budgetRemaining: 1, burnRates: {} }], 'b')).toBe(
      'No SLO "b"; there are a.',
    )
  })
})
