/**
 * Store-and-forward under a crash: a probe is killed with SIGKILL while the hub
 * has not acked its latest results. After a restart, every result the probe had
 * measured is stored, exactly once (raw rows and rollup counts agree).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import {
  startHubProcess,
  startProbeProcess,
  waitFor,
  type HubProcess,
  type VantageProcess,
} from './processes.ts'

function readIds(file: string, sql: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare(sql).all() as { id: string }[]).map((row) => row.id)
  } finally {
    db.close()
  }
}

function hubCounts(file: string): { raw: number; distinct: number; rollup: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const raw = db.prepare('SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM results').get() as {
      n: number
      d: number
    }
    const rollup = db
      .prepare(
        'SELECT COALESCE(SUM(up + degraded + down + inconclusive), 0) AS n FROM rollup_minute',
      )
      .get() as { n: number }
    return { raw: raw.n, distinct: raw.d, rollup: rollup.n }
  } finally {
    db.close()
  }
}

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
      () => readIds(outboxDb, 'SELECT id FROM outbox').length >= 4,
      15_000,
    )
    probe.kill('SIGKILL')
    await probe.stop()
    const unacked = readIds(outboxDb, 'SELECT id FROM outbox')
    expect(unacked.length).toBeGreaterThanOrEqual(4)

    hub.kill('SIGCONT')
    probe = await start()
    await waitFor('every unacked result to be stored', () => {
      const stored = new Set(readIds(hubDb, 'SELECT id FROM results'))
      return unacked.every((id) => stored.has(id))
    })
    await probe.stop()
    probe = undefined

    const counts = hubCounts(hubDb)
    expect(counts.distinct).toBe(counts.raw)
    expect(counts.rollup).toBe(counts.raw)
  })
})
