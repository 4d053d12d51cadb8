/**
 * Store-and-forward under a crash: a probe is killed with SIGKILL while the hub
 * has not acked its latest results. After a restart, every result the probe had
 * measured is stored, exactly once (raw rows and rollup counts agree), counted
 * against the probe's audit log of every result it produced.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import {
  drainOutbox,
  hubCounts,
  outboxIds,
  producedResults,
  storedResults,
  waitForStored,
} from './fault-counts.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

describe('a probe killed with unacked results', () => {
  let target: TargetServer
  let network: Network

  beforeAll(async () => {
    target = await startTargetServer()
    network = await startNetwork({
      name: 'vantage-crash-',
      monitors: {
        defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
        checks: [
          { kind: 'http', id: 'a', url: `${target.url}/` },
          { kind: 'http', id: 'b', url: `${target.url}/b` },
        ],
      },
    })
  })

  afterAll(async () => {
    // A frozen hub would not see the SIGTERM that stops it.
    network?.hub.kill('SIGCONT')
    await network?.stop()
    await target?.close()
  })

  it('stores every result exactly once after the probe restarts', async () => {
    const hub = network.hub
    const hubDb = join(network.hubDir, 'hub.db')
    const start = () => network.startProbe({ id: 'eu-west-1', region: 'eu-west' })

    let probe = await start()
    const outboxDb = join(probe.dataDir, 'outbox.db')
    await waitFor('results to reach the hub', () => hubCounts(hubDb).raw >= 4)

    // Freeze the hub (and its embedded broker): the probe keeps measuring, nothing is acked.
    hub.kill('SIGSTOP')
    await waitFor(
      'unacked results to pile up in the outbox',
      () => outboxIds(outboxDb).length >= 4,
      15_000,
    )
    probe.kill('SIGKILL')
    await probe.stop()
    const unacked = outboxIds(outboxDb)
    expect(unacked.length).toBeGreaterThanOrEqual(4)
    // The log line follows the outbox commit, so a kill between the two leaves a
    // result in the outbox only: what was produced is the logged results plus the outbox.
    const producedBeforeKill = new Set([
      ...producedResults(probe.logs()).map((e) => e.id),
      ...unacked,
    ])

    hub.kill('SIGCONT')
    probe = await start()
    await waitForStored(hubDb, unacked, 'every unacked result to be stored')
    await probe.stop()
    const producedAfterRestart = producedResults(probe.logs()).map((e) => e.id)
    await drainOutbox({ mqttUrl: hub.mqttUrl, id: 'eu-west-1', dataDir: probe.dataDir, outboxDb })

    const produced = new Set([...producedBeforeKill, ...producedAfterRestart])
    const stored = storedResults(hubDb)
    expect([...stored.keys()].sort()).toEqual([...produced].sort())
    // Rollups count a result when the hub folds its journal, within seconds of storing it.
    await waitFor('the rollups to count every stored result', () => {
      const counts = hubCounts(hubDb)
      return counts.rollup >= counts.raw
    })
    expect(hubCounts(hubDb)).toEqual({
      raw: produced.size,
      distinct: produced.size,
      rollup: produced.size,
    })
  })
})
