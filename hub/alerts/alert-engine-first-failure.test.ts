import Database from 'better-sqlite3'
import { ulid } from 'ulid'
import { describe, expect, it } from 'vitest'
import type { CheckResult, CheckStatus } from '../../checks/result.ts'
import { checkSpecSchema } from '../../checks/spec.ts'
import { ManualClock } from '../../lib/clock.ts'
import { AlertEngine } from './alert-engine.ts'
import { IncidentStore } from './incident-store.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']

function result(region: string, status: CheckStatus, scheduledAt: number): CheckResult {
  return {
    id: ulid(scheduledAt),
    checkId: 'api',
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

describe('AlertEngine onFirstFailure', () => {
  it('reports the first down of a streak while the check is not down, and only that', () => {
    const clock = new ManualClock()
    const firstFailures: string[] = []
    const engine = new AlertEngine({
      clock,
      incidents: new IncidentStore(new Database(':memory:')),
      onEvent: () => undefined,
      onFirstFailure: (checkId, region) => firstFailures.push(`${checkId}@${region}`),
    })
    const alert = { quorum: 2, failAfter: 2, recoverAfter: 1 }
    engine.setChecks([
      checkSpecSchema.parse({ kind: 'http', id: 'api', url: 'http://x/', regions: REGIONS, alert }),
    ])
    const report = (region: string, status: CheckStatus) => {
      clock.advance(1_000)
      engine.observe(result(region, status, clock.now()))
    }

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
