/**
 * Store-and-forward under a crash: a probe is killed with SIGKILL while the hub
 * has not acked its latest results. After a restart, every result the probe had
 * measured is stored, exactly once (raw rows and rollup counts agree), counted
 * against the probe's audit log of every result it produced.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

describe('a probe killed with unacked results', () => {
  let dir: string
  let target: TargetServer
  let hub: HubProcess
  let probe: VantageProcess | undefined

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vantage-crash-'))
    target = await startTargetServer()
    const checksFile = join(dir, 'monitors.ts')
    writeFileSync(
      checksFile,
      `export default {
        defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' },
        checks: [
          { kind: 'http', id: 'a', url: '${target.url}/' },
          { kind: 'http', id: 'b', url: '${target.url}/b' },
        ],
      }\n`,
    )
    hub = await startHubProcess({ checksFile, dataDir: join(dir, 'hub') })
  })

  afterAll(async () => {
    hub?.kill('SIGCONT')
    await probe?.stop()
    await hub?.stop()
    await target?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores every result exactly once after the probe restarts', async () => {
    const probeDir = join(dir, 'probe')
    const hubDb = join(dir, 'hub', 'hub.db')
    const outboxDb = join(probeDir, 'outbox.db')
    const start = () =>
      startProbeProcess({
        mqttUrl: hub.mqttUrl,
        id: 'eu-west-1',
        region: 'eu-west',
        dataDir: probeDir,
      })

    probe = await start()
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
    probe = undefined
    await drainOutbox({ mqttUrl: hub.mqttUrl, id: 'eu-west-1', dataDir: probeDir, outboxDb })

    const produced = new Set([...producedBeforeKill, ...producedAfterRestart])
    const stored = storedResults(hubDb)
    expect([...stored.keys()].sort()).toEqual([...produced].sort())
    expect(hubCounts(hubDb)).toEqual({
      raw: produced.size,
      distinct: produced.size,
      rollup: produced.size,
    })
  })
})
