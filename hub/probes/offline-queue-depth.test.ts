/**
 * What the hub shows of a probe that went away holding unsent results: its last known
 * queue depth, marked with when it was reported, not the depth its Last Will was made
 * with (the will is fixed when the probe connects, so it knows nothing of later results).
 * A real probe agent on a real broker; the test plays the hub and never acks.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decodeMessage, probeStatusSchema } from '../../checks/wire.ts'
import { silentLogger } from '../../lib/logger.ts'
import { startProbe, type RunningProbe } from '../../probe/agent.ts'
import { closedPortMonitors, startFakeHub, type FakeHub } from '../../test/fixtures/fake-hub.ts'
import { tempDir } from '../../test/fixtures/temp-dir.ts'
import { waitFor } from '../../test/e2e/processes.ts'
import { HubState } from '../store/hub-state.ts'
import { ProbeRegistry } from './probe-registry.ts'

describe('an offline probe in the registry', () => {
  let hub: FakeHub | undefined
  let probe: RunningProbe | undefined

  afterEach(async () => {
    await probe?.stop()
    await hub?.close()
  })

  it('keeps its last reported queue depth, and says when it was reported', async () => {
    const dir = tempDir('vantage-offline-depth-')
    hub = await startFakeHub()
    await hub.deploy(closedPortMonitors())
    probe = await startProbe({
      hubUrl: hub.url,
      probeId: 'p1',
      region: 'eu-west',
      dataDir: join(dir, 'probe'),
      version: 'test',
      logger: silentLogger(),
    })
    const statusTopic = hub.topics.probeStatus('p1')
    await waitFor('results the hub never acks', () => probe!.stats().queueDepth >= 3)

    // Drop the connection: the probe reconnects and announces its backlog...
    hub.kick('vantage-probe-p1')
    const before = hub.messages.length
    await hub.next(
      (m) =>
        hub!.messages.indexOf(m) >= before &&
        m.topic === statusTopic &&
        JSON.parse(m.payload.toString()).stats?.queueDepth >= 3,
    )
    // ...then goes away for good, and its Last Will speaks for it.
    await waitFor('the probe to be connected again', () => hub!.connected('vantage-probe-p1'))
    const beforeWill = hub.messages.length
    hub.kick('vantage-probe-p1')
    const will = await hub.next(
      (m) =>
        hub!.messages.indexOf(m) >= beforeWill &&
        m.topic === statusTopic &&
        JSON.parse(m.payload.toString()).state === 'offline',
    )
    await probe.stop()
    probe = undefined

    const statuses = hub.messages.filter((m) => m.topic === statusTopic)
    const untilWill = statuses.slice(0, statuses.indexOf(will) + 1)
    const announced = untilWill
      .slice(0, -1)
      .findLast((m) => JSON.parse(m.payload.toString()).stats)!
    const depth = JSON.parse(announced.payload.toString()).stats.queueDepth as number
    expect(depth).toBeGreaterThanOrEqual(3)

    let now = 1_000
    const registry = new ProbeRegistry(await HubState.open(dir), silentLogger(), () => now)
    let announcedAt = 0
    for (const message of untilWill) {
      now += 1_000
      registry.handle('p1', message.payload)
      if (message === announced) announcedAt = now
    }
    const [entry] = registry.list()
    expect(entry?.state).toBe('offline')
    expect(entry?.stats?.queueDepth).toBe(depth)
    expect(entry?.queueDepthAsOf).toBe(announcedAt)
    expect(decodeMessage(probeStatusSchema, will.payload).ok).toBe(true)
  })
})
