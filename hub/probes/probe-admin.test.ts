import { describe, expect, it } from 'vitest'
import type { ProbeCommand } from '../../checks/wire.ts'
import { silentLogger } from '../../lib/logger.ts'
import { waitFor } from '../../test/e2e/processes.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { HubState } from '../store/hub-state.ts'
import { ProbeAdmin } from './probe-admin.ts'
import { ProbeRegistry } from './probe-registry.ts'

const status = (probeId: string, state: 'online' | 'offline', reason?: string) =>
  Buffer.from(JSON.stringify({ state, probeId, region: 'eu-west', ...(reason ? { reason } : {}) }))

async function setup(dir = tempDir('vantage-probe-admin-')) {
  const state = await HubState.open(dir)
  const registry = new ProbeRegistry(state, silentLogger(), () => 1_000)
  const sent: Array<[string, ProbeCommand]> = []
  const cleared: string[] = []
  const admin = new ProbeAdmin({
    registry,
    state,
    link: {
      sendCommand: (probeId, command) => sent.push([probeId, command]),
      clearStatus: (probeId) => cleared.push(probeId),
    },
    logger: silentLogger(),
  })
  return { dir, state, admin, sent, cleared }
}

describe('ProbeAdmin', () => {
  it('retires a probe that is gone, clears its status, and keeps late goodbyes out', async () => {
    const { admin, cleared } = await setup()
    admin.handleStatus('p1', status('p1', 'online'))
    expect(admin.remove('nope')).toEqual({ refused: 'unknown' })
    expect(admin.remove('p1')).toEqual({ refused: 'online' })

    admin.handleStatus('p1', status('p1', 'offline'))
    expect(admin.remove('p1')).toMatchObject({ removed: { probeId: 'p1' } })
    expect(admin.list()).toEqual([])
    expect(cleared).toEqual(['p1'])
    // Its Last Will, landing after the retirement, is cleared again instead of listed.
    admin.handleStatus('p1', status('p1', 'offline'))
    expect(admin.list()).toEqual([])
    expect(cleared).toEqual(['p1', 'p1'])
    // Back online (a new token, say): it is listed again.
    admin.handleStatus('p1', status('p1', 'online'))
    expect(admin.list().map((p) => p.probeId)).toEqual(['p1'])
  })

  it('tells a drained probe again until it drains, and remembers it across restarts', async () => {
    const { dir, state, admin, sent } = await setup()
    admin.handleStatus('p1', status('p1', 'online'))
    expect(admin.drain('p1', true)).toMatchObject({ probe: { drained: true } })
    expect(sent.map(([id, c]) => [id, c.type === 'drain' && c.drain])).toEqual([['p1', true]])
    // It restarted and says online: drain it again. Once it says draining, nothing more.
    admin.handleStatus('p1', status('p1', 'online'))
    admin.handleStatus('p1', status('p1', 'offline', 'draining'))
    expect(sent).toHaveLength(2)
    expect(admin.list()[0]).toMatchObject({ drained: true, reason: 'draining' })

    await waitFor('the drained probe to be saved', async () =>
      (await HubState.open(dir)).drainedProbes().includes('p1'),
    )
    const restarted = await setup(dir)
    restarted.admin.handleStatus('p1', status('p1', 'online'))
    expect(restarted.sent.map(([, c]) => c.type === 'drain' && c.drain)).toEqual([true])
    restarted.admin.drain('p1', false)
    restarted.admin.handleStatus('p1', status('p1', 'offline', 'draining'))
    expect(restarted.sent.map(([, c]) => c.type === 'drain' && c.drain)).toEqual([
      true,
      false,
      false,
    ])
    // Its folder goes when the test ends: no save may still be writing into it.
    await Promise.all([state.settled(), restarted.state.settled()])
  })

  it('retires the probes whose token was revoked, not those whose token was replaced', async () => {
    const { admin, cleared } = await setup()
    for (const id of ['p1', 'p2']) admin.handleStatus(id, status(id, 'offline'))
    admin.tokensChanged({ probeIds: () => ['p1', 'p2'] })
    admin.tokensChanged({ probeIds: () => ['p2'] })
    expect(admin.list().map((p) => p.probeId)).toEqual(['p2'])
    expect(cleared).toEqual(['p1'])
  })
})
