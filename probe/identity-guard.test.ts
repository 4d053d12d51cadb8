import { describe, expect, it } from 'vitest'
import type { ProbeStatus } from '../checks/wire.ts'
import { IdentityGuard } from './identity-guard.ts'

const status = (
  instance: string | undefined,
  state: ProbeStatus['state'] = 'online',
  reason?: ProbeStatus['reason'],
) =>
  ({
    reason,
    state,
    probeId: 'p1',
    region: 'eu-west',
    labels: {},
    capabilities: [],
    version: 't',
    instance,
  }) as ProbeStatus

describe('IdentityGuard', () => {
  it('stops the newcomer: another instance, online or its will, on two connections in a row', () => {
    const newcomer = new IdentityGuard('b')
    newcomer.connected()
    expect(newcomer.ownStatus(status('a'))).toBeUndefined()
    expect(newcomer.ownStatus(status('b'))).toBeUndefined()
    newcomer.connected()
    expect(newcomer.ownStatus(status('a', 'offline'))).toBe('a')
  })

  it('lets a predecessor\u2019s will pass once, and ignores goodbyes and its own echo', () => {
    const probe = new IdentityGuard('b')
    probe.connected()
    expect(probe.ownStatus(status('a', 'offline'))).toBeUndefined()
    probe.connected()
    expect(probe.ownStatus(status('b'))).toBeUndefined()
    expect(probe.ownStatus(status('a', 'offline', 'stopped'))).toBeUndefined()
    expect(probe.ownStatus(status(undefined))).toBeUndefined()
    probe.connected()
    expect(probe.ownStatus(status('a', 'offline', 'draining'))).toBeUndefined()
  })
})
