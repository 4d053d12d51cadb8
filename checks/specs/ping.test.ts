import { describe, expect, it } from 'vitest'
import { defineMonitoring, ping } from '../define.ts'
import { validateMonitoring } from '../validate.ts'
import { pingWaitMs } from './ping.ts'

function errorsOf(checks: unknown[]): string[] {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
  return outcome.ok ? [] : outcome.errors
}

describe('ping checks: validation', () => {
  it('accepts the packet options and fills in the defaults', () => {
    const outcome = validateMonitoring(
      defineMonitoring({
        defaults: { regions: ['eu-west'] },
        checks: [
          ping('plain', { host: 'gw.example.com' }),
          ping('tuned', {
            host: '2001:db8::1',
            count: 5,
            interval: '200ms',
            packetTimeout: '1s',
            ipFamily: 6,
          }),
        ],
      }),
    )
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const [plain, tuned] = outcome.config.checks
    expect(plain).toMatchObject({ count: 3, interval: '1s', packetTimeout: '2s', ipFamily: 'auto' })
    expect(tuned).toMatchObject({ count: 5, interval: '200ms', packetTimeout: '1s', ipFamily: 6 })
  })

  it('reports packet options ping cannot honour, with their paths', () => {
    expect(
      errorsOf([
        ping('a', { host: 'gw', interval: '10ms' }),
        ping('b', { host: 'gw', packetTimeout: '500ms' }),
        ping('c', { host: '127.0.0.1', ipFamily: 6 }),
        ping('d', { host: 'gw', count: 10, timeout: '5s' }),
      ]),
    ).toEqual([
      'checks[0].interval: "10ms" is too short: ping sends at most one packet per 200ms',
      'checks[1].packetTimeout: "500ms" is too short: ping waits whole seconds, at least 1s',
      'checks[2].ipFamily: 127.0.0.1 is an IPv4 address, so it cannot be reached over IPv6',
      'checks[3].timeout: 10 packet(s) 1s apart, waiting 2s for the last reply, take 11s: more than the 5s timeout (lower count or interval, or raise timeout)',
    ])
  })
})

describe('ping checks: broken durations', () => {
  it('reports a text that is not a duration once, without comparing it', () => {
    expect(errorsOf([ping('a', { host: 'gw', interval: 'fast', timeout: 'soon' })])).toEqual([
      'checks[0].timeout: "soon" is not a duration (use e.g. 30s, 5m, 1h)',
      'checks[0].interval: "fast" is not a duration (use e.g. 30s, 5m, 1h)',
    ])
  })
})

describe('pingWaitMs', () => {
  it('rounds up to the whole seconds ping waits', () => {
    expect(pingWaitMs('2s')).toBe(2_000)
    expect(pingWaitMs('1500ms')).toBe(2_000)
  })
})
