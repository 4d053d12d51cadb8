import { describe, expect, it } from 'vitest'
import { badMinutesToPage, slo, sloWarnings } from './slo.ts'
import { validateMonitoring } from './validate.ts'

const checks = [
  { kind: 'http', id: 'shop', url: 'https://shop.example.com/', tags: ['payments'] },
  { kind: 'http', id: 'pay', url: 'https://pay.example.com/', tags: ['payments'], slo: 99.5 },
  { kind: 'http', id: 'blog', url: 'https://blog.example.com/', slo: { target: 99, window: '7d' } },
]

describe('SLOs in monitors.ts', () => {
  it('resolves checks by id and tag, takes several objectives, and turns a check shorthand into an SLO', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu', 'us'] },
      slo: { target: 99.95, window: '30d' },
      slos: [
        slo('checkout', {
          checks: ['shop'],
          tags: ['payments'],
          sli: { latency: { below: '800ms' } },
        }),
        slo('shop-fast', {
          checks: ['shop'],
          objectives: [
            { target: 99.9, window: '30d' },
            { target: 99, window: '7d' },
          ],
        }),
      ],
      checks,
    })
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const byName = Object.fromEntries((outcome.config.slos ?? []).map((s) => [s.name, s]))
    expect(byName.checkout).toMatchObject({
      checks: ['shop', 'pay'],
      objectives: [{ target: 99.95, window: '30d' }],
      sli: { latency: { below: '800ms' } },
      source: 'slos[0]',
    })
    expect(byName['shop-fast']!.objectives).toHaveLength(2)
    expect(byName.pay).toMatchObject({
      checks: ['pay'],
      objectives: [{ target: 99.5, window: '30d' }],
      source: 'checks[1].slo',
    })
    expect(byName.blog!.objectives).toEqual([{ target: 99, window: '7d' }])
    // The shorthand is not part of the check itself.
    expect(outcome.config.checks.find((c) => c.id === 'pay')).not.toHaveProperty('slo')
  })

  it('reports every problem with its path', () => {
    const outcome = validateMonitoring({
      defaults: { regions: ['eu', 'us'] },
      slos: [
        slo('checkout', { checks: ['shop', 'nope'] }),
        slo('checkout', { checks: ['shop'] }),
        { name: 'x y', checks: ['shop'] },
        slo('weekly', { tags: ['none'], window: '14d' as '7d' }),
        slo('both', { checks: ['shop'], target: 99, objectives: [{ target: 99, window: '7d' }] }),
        slo('perfect', { checks: ['shop'], target: 100 }),
        slo('nothing', {}),
      ],
      checks: [...checks.slice(0, 2), { ...checks[2]!, slo: { window: '1d' } }],
    })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.errors).toEqual([
      'slos[0].checks[1]: no check with id "nope"',
      'slos[1]: an SLO named "checkout" is already defined at slos[0]',
      'slos[2].name: an SLO name is letters, digits, ".", "_" and "-", at most 100, e.g. "checkout"',
      'slos[3].window: expected one of 7d, 28d, 30d, 90d, got "14d"',
      'slos[4].objectives: give either target and window, or objectives, not both',
      'slos[5].target: a target is below 100 %: 100 % leaves no error budget',
      'slos[6].checks: list the checks it covers (checks: [...] or tags: [...])',
      'checks[2].slo.window: expected one of 7d, 28d, 30d, 90d, got "1d"',
    ])
  })

  it('names a check the SLO covers that does not exist', () => {
    const outcome = validateMonitoring({ slos: [slo('s', { checks: ['ghost'] })], checks: [] })
    expect(outcome).toEqual({ ok: false, errors: ['slos[0].checks[0]: no check with id "ghost"'] })
  })
})

describe('bad minutes to page', () => {
  it('counts the fewest bad minutes a paging pair needs, and warns below 3', () => {
    expect(badMinutesToPage(99.9)).toEqual({ minutes: 2, pair: '1h/5m' })
    expect(badMinutesToPage(99.9, 1, 1)).toEqual({ minutes: 1, pair: '1h/5m' })
    expect(badMinutesToPage(99.5)).toEqual({ minutes: 5, pair: '1h/5m' })
    expect(badMinutesToPage(99)).toEqual({ minutes: 9, pair: '1h/5m' })
    const definition = {
      name: 'checkout',
      checks: ['shop'],
      objectives: [{ target: 99.9, window: '30d' as const }],
      sli: 'availability' as const,
      alerts: {
        page: true,
        ticket: true,
        budgetExhausted: true,
        sliMissing: '30m' as const,
        thresholds: [50, 75, 100],
        minBadMinutes: 2,
        keepFiringFor: '10m',
      },
      source: 'slos[0]',
    }
    expect(sloWarnings([definition])).toEqual([
      'slo "checkout" (99.9 % over 30d) pages on 2 bad minutes (pair 1h/5m): one short outage pages twice, as the check and as the SLO; lower the target, cover more checks, or set alerts.page to false and rely on tickets',
    ])
    expect(sloWarnings([{ ...definition, objectives: [{ target: 99.5, window: '30d' }] }])).toEqual(
      [],
    )
    expect(sloWarnings([{ ...definition, alerts: { ...definition.alerts, page: false } }])).toEqual(
      [],
    )
    const workbook = { ...definition, alerts: { ...definition.alerts, minBadMinutes: 1 } }
    expect(sloWarnings([workbook])[0]).toContain('pages on a single bad minute (pair 1h/5m)')
  })
})
