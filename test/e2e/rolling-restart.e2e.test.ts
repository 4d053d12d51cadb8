/**
 * A rolling restart under load loses and duplicates nothing. A hub and three probes
 * (one per region) run 8 HTTP checks a second in every region. Each probe in turn
 * gets SIGTERM, finishes its runs, sends what it holds, exits 0 and is started again;
 * then the hub gets SIGTERM and is started again on the same data directory and ports.
 * Once every probe has stopped (gracefully, so their outboxes are empty), every result
 * the probes logged as produced is stored exactly once: as many raw rows as distinct
 * ids as rollup counts as produced ids. Readiness is watched throughout: /readyz on
 * the hub and on each probe's health port.
 */
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { useTempDir } from '../fixtures/temp-dir.ts'
import { hubCounts, outboxIds, producedResults, storedResults } from './fault-counts.ts'
import { writeMonitors } from './network.ts'
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

const REGIONS = ['eu-west', 'us-east', 'ap-south']
const CHECKS = 8

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function readyz(url: string): Promise<{ status: number; body: { ready: boolean } }> {
  const response = await fetch(`${url}/readyz`)
  return { status: response.status, body: (await response.json()) as { ready: boolean } }
}

interface Probe {
  id: string
  region: string
  dataDir: string
  healthUrl: string
  healthPort: number
  process: VantageProcess
  /** Logs of every process this probe has been, for the produced count. */
  logs: string[]
}

describe('a rolling restart of every probe and then the hub, under load', () => {
  const dir = useTempDir('vantage-rolling-')
  let target: TargetServer
  let monitors: string
  let hub: HubProcess
  let hubPort: number
  let mqttPort: number
  const probes: Probe[] = []
  const hubDb = () => join(dir.path, 'hub', 'hub.db')

  const startHub = async () =>
    startHubProcess({
      checksFile: monitors,
      dataDir: join(dir.path, 'hub'),
      port: hubPort,
      mqttPort,
    })

  async function startProbe(probe: Omit<Probe, 'process'> & { process?: VantageProcess }) {
    return startProbeProcess({
      mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
      id: probe.id,
      region: probe.region,
      dataDir: probe.dataDir,
      hubKeyFile: join(dir.path, 'hub', 'hub-key.pub.pem'),
      args: ['--health-port', String(probe.healthPort)],
    })
  }

  const ready = (url: string) =>
    waitFor(`${url} to be ready`, async () => (await readyz(url)).status === 200, 45_000)

  beforeAll(async () => {
    target = await startTargetServer()
    monitors = writeMonitors(dir.path, {
      defaults: { regions: REGIONS, every: '1s', timeout: '2s' },
      checks: Array.from({ length: CHECKS }, (_, i) => ({
        kind: 'http',
        id: `load-${i}`,
        url: `${target.url}/${i}`,
      })),
    })
    hubPort = await freePort()
    mqttPort = await freePort()
    hub = await startHub()
    for (const [i, region] of REGIONS.entries()) {
      const healthPort = await freePort()
      const probe = {
        id: `${region}-1`,
        region,
        dataDir: join(dir.path, `probe-${i}`),
        healthPort,
        healthUrl: `http://127.0.0.1:${healthPort}`,
        logs: [],
      }
      probes.push({ ...probe, process: await startProbe(probe) })
    }
  })

  afterAll(async () => {
    for (const probe of probes) await probe.process.stop()
    await hub?.stop()
    await target?.close()
  })

  it('is ready on the hub and every probe once the network runs', async () => {
    await ready(hub.httpUrl)
    for (const probe of probes) await ready(probe.healthUrl)
    const { body } = await readyz(probes[0]!.healthUrl)
    expect(body).toMatchObject({ ready: true, reasons: [] })
  })

  it('restarts each probe and then the hub, every one exiting 0', async () => {
    await waitFor('results to flow', () => hubCounts(hubDb()).raw >= CHECKS * REGIONS.length)
    for (const probe of probes) {
      expect(await probe.process.stop()).toBe(0)
      probe.logs.push(probe.process.logs())
      probe.process = await startProbe(probe)
      await ready(probe.healthUrl)
    }
    expect(await hub.stop()).toBe(0)
    hub = await startHub()
    await ready(hub.httpUrl)
    for (const probe of probes) await ready(probe.healthUrl)
    const before = hubCounts(hubDb()).raw
    await waitFor('results after the restart', () => hubCounts(hubDb()).raw > before + 20)
    // Four restarts, each waiting for a graceful stop and for readiness: minutes on a
    // loaded two-core machine, far more than one test's default minute.
  }, 300_000)

  it('stored every result the probes produced, once', async () => {
    for (const probe of probes) {
      expect(await probe.process.stop()).toBe(0)
      probe.logs.push(probe.process.logs())
      // Stopped gracefully with the hub up: it waited for the acks of all it held.
      expect(outboxIds(join(probe.dataDir, 'outbox.db'))).toEqual([])
    }
    const produced = probes.flatMap((probe) => probe.logs.flatMap(producedResults))
    const producedIds = new Set(produced.map((result) => result.id))
    expect(producedIds.size).toBe(produced.length)
    const stored = storedResults(hubDb())
    const missing = [...producedIds].filter((id) => !stored.has(id))
    const unknown = [...stored.keys()].filter((id) => !producedIds.has(id))
    // Rollups count a result when the hub folds its journal, within seconds of storing it.
    await waitFor('the rollups to count every stored result', () => {
      const now = hubCounts(hubDb())
      return now.rollup >= now.raw
    })
    const counts = hubCounts(hubDb())
    console.log(
      `rolling restart: ${produced.length} produced, ${counts.raw} stored (${counts.distinct} distinct, ` +
        `${counts.rollup} in rollups), ${missing.length} missing, ${unknown.length} unknown`,
    )
    expect(missing).toEqual([])
    expect(unknown).toEqual([])
    expect(counts).toEqual({
      raw: produced.length,
      distinct: produced.length,
      rollup: produced.length,
    })
  }, 120_000)
})
