import { describe, expect, it } from 'vitest'
import type { CheckSpec } from '../../../checks/spec.ts'
import type { RegionLatency } from '../alert-state.ts'
import { everyRegion, setup, spec } from './alert-engine.fixture.ts'
import type { LatencyJudge } from './latency-judge.ts'

/** A latency watch the test drives: the regions in `slow` are slow, for the reason given. */
function fakeJudge() {
  const slow = new Map<string, string>()
  const seen: string[] = []
  let deployed: CheckSpec[] = []
  const judge: LatencyJudge = {
    observe: (_spec, result) => {
      seen.push(`${result.region}:${result.status}`)
      return judge.reasons(result.checkId, result.region)
    },
    reasons: (_checkId, region) => (slow.has(region) ? [slow.get(region)!] : null),
    setChecks: (specs) => {
      deployed = specs
    },
    describe: () => ({ 'eu-west': { currentMs: 412, baselineMs: 180 } as RegionLatency }),
  }
  return { judge, slow, seen, deployed: () => deployed }
}

describe('AlertEngine with the latency watch', () => {
  it('shows a slow region degraded, and a quorum of them as a degraded check, without paging', () => {
    const latency = fakeJudge()
    const { engine, events, incidents, round } = setup(
      [spec({ alert: { pageOnDegraded: true } })],
      undefined,
      { latency: latency.judge },
    )
    round(everyRegion('up'))
    latency.slow.set('eu-west', 'latency 412 ms, expected 180 ms')
    round(everyRegion('up'))
    expect(engine.state('api-health')).toMatchObject({
      status: 'up',
      regions: { 'eu-west': 'degraded', 'us-east': 'passing' },
    })
    latency.slow.set('us-east', 'p50 412 ms, above 300 ms')
    round(everyRegion('up'))
    round(everyRegion('up'))
    expect(engine.state('api-health')).toMatchObject({
      status: 'degraded',
      incidentId: null,
      latency: { 'eu-west': { currentMs: 412, baselineMs: 180 } },
    })
    expect(events).toEqual([])
    expect(incidents.openIncidents()).toEqual([])
    latency.slow.clear()
    round(everyRegion('up'))
    expect(engine.state('api-health').status).toBe('up')
  })

  it('lets a failing region fail as usual, whatever its latency', () => {
    const latency = fakeJudge()
    const { engine, events, round } = setup([spec()], undefined, { latency: latency.judge })
    latency.slow.set('eu-west', 'slow')
    latency.slow.set('us-east', 'slow')
    round(everyRegion('down'))
    round(everyRegion('down'))
    expect(engine.state('api-health').status).toBe('down')
    expect(events.map((e) => e.type)).toEqual(['fired'])
    expect(latency.seen).toContain('eu-west:down')
  })

  it('hands the watch every deploy and asks again which regions are slow', () => {
    const latency = fakeJudge()
    const { engine, round } = setup([spec()], undefined, { latency: latency.judge })
    round(everyRegion('up'))
    latency.slow.set('ap-south', 'slow')
    engine.setChecks([spec({ tags: ['new'] })])
    expect(latency.deployed().map((s) => s.id)).toEqual(['api-health'])
    expect(engine.state('api-health').regions['ap-south']).toBe('degraded')
  })
})
