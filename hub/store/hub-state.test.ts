import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { HubState } from './hub-state.ts'

describe('HubState', () => {
  it('says when the saves nobody waited for have landed in state.json', async () => {
    const dir = tempDir('vantage-hub-state-')
    const state = await HubState.open(dir)
    void state.saveDrainedProbes(['p1'])
    void state.saveDrainedProbes(['p1', 'p2'])
    await state.settled()
    const saved = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'))
    expect(saved.drainedProbes).toEqual(['p1', 'p2'])
    // Nothing pending: at once.
    await state.settled()
  })
})
