import { describe, expect, it } from 'vitest'
import { formatVital, judgeBudgets, rateVital } from './vitals.ts'

describe('Web Vitals', () => {
  it.each([
    ['lcp', 2_500, 'good'],
    ['lcp', 2_501, 'needs-improvement'],
    ['lcp', 4_001, 'poor'],
    ['cls', 0.1, 'good'],
    ['cls', 0.25, 'needs-improvement'],
    ['cls', 0.26, 'poor'],
    ['fcp', 1_800, 'good'],
    ['fcp', 3_001, 'poor'],
    ['ttfb', 800, 'good'],
    ['ttfb', 1_000, 'needs-improvement'],
    ['inp', 200, 'good'],
    ['inp', 501, 'poor'],
    ['tbt', 600, 'needs-improvement'],
    ['tbt', 601, 'poor'],
  ] as const)("rates %s %s as %s with Google's thresholds", (name, value, rating) => {
    expect(rateVital(name, value)).toBe(rating)
  })

  it('formats timings in ms or s and CLS without a unit', () => {
    expect(formatVital('lcp', 850)).toBe('850ms')
    expect(formatVital('lcp', 3_140)).toBe('3.14s')
    expect(formatVital('cls', 0.12345)).toBe('0.123')
  })

  it('judges budgets against the worst page, each with its own consequence', () => {
    const pages = [
      {
        lcp: { value: 1_200, rating: 'good' as const },
        cls: { value: 0.3, rating: 'poor' as const },
      },
      { lcp: { value: 3_100, rating: 'needs-improvement' as const } },
    ]
    expect(
      judgeBudgets(
        { lcp: { below: '2.5s', status: 'degraded' }, cls: { below: 0.1, status: 'down' } },
        pages,
      ),
    ).toEqual({
      status: 'down',
      assertions: [
        { name: 'LCP budget', ok: false, expected: '< 2.5s', actual: '3.1s' },
        { name: 'CLS budget', ok: false, expected: '< 0.1', actual: '0.3' },
      ],
    })
    expect(judgeBudgets({ lcp: { below: '5s', status: 'down' } }, pages).status).toBe('up')
  })

  it('passes a budget no page measured, and says so', () => {
    expect(judgeBudgets({ inp: { below: '200ms', status: 'down' } }, [{}])).toEqual({
      status: 'up',
      assertions: [{ name: 'INP budget', ok: true, expected: '< 200ms', actual: 'not measured' }],
    })
  })
})
