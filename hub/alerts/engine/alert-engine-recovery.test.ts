/**
 * Fast confirmation of recovery: the engine's two hooks that let a recovered check be
 * declared recovered within a few run durations instead of recoverAfter schedules.
 */
import { describe, expect, it } from 'vitest'
import type { CheckStatus } from '../../../checks/result.ts'
import { probe, REGIONS, result, setup as engineSetup, spec } from './alert-engine.fixture.ts'

/** The shared fixture with both recovery hooks recorded. */
function setup(alert: Record<string, unknown> = {}, regions = REGIONS) {
  const firstRecoveries: [string, string, string[]][] = []
  const pending: string[] = []
  const bench = engineSetup([spec({ regions, alert })], undefined, {
    onFirstRecovery: (checkId, series, stillFailing) =>
      firstRecoveries.push([checkId, series, stillFailing]),
    onPendingRecovery: (checkId, series) => pending.push(`${checkId}@${series}`),
  })
  const report = (region: string, status: CheckStatus) => {
    bench.clock.advance(1_000)
    bench.engine.observe(result(region, status, bench.clock.now()))
  }
  return { ...bench, firstRecoveries, pending, report }
}

/** Every region down twice: the check is DOWN with every region failing. */
function down(report: (region: string, status: CheckStatus) => void, regions = REGIONS) {
  for (let i = 0; i < 2; i++) for (const region of regions) report(region, 'down')
}

describe('AlertEngine onFirstRecovery', () => {
  it('names the regions still failing when the first region of a DOWN check passes', () => {
    const { engine, firstRecoveries, report } = setup()
    down(report)
    expect(engine.state('api-health').status).toBe('down')
    expect(firstRecoveries).toEqual([])

    report('eu-west', 'up')
    expect(firstRecoveries).toEqual([['api-health', 'eu-west', ['us-east', 'ap-south']]])
    // A region already on its way back is not named again; one still failing is.
    report('us-east', 'up')
    expect(firstRecoveries.at(-1)).toEqual(['api-health', 'us-east', ['ap-south']])
  })

  it('counts a degraded result as served, and says nothing while the check is not DOWN', () => {
    const { engine, firstRecoveries, report } = setup()
    for (const region of REGIONS) report(region, 'up')
    report('eu-west', 'down')
    report('eu-west', 'down')
    expect(engine.state('api-health').status).toBe('partial')
    report('eu-west', 'up')
    expect(firstRecoveries).toEqual([])

    down(report)
    report('ap-south', 'degraded')
    expect(firstRecoveries).toEqual([['api-health', 'ap-south', ['eu-west', 'us-east']]])
  })

  it('leaves out offline regions, and says nothing when no other region is failing', () => {
    const { engine, firstRecoveries, report } = setup({ quorum: 1 })
    engine.setProbes(REGIONS.map((region) => probe(region)))
    report('eu-west', 'down')
    report('eu-west', 'down')
    expect(engine.state('api-health').status).toBe('down')
    report('eu-west', 'up')
    expect(firstRecoveries).toEqual([])

    report('eu-west', 'down')
    report('us-east', 'down')
    report('us-east', 'down')
    engine.setProbes([probe('us-east'), probe('ap-south')])
    report('us-east', 'up')
    // eu-west still fails but cannot run: nobody is left to ask.
    expect(firstRecoveries).toEqual([])

    engine.setProbes(REGIONS.map((region) => probe(region)))
    report('us-east', 'down')
    report('us-east', 'up')
    expect(firstRecoveries).toEqual([['api-health', 'us-east', ['eu-west']]])
  })
})

describe('AlertEngine onPendingRecovery', () => {
  it('asks a failing region that passed to run again until it reaches recoverAfter', () => {
    const { engine, events, pending, report } = setup({ recoverAfter: 3 })
    down(report)
    expect(pending).toEqual([])
    report('eu-west', 'up')
    report('eu-west', 'up')
    expect(pending).toEqual(['api-health@eu-west', 'api-health@eu-west'])
    report('eu-west', 'up')
    expect(engine.state('api-health').regions['eu-west']).toBe('passing')
    expect(pending).toHaveLength(2)

    // A down breaks the streak: the region is failing again, and is not asked on a down.
    report('us-east', 'up')
    report('us-east', 'down')
    expect(pending).toEqual(['api-health@eu-west', 'api-health@eu-west', 'api-health@us-east'])
    expect(events.map((e) => e.type)).toEqual(['fired'])
  })

  it('asks for a failing region of a check that is not DOWN too', () => {
    const { engine, pending, report } = setup()
    for (const region of REGIONS) report(region, 'up')
    report('eu-west', 'down')
    report('eu-west', 'down')
    report('eu-west', 'up')
    expect(engine.state('api-health').status).toBe('partial')
    expect(pending).toEqual(['api-health@eu-west'])
    report('eu-west', 'up')
    expect(engine.state('api-health').status).toBe('up')
    expect(pending).toHaveLength(1)
  })

  it('asks nothing with recoverAfter 1, nor for a passing region', () => {
    const { pending, report } = setup({ recoverAfter: 1 })
    down(report)
    report('eu-west', 'up')
    report('eu-west', 'up')
    expect(pending).toEqual([])
  })

  it('leaves out a region set aside by a region loss', () => {
    const others = Array.from({ length: 9 }, (_, i) => spec({ id: `svc-${i}` }))
    const firstRecoveries: string[] = []
    const pending: string[] = []
    const { engine, clock } = engineSetup([spec({ alert: { quorum: 1 } }), ...others], undefined, {
      onFirstRecovery: (checkId, series) => firstRecoveries.push(`${checkId}@${series}`),
      onPendingRecovery: (checkId, series) => pending.push(`${checkId}@${series}`),
    })
    const report = (region: string, status: CheckStatus, checkId = 'api-health') => {
      clock.advance(1_000)
      engine.observe({ ...result(region, status, clock.now()), checkId })
    }
    for (const check of ['api-health', ...others.map((s) => s.id)]) {
      for (const region of REGIONS) report(region, 'up', check)
    }
    report('ap-south', 'down')
    report('ap-south', 'down')
    expect(engine.state('api-health').status).toBe('down')
    // ap-south then loses most of its checks at once: it is set aside.
    for (const check of others.slice(0, 6)) report('ap-south', 'down', check.id)
    expect(engine.regionStates().find((r) => r.region === 'ap-south')).toMatchObject({
      lost: true,
    })
    report('ap-south', 'up')
    expect(firstRecoveries).toEqual([])
    expect(pending).toEqual([])
  })
})
