import { describe, expect, it } from 'vitest'
import { checkSpecSchema, type CheckSpec } from '../../../checks/spec.ts'
import { ManualClock } from '../../../lib/clock.ts'
import type { ProbeInfo } from '../../probes/probe-info.ts'
import {
  Confirmations,
  MAX_ROUNDS_PER_MINUTE,
  MIN_CONFIRM_INTERVAL_MS,
  planConfirmation,
  type ConfirmRequest,
} from './confirmations.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']

function http(id: string, every = '1m', alert: Record<string, unknown> = {}): CheckSpec {
  return checkSpecSchema.parse({
    kind: 'http',
    id,
    url: 'http://127.0.0.1:8081/',
    regions: REGIONS,
    every,
    alert,
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

function setup(specs: CheckSpec[], probes: ProbeInfo[] = PROBES) {
  const clock = new ManualClock()
  const sent: ConfirmRequest[] = []
  const confirmations = new Confirmations({
    clock,
    check: (id) => specs.find((spec) => spec.id === id),
    probes: () => probes,
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

  describe('everyRegion', () => {
    it('asks every region of the check, the failing ones included', () => {
      const { sent, confirmations } = setup([http('api')])
      const requests = confirmations.everyRegion('api')
      expect(requests.map((r) => r.probeId)).toEqual(['eu-1', 'us-1', 'us-2', 'ap-1'])
      expect(sent).toEqual(requests)
      for (const { command } of requests) {
        expect(command).toMatchObject({ type: 'run', checkId: 'api', trigger: 'confirm' })
      }
    })

    it('ignores the per-check interval, and a first failure right after waits for it', () => {
      const { clock, confirmations } = setup([http('api', '1m')])
      expect(confirmations.firstFailure('api', 'eu-west')).toHaveLength(3)
      clock.advance(1_000)
      expect(confirmations.everyRegion('api')).toHaveLength(4)
      expect(confirmations.everyRegion('api')).toHaveLength(4)
      clock.advance(59_000)
      expect(confirmations.firstFailure('api', 'eu-west')).toEqual([])
      clock.advance(1_000)
      expect(confirmations.firstFailure('api', 'eu-west')).toHaveLength(3)
    })

    it('counts against the overall cap', () => {
      const specs = Array.from({ length: MAX_ROUNDS_PER_MINUTE }, (_, i) => http(`c${i}`))
      const { clock, confirmations } = setup([...specs, http('api')])
      for (const spec of specs) confirmations.firstFailure(spec.id, 'eu-west')
      expect(confirmations.everyRegion('api')).toEqual([])
      clock.advance(60_000)
      expect(confirmations.everyRegion('api')).toHaveLength(4)
      for (let i = 1; i < MAX_ROUNDS_PER_MINUTE; i++) confirmations.everyRegion('api')
      expect(confirmations.firstFailure('c0', 'eu-west')).toEqual([])
    })

    it('sends nothing for host checks or checks that are not deployed', () => {
      const host = checkSpecSchema.parse({
        kind: 'host.readOnly',
        id: 'disks',
        on: { labels: { role: 'app' } },
      })
      const { sent, confirmations } = setup([host])
      expect(confirmations.everyRegion('disks')).toEqual([])
      expect(confirmations.everyRegion('gone')).toEqual([])
      expect(sent).toEqual([])
    })
  })

  describe('followUp', () => {
    it('asks only the online probes of that region to run the check now', () => {
      const { sent, confirmations } = setup([http('api')])
      const requests = confirmations.followUp('api', 'us-east')
      expect(requests.map((r) => r.probeId)).toEqual(['us-1', 'us-2'])
      expect(sent).toEqual(requests)
      for (const { command } of requests) {
        expect(command).toMatchObject({ type: 'run', checkId: 'api', trigger: 'confirm' })
        expect(command.requestId).toMatch(/^[0-9A-Z]{26}$/)
      }
    })

    it('sends at most failAfter − 1 per region per check interval, then starts over', () => {
      const { clock, sent, confirmations } = setup([http('api', '1m', { failAfter: 3 })])
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)
      clock.advance(5_000)
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.followUp('api', 'eu-west')).toEqual([])
      // Another region of the same check has its own budget.
      expect(confirmations.followUp('api', 'ap-south')).toHaveLength(1)
      // The interval counts from the first follow-up, not the last.
      clock.advance(54_999)
      expect(confirmations.followUp('api', 'eu-west')).toEqual([])
      clock.advance(1)
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.followUp('api', 'eu-west')).toEqual([])
      expect(sent.map((r) => r.probeId)).toEqual(['eu-1', 'eu-1', 'ap-1', 'eu-1', 'eu-1'])
    })

    it('sends none when failAfter is 1: the first down already decides', () => {
      const { sent, confirmations } = setup([http('api', '1m', { failAfter: 1 })])
      expect(confirmations.followUp('api', 'eu-west')).toEqual([])
      expect(sent).toEqual([])
    })

    it('waits at least the minimum interval for checks that run more often', () => {
      const { clock, confirmations } = setup([http('fast', '1s')])
      expect(confirmations.followUp('fast', 'eu-west')).toHaveLength(1)
      clock.advance(MIN_CONFIRM_INTERVAL_MS - 1)
      expect(confirmations.followUp('fast', 'eu-west')).toEqual([])
      clock.advance(1)
      expect(confirmations.followUp('fast', 'eu-west')).toHaveLength(1)
    })

    it('sends none to a region without an online probe, and keeps its budget', () => {
      const probes = [probe('eu-1', 'eu-west', 'offline')]
      const { sent, confirmations } = setup([http('api')], probes)
      expect(confirmations.followUp('api', 'eu-west')).toEqual([])
      probes.push(probe('eu-2', 'eu-west'))
      expect(confirmations.followUp('api', 'eu-west').map((r) => r.probeId)).toEqual(['eu-2'])
      expect(sent.map((r) => r.probeId)).toEqual(['eu-2'])
    })

    it('sends none to a region the check does not run in', () => {
      const { sent, confirmations } = setup([http('api')])
      expect(confirmations.followUp('api', 'sa-east')).toEqual([])
      expect(sent).toEqual([])
    })

    it('is independent of the first-failure round of the same check', () => {
      const { confirmations } = setup([http('api')])
      expect(confirmations.firstFailure('api', 'eu-west')).toHaveLength(3)
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.followUp('api', 'us-east')).toHaveLength(2)
    })

    it('respects the overall cap and counts against it', () => {
      const specs = Array.from({ length: MAX_ROUNDS_PER_MINUTE }, (_, i) => http(`c${i}`))
      const { clock, confirmations } = setup([...specs, http('api')])
      for (const spec of specs) confirmations.firstFailure(spec.id, 'eu-west')
      expect(confirmations.followUp('api', 'eu-west')).toEqual([])
      clock.advance(60_000)
      // Refused follow-ups did not use up the region's budget.
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)

      clock.advance(60_000)
      const sentFollowUps = specs.filter(
        (spec) => confirmations.followUp(spec.id, 'us-east').length,
      )
      expect(sentFollowUps).toHaveLength(MAX_ROUNDS_PER_MINUTE)
      expect(confirmations.firstFailure('api', 'eu-west')).toEqual([])
      expect(confirmations.followUp('api', 'ap-south')).toEqual([])
    })

    it('sends nothing for host checks, heartbeats or checks that are not deployed', () => {
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
      const { sent, confirmations } = setup([host, heartbeat])
      expect(confirmations.followUp('disks', 'eu-west')).toEqual([])
      expect(confirmations.followUp('backup', 'eu-west')).toEqual([])
      expect(confirmations.followUp('gone', 'eu-west')).toEqual([])
      expect(sent).toEqual([])
    })
  })
})

