import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../lib/logger.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { HubState } from '../store/hub-state.ts'
import { ProbeRegistry } from './probe-registry.ts'

const status = (probeId: string, region: string, state = 'online') =>
  Buffer.from(JSON.stringify({ state, probeId, region, stats: { queueDepth: 0 } }))

describe('ProbeRegistry', () => {
  it('ignores a status whose region is not the one the probe\u2019s token is for', async () => {
    const tokens: Record<string, string> = { 'eu-west-1': 'eu-west' }
    const registry = new ProbeRegistry(
      await HubState.open(tempDir('vantage-registry-')),
      silentLogger(),
      () => 1_000,
      (probeId) => tokens[probeId],
    )
    registry.handle('eu-west-1', status('eu-west-1', 'us-east'))
    expect(registry.list()).toEqual([])
    registry.handle('eu-west-1', status('eu-west-1', 'eu-west'))
    registry.handle('eu-west-1', status('eu-west-1', 'us-east', 'offline'))
    // A probe without a token (insecure demo, a certificate) is taken at its word.
    registry.handle('demo-1', status('demo-1', 'ap-south'))
    expect(registry.list().map((p) => [p.probeId, p.region, p.state])).toEqual([
      ['demo-1', 'ap-south', 'online'],
      ['eu-west-1', 'eu-west', 'online'],
    ])
  })
})
