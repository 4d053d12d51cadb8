import { describe, expect, it } from 'vitest'
import { http, ping } from '../define.ts'
import { validateMonitoring } from '../validate.ts'
import { parseRatio } from './latency-window.ts'

const URL = 'https://api.example.com/health'

function validate(checks: unknown[]) {
  return validateMonitoring({ defaults: { regions: ['eu-west'] }, checks })
}

describe('expect.latency', () => {
  it('takes relative and fixed limits, with 20 runs by default', () => {
    const outcome = validate([
      http('api', {
        url: URL,
        expect: { latency: { p50: { above: '2x', baseline: '7d' }, p95: { above: '1.5s' } } },
      }),
      ping('gw', { host: '10.0.0.1', expect: { latency: { p95: { above: '80ms' }, runs: 50 } } }),
    ])
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    const [api, gw] = outcome.config.checks as { expect: { latency?: unknown } }[]
    expect(api!.expect.latency).toEqual({
      p50: { above: '2x', baseline: '7d' },
      p95: { above: '1.5s' },
      runs: 20,
    })
    expect(gw!.expect.latency).toMatchObject({ runs: 50 })
  })

  it('names what is wrong with a limit, with its path', () => {
    const outcome = validate([
      http('a', { url: URL, expect: { latency: { p50: { above: 'twice' } } } }),
      http('b', { url: URL, expect: { latency: { p50: { above: '0.5x' } } } }),
      http('c', { url: URL, expect: { latency: { p95: { above: '1s', baseline: '7d' } } } }),
      http('d', { url: URL, expect: { latency: { p50: { above: '2x', baseline: '90d' } } } }),
      http('e', { url: URL, expect: { latency: { runs: 20 } } }),
    ])
    expect(outcome.ok ? [] : outcome.errors).toEqual([
      'checks[0].expect.latency.p50.above: "twice" is neither a time (1.5s) nor a multiple (2x)',
      'checks[1].expect.latency.p50.above: "0.5x" must be a multiple above 1x and at most 100x',
      'checks[2].expect.latency.p95.baseline: a baseline goes with a multiple like "2x", not with a fixed time',
      'checks[3].expect.latency.p50.baseline: "90d" must be between 1h and 30d',
      'checks[4].expect.latency: give p50, p95 or both',
    ])
  })

  it('reads multiples', () => {
    expect(parseRatio('2x')).toBe(2)
    expect(parseRatio(' 1.5x ')).toBe(1.5)
    expect(parseRatio('2s')).toBeUndefined()
  })
})

describe('anomaly', () => {
  it('is on unless a check turns it off', () => {
    const outcome = validate([http('a', { url: URL }), http('b', { url: URL, anomaly: false })])
    expect(outcome.ok).toBe(true)
    if (!outcome.ok) return
    expect(outcome.config.checks.map((check) => (check as { anomaly?: boolean }).anomaly)).toEqual([
      undefined,
      false,
    ])
  })
})