describe('Confirmations on recovery', () => {
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

  describe('firstRecovery', () => {
    it('asks the online probes of the regions still failing, and only those', () => {
      const { sent, confirmations } = setup([http('api')])
      const requests = confirmations.firstRecovery('api', 'eu-west', ['us-east', 'sa-east'])
      expect(requests.map((r) => r.probeId)).toEqual(['us-1', 'us-2'])
      expect(sent).toEqual(requests)
      for (const { command } of requests) {
        expect(command).toMatchObject({ type: 'run', checkId: 'api', trigger: 'confirm' })
      }
    })

    it('sends one round per check per interval, apart from the first-failure round', () => {
      const { clock, confirmations } = setup([http('api', '1m')])
      expect(confirmations.firstFailure('api', 'eu-west')).toHaveLength(3)
      // The outage ends within the same interval: its recovery is confirmed all the same.
      clock.advance(30_000)
      expect(confirmations.firstRecovery('api', 'eu-west', ['us-east'])).toHaveLength(2)
      expect(confirmations.firstRecovery('api', 'us-east', ['ap-south'])).toEqual([])
      clock.advance(59_999)
      expect(confirmations.firstRecovery('api', 'us-east', ['ap-south'])).toEqual([])
      clock.advance(1)
      expect(confirmations.firstRecovery('api', 'us-east', ['ap-south'])).toHaveLength(1)
    })

    it('respects the overall cap and counts against it', () => {
      const specs = Array.from({ length: MAX_ROUNDS_PER_MINUTE }, (_, i) => http(`c${i}`))
      const { clock, confirmations } = setup([...specs, http('api')])
      for (const spec of specs) confirmations.firstFailure(spec.id, 'eu-west')
      expect(confirmations.firstRecovery('api', 'eu-west', ['us-east'])).toEqual([])
      clock.advance(60_000)
      // A refused round does not use up the check's interval.
      expect(confirmations.firstRecovery('api', 'eu-west', ['us-east'])).toHaveLength(2)
      for (const spec of specs.slice(1))
        confirmations.firstRecovery(spec.id, 'eu-west', ['ap-south'])
      expect(confirmations.firstFailure('c0', 'eu-west')).toEqual([])
    })

    it('sends nothing for host checks, heartbeats or checks that are not deployed', () => {
      const { sent, confirmations } = setup([host, heartbeat])
      expect(confirmations.firstRecovery('disks', 'app-1', ['app-2'])).toEqual([])
      expect(confirmations.firstRecovery('backup', 'hub', ['hub'])).toEqual([])
      expect(confirmations.firstRecovery('gone', 'eu-west', ['us-east'])).toEqual([])
      expect(sent).toEqual([])
    })
  })

  describe('recoveryFollowUp', () => {
    it('asks only the online probes of that region to run the check now', () => {
      const { sent, confirmations } = setup([http('api')])
      const requests = confirmations.recoveryFollowUp('api', 'us-east')
      expect(requests.map((r) => r.probeId)).toEqual(['us-1', 'us-2'])
      expect(sent).toEqual(requests)
      expect(confirmations.recoveryFollowUp('api', 'sa-east')).toEqual([])
    })

    it('sends at most recoverAfter − 1 per region per check interval, apart from failure follow-ups', () => {
      const { clock, confirmations } = setup([http('api', '1m', { recoverAfter: 3 })])
      expect(confirmations.followUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.recoveryFollowUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.recoveryFollowUp('api', 'eu-west')).toHaveLength(1)
      expect(confirmations.recoveryFollowUp('api', 'eu-west')).toEqual([])
      expect(confirmations.recoveryFollowUp('api', 'ap-south')).toHaveLength(1)
      clock.advance(60_000)
      expect(confirmations.recoveryFollowUp('api', 'eu-west')).toHaveLength(1)
    })

    it('sends none when recoverAfter is 1, nor for host checks, heartbeats or checks not deployed', () => {
      const { sent, confirmations } = setup([
        http('api', '1m', { recoverAfter: 1 }),
        host,
        heartbeat,
      ])
      expect(confirmations.recoveryFollowUp('api', 'eu-west')).toEqual([])
      expect(confirmations.recoveryFollowUp('disks', 'eu-west')).toEqual([])
      expect(confirmations.recoveryFollowUp('backup', 'eu-west')).toEqual([])
      expect(confirmations.recoveryFollowUp('gone', 'eu-west')).toEqual([])
      expect(sent).toEqual([])
    })
  })
})
