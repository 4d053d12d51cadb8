import { describe, expect, it } from 'vitest'
import type { ProbeStatus } from '../checks/wire.ts'
import { Membership, rendezvousOwner } from './membership.ts'

const online = (probeId: string, region: string, capabilities = ['http', 'ping']): ProbeStatus => ({
  state: 'online',
  probeId,
  region,
  labels: {},
  capabilities,
  version: 'test',
})

describe('rendezvousOwner', () => {
  it('is stable and independent of the order of candidates', () => {
    const ids = ['a', 'b', 'c']
    expect(rendezvousOwner('api', ids)).toBe(rendezvousOwner('api', [...ids].reverse()))
  })

  it('moves only the departed probe’s checks when a probe leaves', () => {
    const checks = Array.from({ length: 300 }, (_, i) => `check-${i}`)
    const before = new Map(checks.map((c) => [c, rendezvousOwner(c, ['p1', 'p2', 'p3'])]))
    const after = new Map(checks.map((c) => [c, rendezvousOwner(c, ['p1', 'p2'])]))
    for (const check of checks) {
      if (before.get(check) !== 'p3') expect(after.get(check)).toBe(before.get(check))
    }
    const share = checks.filter((c) => before.get(c) === 'p3').length / checks.length
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.47)
  })
})

describe('Membership', () => {
  it('gives each check to exactly one live probe of the region', () => {
    const a = new Membership({ probeId: 'eu-1', region: 'eu', capabilities: () => ['http'] })
    const b = new Membership({ probeId: 'eu-2', region: 'eu', capabilities: () => ['http'] })
    for (const m of [a, b]) {
      m.update('eu-1', online('eu-1', 'eu', ['http']))
      m.update('eu-2', online('eu-2', 'eu', ['http']))
      m.update('us-1', online('us-1', 'us', ['http']))
    }
    for (let i = 0; i < 50; i++) {
      expect(Number(a.owns(`c${i}`)) + Number(b.owns(`c${i}`))).toBe(1)
    }
  })

  it('takes over a dead peer’s checks and ignores other regions', () => {
    const a = new Membership({ probeId: 'eu-1', region: 'eu', capabilities: () => ['http'] })
    a.update('eu-2', online('eu-2', 'eu', ['http']))
    a.update('us-1', online('us-1', 'us', ['http']))
    const owned = Array.from({ length: 50 }, (_, i) => `c${i}`).filter((c) => a.owns(c))
    expect(owned.length).toBeLessThan(50)
    a.update('eu-2', { ...online('eu-2', 'eu'), state: 'offline' })
    expect(Array.from({ length: 50 }, (_, i) => `c${i}`).every((c) => a.owns(c))).toBe(true)
  })

  it('hands checks to a peer that comes online after it answered, and not on a mere refresh', () => {
    const capabilities = ['http']
    const a = new Membership({ probeId: 'eu-1', region: 'eu', capabilities: () => capabilities })
    const checks = Array.from({ length: 50 }, (_, i) => `c${i}`)
    expect(checks.every((c) => a.owns(c, 'http'))).toBe(true)
    a.update('eu-2', online('eu-2', 'eu', ['http']))
    const owned = checks.filter((c) => a.owns(c, 'http'))
    expect(owned.length).toBeLessThan(50)
    a.update('eu-2', { ...online('eu-2', 'eu', ['http']), stats: { queueDepth: 3 } })
    expect(checks.filter((c) => a.owns(c, 'http'))).toEqual(owned)
  })

  it('never assigns a check to a probe without the needed capability', () => {
    const a = new Membership({ probeId: 'eu-1', region: 'eu', capabilities: () => ['http'] })
    a.update('eu-2', online('eu-2', 'eu', ['http', 'ping']))
    expect(a.owns('gateway-ping', 'ping')).toBe(false)
    expect(a.liveCandidates('ping')).toEqual(['eu-2'])
  })
})

describe('Membership without any capable probe', () => {
  it('still runs the check on one probe so the region reports the missing capability', () => {
    const a = new Membership({ probeId: 'eu-1', region: 'eu', capabilities: () => ['http'] })
    const b = new Membership({ probeId: 'eu-2', region: 'eu', capabilities: () => ['http'] })
    for (const m of [a, b]) {
      m.update('eu-1', online('eu-1', 'eu', ['http']))
      m.update('eu-2', online('eu-2', 'eu', ['http']))
    }
    expect(Number(a.owns('gw', 'ping')) + Number(b.owns('gw', 'ping'))).toBe(1)
  })
})
