import { describe, expect, it } from 'vitest'
import { checkSpecSchema, type CheckSpec } from '../../checks/spec.ts'
import { ManualClock } from '../../lib/clock.ts'
import type { ProbeInfo } from '../types.ts'
import {
  Confirmations,
  MAX_ROUNDS_PER_MINUTE,
  MIN_CONFIRM_INTERVAL_MS,
  planConfirmation,
  type ConfirmRequest,
} from './confirmations.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']

function http(id: string, every = '1m'): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'http',
    id,
    url: 'http://127.0.0.1:8081/',
    regions: REGIONS,
    every,
  })
}

function probe(probeId: string, region: string, state: ProbeInfo['state'] = 'online'): ProbeInfo {
  return { probeId, region, state, labels: {}, capabilities: [], version: '1', lastSeen: 0 }
}

const PROBES = [
  probe('eu-1', 'eu-west'),
  probe('us-1', 'us-east'),
  probe('us-2', 'us-east'),
  probe('us-3', 'us-east', 'offline'),
  probe('ap-1', 'ap-south'),
  probe('other-1', 'sa-east'),
]

function setup(specs: CheckSpec[]) {
  const clock = new ManualClock()
  const sent: ConfirmRequest[] = []
  const confirmations = new Confirmations({
    clock,
    check: (id) => specs.find((spec) => spec.id === id),
    probes: () => PROBES,
    send: (request) => sent.push(request),
  })
  return { clock, sent, confirmations }
}

describe('planConfirmation', () => {
  it('asks every online probe of the other regions to run the check now', () => {
    const requests = planConfirmation(http('api'), 'eu-west', PROBES)
    expect(requests.map((r) => r.probeId)).toEqual(['us-1', 'us-2', 'ap-1'])
    for (const { command } of requests) {
      expect(command).toMatchObject({ type: 'run', checkId: 'api', trigger: 'confirm' })
      expect(command.requestId).toMatch(/^[0-9A-Z]{26}$/)
    }
    expect(new Set(requests.map((r) => r.command.requestId)).size).toBe(3)
  })

  it('skips host checks and heartbeats', () => {
    const host = checkSpecSchema.parse({
      kind: 'host.readOnly',
      id: 'disks',
      on: { labels: { role: 'app' } },
    })
    const heartbeat = checkSpecSchema.parse({
      kind: 'heartbeat',
      id: 'backup',
      every: '1d',
      grace: '2h',
    })
    expect(planConfirmation(host, 'eu-west', PROBES)).toEqual([])
    expect(planConfirmation(heartbeat, 'eu-west', PROBES)).toEqual([])
  })
})

describe('Confirmations', () => {
  it('sends one round per check per interval', () => {
    const { clock, sent, confirmations } = setup([http('api', '1m')])
    expect(confirmations.firstFailure('api', 'eu-west')).toHaveLength(3)
    clock.advance(59_000)
    expect(confirmations.firstFailure('api', 'us-east')).toEqual([])
    clock.advance(1_000)
    expect(confirmations.firstFailure('api', 'us-east')).toHaveLength(2)
    expect(sent).toHaveLength(5)
  })

  it('waits at least the minimum interval for checks that run more often', () => {
    const { clock, confirmations } = setup([http('fast', '1s')])
    expect(confirmations.firstFailure('fast', 'eu-west')).toHaveLength(3)
    clock.advance(MIN_CONFIRM_INTERVAL_MS - 1)
    expect(confirmations.firstFailure('fast', 'eu-west')).toEqual([])
    clock.advance(1)
    expect(confirmations.firstFailure('fast', 'eu-west')).toHaveLength(3)
  })

  it('caps rounds over all checks per minute', () => {
    const specs = Array.from({ length: MAX_ROUNDS_PER_MINUTE + 5 }, (_, i) => http(`c${i}`))
    const { clock, confirmations } = setup(specs)
    const rounds = specs.filter((spec) => confirmations.firstFailure(spec.id, 'eu-west').length > 0)
    expect(rounds).toHaveLength(MAX_ROUNDS_PER_MINUTE)
    clock.advance(60_000)
    expect(confirmations.firstFailure(`c${MAX_ROUNDS_PER_MINUTE}`, 'eu-west')).toHaveLength(3)
  })

  it('ignores checks that are not deployed', () => {
    const { sent, confirmations } = setup([])
    expect(confirmations.firstFailure('gone', 'eu-west')).toEqual([])
    expect(sent).toEqual([])
  })
})
