/**
 * The broker is gone for 60 s: Mosquitto (persistence off) is stopped and started
 * again on the same port, so it comes back empty, without retained messages or
 * sessions. The probe keeps measuring into its outbox; once both it and the hub have
 * reconnected (jittered backoff, up to 30 s), the outbox replays oldest first. Every
 * result is stored once, with the time it was measured, spread across the outage.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mosquittoWorks, startMosquitto, type Mosquitto } from '../fixtures/mosquitto.ts'
import { toolAvailable } from '../fixtures/require-tool.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import {
  drainOutbox,
  hubCounts,
  producedResults,
  storedResults,
  waitForStored,
} from './fault-counts.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

/** The outage. */
const OUTAGE_MS = 60_000
const CHECKS = ['a', 'b']

describe.runIf(toolAvailable('mosquitto', mosquittoWorks()))('a 60 s broker outage', () => {
  let broker: Mosquitto | undefined
  let target: TargetServer
  let network: Network

  beforeAll(async () => {
    broker = await startMosquitto()
    target = await startTargetServer()
    const checks = CHECKS.map((id) => ({ kind: 'http', id, url: `${target.url}/${id}` }))
    network = await startNetwork({
      name: 'vantage-outage-',
      monitors: { defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' }, checks },
      hubEnv: { VANTAGE_BROKER: broker.url },
    })
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
    await broker?.stop()
  })

  it('loses nothing and keeps measurement times', { timeout: 180_000 }, async () => {
    const hubDb = join(network.hubDir, 'hub.db')
    const mqttUrl = broker!.url
    const probe = await network.startProbe({ id: 'eu-west-1', region: 'eu-west', mqttUrl })
    await waitFor('results to reach the hub', () => hubCounts(hubDb).raw >= 4)

    const port = broker!.port
    await broker!.stop()
    const outageStart = Date.now()
    broker = undefined
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))
    broker = await startMosquitto('', { port })
    const outageEnd = Date.now()

    const producedByEnd = producedResults(probe.logs()).map((entry) => entry.id)
    // Both clients may wait out a 30 s backoff step before they reconnect.
    await waitForStored(hubDb, producedByEnd, 'the outage backlog to be stored', 60_000)

    await probe.stop()
    const produced = producedResults(probe.logs())
    await drainOutbox({
      mqttUrl,
      id: 'eu-west-1',
      dataDir: probe.dataDir,
      outboxDb: join(probe.dataDir, 'outbox.db'),
    })

    const stored = storedResults(hubDb)
    expect([...stored.keys()].sort()).toEqual(produced.map((entry) => entry.id).sort())
    // Rollups count a result when the hub folds its journal, within seconds of storing it.
    await waitFor('the rollups to count every stored result', () => {
      const counts = hubCounts(hubDb)
      return counts.rollup >= counts.raw
    })
    expect(hubCounts(hubDb)).toEqual({
      raw: produced.length,
      distinct: produced.length,
      rollup: produced.length,
    })
    // Each result is stored with the time it was measured, not the time it arrived.
    expect(produced.filter((entry) => stored.get(entry.id) !== entry.scheduledAt)).toEqual([])

    for (const check of CHECKS) {
      const during = produced
        .filter((entry) => entry.checkId === check)
        .map((entry) => stored.get(entry.id)!)
        .filter((at) => at > outageStart && at < outageEnd)
        .sort((a, b) => a - b)
      // One run a second all through the outage, not a burst when the broker came back.
      expect(during.length, `runs of ${check} during the outage`).toBeGreaterThanOrEqual(
        OUTAGE_MS / 1_000 - 3,
      )
      const gaps = during.slice(1).map((at, i) => at - during[i]!)
      expect(Math.max(...gaps), `largest gap between runs of ${check}`).toBeLessThanOrEqual(2_000)
    }
  })
})
