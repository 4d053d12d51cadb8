import { describe, expect, it } from 'vitest'
import { buildBundle, toProbeChecks } from '../bundle.ts'
import { heartbeat, http } from '../define.ts'
import { runCheck } from '../run-check.ts'
import { effectiveQuorum } from '../spec.ts'
import { validateMonitoring } from '../validate.ts'

const PROJECT_DEFAULTS = {
  regions: ['eu-west', 'us-east'],
  every: '1m',
  timeout: '5s',
  tags: ['prod'],
  alert: { quorum: 2, failAfter: 3, recoverAfter: 3 },
}

function validate(...checks: unknown[]) {
  return validateMonitoring({ defaults: PROJECT_DEFAULTS, checks })
}

describe('heartbeat spec', () => {
  it('is one series named "hub" that alerts on the first missed run', () => {
    const outcome = validate(heartbeat('nightly-backup', { every: '1d', grace: '2h' }))
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    const [spec] = outcome.config.checks
    expect(spec).toMatchObject({
      kind: 'heartbeat',
      every: '1d',
      grace: '2h',
      regions: ['hub'],
      // Only tags come from the project defaults; the rest are about probe runs.
      tags: ['prod'],
      alert: { failAfter: 1, recoverAfter: 1 },
    })
    expect(spec!.alert.quorum).toBeUndefined()
    expect(effectiveQuorum(spec!)).toBe(1)
  })

  it('defaults the grace to an hour and keeps an alert policy given on the check', () => {
    const outcome = validate(heartbeat('queue', { every: '5m', alert: { failAfter: 2 } }))
    if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
    expect(outcome.config.checks[0]).toMatchObject({
      grace: '1h',
      alert: { failAfter: 2, recoverAfter: 1 },
    })
  })

  it('explains a missing period, regions, and the hub region on a probe check', () => {
    const outcome = validate(
      { kind: 'heartbeat', id: 'no-every' },
      { kind: 'heartbeat', id: 'regions', every: '1h', regions: ['eu-west'] },
      { kind: 'heartbeat', id: 'bad-grace', every: '1h', grace: 'soon' },
      http('on-hub', { url: 'https://example.com/', regions: ['hub'], alert: { quorum: 1 } }),
    )
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.errors).toEqual([
      'checks[0].every: a heartbeat needs every: how often the job pings, e.g. "1d"',
      'checks[1].regions: heartbeats are watched on the hub and always have regions ["hub"]; remove regions',
      'checks[2].grace: "soon" is not a duration (use e.g. 30s, 5m, 1h)',
      'checks[3].regions: "hub" is reserved for heartbeats; no probe runs in it',
    ])
  })
})

describe('heartbeats and probes', () => {
  const outcome = validate(
    heartbeat('nightly-backup', { every: '1d' }),
    http('api', { url: 'https://api.example.com/' }),
  )
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  const { checks } = outcome.config

  it('are left out of the probe bundle', () => {
    expect(toProbeChecks(checks).map((check) => check.id)).toEqual(['api'])
    expect(JSON.stringify(buildBundle(checks, 1, 0))).not.toContain('nightly-backup')
  })

  it('are never run by a probe, even when handed one', async () => {
    const result = await runCheck(checks[0]!, {
      probeId: 'p1',
      region: 'eu-west',
      configVersion: '1-x',
      scheduledAt: 0,
      trigger: 'manual',
    })
    expect(result).toMatchObject({
      status: 'inconclusive',
      error: { code: 'CAPABILITY_MISSING' },
    })
  })
})
