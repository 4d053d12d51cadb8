/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { describe, expect, it } from 'vitest'
import type { StatusPageCheck } from '../views/status-page-model.ts'
import { CheckCard } from './check-card.tsx'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const availability = { overall: 1, regions: { 'eu-west': 1 } }

function card(latency?: StatusPageCheck['regions'][string]['latency']): string {
  const check: StatusPageCheck = {
    id: 'api',
    name: 'API',
    kind: 'http',
    target: 'https://api.example.com',
    tags: [],
    every: '1m',
    enabled: true,
    state: { status: 'up', failingRegions: [], since: null, incidentId: null },
    seriesBy: 'region',
    regions: {
      'eu-west': {
        state: latency?.reasons.length ? 'degraded' : 'passing',
        latest: {
          status: 'up',
          at: NOW,
          durationMs: 412,
          latencyMs: 412,
          error: null,
          probeId: 'eu-1',
        },
        ...(latency ? { latency } : {}),
      },
    },
    availability: { '1h': availability, '24h': availability },
    minutes: [],
    inMaintenance: false,
  }
  return String(<CheckCard check={check} now={NOW} />)
}

describe('a region tile', () => {
  it('shows the latency against what the detector expected, and why it is slow', () => {
    const html = card({
      currentMs: 412,
      at: NOW,
      baselineMs: 180,
      score: 0.83,
      reasons: ['latency 412 ms, expected 180 ms, anomaly score 0.83'],
      anomaly: { since: NOW, baselineMs: 180, peakScore: 0.83 },
    })
    expect(html).toContain('slow: 412 ms, usual 180 ms')
    expect(html).toContain('Slow: latency 412 ms, expected 180 ms, anomaly score 0.83')
  })

  it('shows nothing more for a check without a latency watch', () => {
    expect(card()).not.toContain('usual')
  })
})
