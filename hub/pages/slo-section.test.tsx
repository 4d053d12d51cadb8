/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { describe, expect, it } from 'vitest'
import type { SloView } from '../slo/slo-views.ts'
import { SloSection } from './slo-section.tsx'

const budget = {
  target: 99.9,
  validMinutes: 43_200,
  badMinutes: 30,
  allowedMinutes: 43.2,
  remainingMinutes: 13.2,
  remainingShare: 13.2 / 43.2,
  consumedShare: 30 / 43.2,
}

const view: SloView = {
  name: 'checkout',
  description: null,
  checks: ['shop', 'pay'],
  sli: 'availability',
  source: 'slos[0]',
  gate: 'open',
  objectives: [
    {
      key: 'checkout/99.9%/30d',
      target: 99.9,
      window: '30d',
      budget,
      burnRates: { '5m': 0, '30m': 20, '1h': 16.7, '2h': 8.3, '6h': 7.1, '1d': 1.2, '3d': 0.4 },
      pairs: [],
      alerts: {
        page: { incidentId: 'i1', since: 0, firedBy: '1h/5m', heldBy: '6h/30m' },
        ticket: null,
        budget: null,
        missing: null,
      },
      pagesAfter: { minutes: 1, pair: '1h/5m' },
      exhausted: false,
    },
  ],
}

describe('SloSection', () => {
  it('shows each objective with its budget, burn rates, open alerts and gate', async () => {
    const html = await (<SloSection slos={[view]} />).toString()
    expect(html).toContain('<h2>Service level objectives</h2>')
    expect(html).toContain('<td>99.9 % over 30d</td>')
    expect(html).toContain('30.6 %')
    expect(html).toContain('<td>16.7×</td>')
    expect(html).toContain('page, held by 6h/30m')
    expect(html).toContain('>Open</span>')
  })

  it('is left out when the hub has no SLOs', async () => {
    expect(await (<div>{SloSection({ slos: [] })}</div>).toString()).toBe('<div></div>')
  })
})
