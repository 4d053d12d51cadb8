import { describe, expect, it } from 'vitest'
import { validateMonitoring } from '../../checks/validate.ts'
import { emptyCounts } from '../store/status-counts.ts'
import { checkTarget, worstStatus } from './check-view.ts'

describe('worstStatus', () => {
  it('shows down over degraded over up', () => {
    expect(worstStatus({ ...emptyCounts(), up: 5, degraded: 1, down: 1 })).toBe('down')
    expect(worstStatus({ ...emptyCounts(), up: 5, degraded: 1 })).toBe('degraded')
    expect(worstStatus({ ...emptyCounts(), up: 5, inconclusive: 3 })).toBe('up')
  })

  it('shows inconclusive only when nothing conclusive ran, and null without results', () => {
    expect(worstStatus({ ...emptyCounts(), inconclusive: 2 })).toBe('inconclusive')
    expect(worstStatus(emptyCounts())).toBeNull()
  })
})

describe('checkTarget', () => {
  it('is the URL of an HTTP check and the host of a ping', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west'] },
      checks: [
        { kind: 'http', id: 'site', url: 'https://example.com/health' },
        { kind: 'ping', id: 'gw', host: 'gw.example.com' },
      ],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    expect(outcome.config.checks.map(checkTarget)).toEqual([
      'https://example.com/health',
      'gw.example.com',
    ])
  })

  it('is host:port for TCP and the query with its resolver for DNS', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu-west'] },
      checks: [
        { kind: 'tcp', id: 'smtp', host: 'mail.example.com', port: 25 },
        { kind: 'tcp', id: 'v6', host: '2001:db8::25', port: 25 },
        { kind: 'dns', id: 'api-a', name: 'api.example.com' },
        { kind: 'dns', id: 'mx', name: 'example.com', type: 'MX', server: '[2001:db8::53]:53' },
      ],
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    expect(outcome.config.checks.map(checkTarget)).toEqual([
      'mail.example.com:25',
      '[2001:db8::25]:25',
      'api.example.com A',
      'example.com MX @[2001:db8::53]:53',
    ])
  })
})
