import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validateMonitoring, type MonitoringConfig } from '../../checks/validate.ts'
import { ManualClock } from '../../lib/clock.ts'
import { silentLogger } from '../../lib/logger.ts'
import { DeployHistory } from './deploy-history.ts'
import { loadOrCreateHubKey } from './keys.ts'
import { DeployError, LiveConfig, type DeployEvent } from './live-config.ts'
import { HubState } from '../store/hub-state.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'

function config(input: Record<string, unknown>): MonitoringConfig {
  const outcome = validateMonitoring({ defaults: { regions: ['eu-west'] }, ...input })
  if (!outcome.ok) throw new Error(outcome.errors.join('\n'))
  return outcome.config
}

const api = { kind: 'http', id: 'api', url: 'https://api.example.com/health' }
const shop = { kind: 'http', id: 'shop', url: 'https://shop.example.com/' }
const v1 = config({ checks: [api] })
const v2 = config({ checks: [{ ...api, every: '30s' }, shop] })

/** A live config over a real data directory; `events` collects what listeners hear. */
async function open(dataDir = tempDir('vantage-live-')) {
  const clock = new ManualClock()
  const state = await HubState.open(dataDir)
  const live = new LiveConfig({
    state,
    history: new DeployHistory(dataDir),
    key: loadOrCreateHubKey(dataDir),
    clock,
    logger: silentLogger(),
  })
  const events: DeployEvent[] = []
  live.onDeploy((event) => void events.push(event))
  return { live, events, clock, dataDir }
}

describe('LiveConfig', () => {
  it('deploys a first config, keeps it whole on disk, and tells its listeners', async () => {
    const { live, events, dataDir } = await open()
    const outcome = await live.apply(v1, 'monitors.ts')
    expect(outcome).toMatchObject({ seq: 1, changed: true })
    expect(outcome.version).toMatch(/^1-[0-9a-f]{8}$/)
    expect(outcome.plan.checks.added).toEqual([{ id: 'api', kind: 'http' }])
    expect(live.config()).toEqual(v1)
    expect(events.map((event) => [event.deployed.bundle.version, event.source])).toEqual([
      [outcome.version, 'monitors.ts'],
    ])
    const file = join(dataDir, 'deploys', '1.json')
    expect(JSON.parse(readFileSync(file, 'utf8')).config).toEqual(v1)
    // Channels may carry secrets: the file is the hub's alone.
    expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('keeps the running version for the same config, and says nothing', async () => {
    const { live, events } = await open()
    const first = await live.apply(v1, 'a')
    const again = await live.apply(config({ checks: [api] }), 'b')
    expect(again).toMatchObject({ version: first.version, seq: 1, changed: false })
    expect(events).toHaveLength(1)
    expect(live.history()).toHaveLength(1)
  })

  it('gives a channel-only change a new version that a rollback can tell apart', async () => {
    const { live } = await open()
    const first = await live.apply(v1, 'a')
    const hook = { type: 'webhook', name: 'ops', url: 'https://hooks.example.com/' }
    const second = await live.apply(config({ channels: [hook], checks: [api] }), 'b')
    expect(second.seq).toBe(2)
    expect(second.changed).toBe(true)
    // Same probe checks: the bundle's content hash is the same, the sequence is not.
    expect(second.version.split('-')[1]).toBe(first.version.split('-')[1])
    expect(second.plan.channels.added).toEqual([{ name: 'ops', type: 'webhook' }])
  })

  it('plans a dry run without deploying anything', async () => {
    const { live, events } = await open()
    const first = await live.apply(v1, 'a')
    const dry = live.dryRun(v2)
    expect(dry).toMatchObject({ version: first.version, seq: 1, changed: true })
    expect(dry.plan.checks.added).toEqual([{ id: 'shop', kind: 'http' }])
    expect(dry.plan.checks.changed[0]!.fields).toEqual([
      { path: 'every', before: '1m', after: '30s' },
    ])
    expect(live.dryRun(v1).changed).toBe(false)
    expect(live.config()).toEqual(v1)
    expect(events).toHaveLength(1)
  })

  it('rolls back by deploying the old config as a new sequence number', async () => {
    const { live, events, clock } = await open()
    const first = await live.apply(v1, 'a')
    clock.advance(60_000)
    await live.apply(v2, 'b')
    clock.advance(60_000)
    const back = await live.rollback(first.version)
    expect(back).toMatchObject({ seq: 3, changed: true })
    expect(back.version).not.toBe(first.version)
    expect(back.plan.checks.removed).toEqual([{ id: 'shop', kind: 'http' }])
    expect(live.config()).toEqual(v1)
    expect(events.at(-1)).toMatchObject({ source: `rollback to ${first.version}`, config: v1 })
    expect(live.history().map((deploy) => deploy.seq)).toEqual([1, 2, 3])
  })

  it('refuses an unknown version and a deploy planned against another version', async () => {
    const { live } = await open()
    const first = await live.apply(v1, 'a')
    await expect(live.rollback('9-deadbeef')).rejects.toMatchObject({
      reason: 'unknown-version',
    })
    await live.apply(v2, 'b')
    const late = live.apply(v1, 'c', { expectVersion: first.version })
    await expect(late).rejects.toBeInstanceOf(DeployError)
    await expect(late).rejects.toMatchObject({ reason: 'conflict' })
    expect(live.history()).toHaveLength(2)
  })

  it('runs deploys one at a time, so simultaneous ones get consecutive numbers', async () => {
    const { live } = await open()
    await live.apply(v1, 'a')
    const third = config({ checks: [shop] })
    const outcomes = await Promise.all([live.apply(v2, 'b'), live.apply(third, 'c')])
    expect(outcomes.map((outcome) => outcome.seq)).toEqual([2, 3])
    expect(live.config()).toEqual(third)
  })

  it('keeps the deploy when a listener fails, and still tells the others', async () => {
    const { live, events } = await open()
    live.onDeploy(() => {
      throw new Error('boom')
    })
    const heard: string[] = []
    live.onDeploy((event) => void heard.push(event.deployed.bundle.version))
    const outcome = await live.apply(v1, 'a')
    expect(heard).toEqual([outcome.version])
    expect(events).toHaveLength(1)
  })

  it('resumes the last deploy after a restart, with the same version', async () => {
    const before = await open()
    await before.live.apply(v1, 'a')
    const last = await before.live.apply(v2, 'b')
    const after = await open(before.dataDir)
    const resumed = await after.live.resume()
    expect(resumed).toMatchObject({ version: last.version, changed: false })
    expect(after.live.config()).toEqual(v2)
    expect(after.events).toEqual([])
  })

  it('says how to start when there is nothing to resume', async () => {
    const { live } = await open()
    await expect(live.resume()).rejects.toMatchObject({
      reason: 'no-config',
      message: expect.stringContaining('--checks monitors.ts'),
    })
  })
})
