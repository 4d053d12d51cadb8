import Database from 'better-sqlite3'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { CheckResult, CheckStatus } from '../../../checks/result.ts'
import { checkSpecSchema, type CheckSpec } from '../../../checks/spec.ts'
import { ManualClock } from '../../../lib/clock.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import { AlertEngine } from './alert-engine.ts'
import { IncidentStore } from '../../incidents/incident-store.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']

function result(
  region: string,
  status: CheckStatus,
  scheduledAt: number,
  checkId = 'api',
): CheckResult {
  return {
    id: ulid(scheduledAt),
    checkId,
    kind: 'http',
    configVersion: '1-abcdef12',
    probeId: `probe-${region}`,
    region,
    scheduledAt,
    startedAt: scheduledAt,
    durationMs: 12,
    status,
    ...(status === 'down' ? { error: { code: 'HTTP_STATUS', message: '500' } } : {}),
    assertions: [],
    trigger: 'schedule',
  }
}

function http(id: string, regions = REGIONS, alert: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({ kind: 'http', id, url: 'http://x/', regions, alert })
}

function probe(region: string): ProbeInfo {
  return {
    probeId: `probe-${region}`,
    state: 'online',
    region,
    labels: {},
    capabilities: [],
    version: '1',
    lastSeen: 0,
  }
}

/** A real engine on an in-memory store that records both confirmation hooks. */
function setup(specs: CheckSpec[]) {
  const clock = new ManualClock()
  const firstFailures: string[] = []
  const pending: string[] = []
  const engine = new AlertEngine({
    clock,
    incidents: new IncidentStore(new Database(':memory:')),
    onEvent: () => undefined,
    onFirstFailure: (checkId, series) => firstFailures.push(`${checkId}@${series}`),
    onPendingFailure: (checkId, series) => pending.push(`${checkId}@${series}`),
  })
  engine.setChecks(specs)
  const report = (region: string, status: CheckStatus, checkId = 'api') => {
    clock.advance(1_000)
    engine.observe(result(region, status, clock.now(), checkId))
  }
  return { clock, engine, firstFailures, pending, report }
}

describe('AlertEngine onFirstFailure', () => {
  it('reports the first down of a streak while the check is not down, and only that', () => {
    const { engine, firstFailures, report } = setup([
      http('api', REGIONS, { quorum: 2, failAfter: 2, recoverAfter: 1 }),
    ])

    report('eu-west', 'down')
    report('eu-west', 'down')
    expect(firstFailures).toEqual(['api@eu-west'])
    report('us-east', 'down')
    report('us-east', 'down')
    expect(engine.state('api').status).toBe('down')
    // Once the check is DOWN there is nothing left to confirm.
    report('ap-south', 'down')
    expect(firstFailures).toEqual(['api@eu-west', 'api@us-east'])
  })
})

describe('AlertEngine onPendingFailure', () => {
  it('asks nothing while only one region of a 3-region check sees it down', () => {
    const { pending, report } = setup([http('api')])
    report('eu-west', 'down')
    report('us-east', 'up')
    report('ap-south', 'up')
    expect(pending).toEqual([])
  })

  it('asks every region with a short down streak once a second region sees a down', () => {
    const { engine, pending, report } = setup([http('api', REGIONS, { failAfter: 3 })])
    report('eu-west', 'down')
    expect(pending).toEqual([])
    report('us-east', 'down')
    expect(pending).toEqual(['api@eu-west', 'api@us-east'])

    // eu-west is up again: only the regions still down are asked.
    pending.length = 0
    report('eu-west', 'up')
    report('us-east', 'down')
    expect(pending).toEqual([])
    report('ap-south', 'down')
    expect(pending).toEqual(['api@us-east', 'api@ap-south'])

    // A region that reached failAfter needs no more runs; the others still do.
    pending.length = 0
    report('us-east', 'down')
    expect(engine.state('api').regions['us-east']).toBe('failing')
    expect(pending).toEqual(['api@ap-south'])
  })

  it('asks at once for a single-region check', () => {
    const { pending, report } = setup([http('api', ['eu-west'], { failAfter: 3 })])
    report('eu-west', 'down')
    expect(pending).toEqual(['api@eu-west'])
    report('eu-west', 'down')
    expect(pending).toEqual(['api@eu-west', 'api@eu-west'])
    // The third down reaches failAfter: the streak is complete.
    report('eu-west', 'down')
    expect(pending).toHaveLength(2)
  })

  it('asks nothing once the check is DOWN', () => {
    const { engine, pending, report } = setup([http('api')])
    for (const region of ['eu-west', 'us-east', 'eu-west', 'us-east']) report(region, 'down')
    expect(engine.state('api').status).toBe('down')
    pending.length = 0
    report('ap-south', 'down')
    report('ap-south', 'down')
    expect(pending).toEqual([])
  })

  it('leaves out offline regions and regions set aside by a region loss', () => {
    const others = Array.from({ length: 9 }, (_, i) => http(`svc-${i}`))
    const { engine, pending, report } = setup([http('api', REGIONS, { failAfter: 3 }), ...others])
    engine.setProbes([probe('eu-west'), probe('us-east'), probe('ap-south')])
    for (const check of ['api', ...others.map((s) => s.id)]) {
      for (const region of REGIONS) report(region, 'up', check)
    }
    // ap-south loses most of its checks at once: it is set aside.
    for (const check of others.slice(0, 6)) report('ap-south', 'down', check.id)
    expect(engine.regionStates().find((r) => r.region === 'ap-south')).toMatchObject({
      lost: true,
    })
    pending.length = 0

    // A down in the set-aside region does not corroborate one elsewhere, nor is it asked.
    report('ap-south', 'down')
    report('eu-west', 'down')
    expect(pending).toEqual([])
    report('us-east', 'down')
    expect(pending).toEqual(['api@eu-west', 'api@us-east'])

    // An offline region is not asked either, and its down streak corroborates nothing.
    pending.length = 0
    engine.setProbes([probe('eu-west'), probe('ap-south')])
    report('eu-west', 'down')
    expect(engine.state('api').regions['us-east']).toBe('offline')
    expect(pending).toEqual([])
    // Back online, the same streak counts again.
    engine.setProbes([probe('eu-west'), probe('us-east'), probe('ap-south')])
    report('us-east', 'down')
    expect(pending).toEqual(['api@eu-west', 'api@us-east'])
  })
})
