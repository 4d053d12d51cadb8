import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkResultSchema } from '../checks/result.ts'
import { makeResult } from '../test/fixtures/results.ts'
import { tempDir } from '../test/fixtures/temp-dir.ts'
import {
  checkClock,
  checkDataDir,
  checkDns,
  markIfUnhealthy,
  SelfHealth,
  type HealthReport,
} from './self-health.ts'

const dataDir = () => tempDir('vantage-health-')

const failWith = (code: string) => () =>
  Promise.reject(Object.assign(new Error(`failed with ${code}`), { code }))

describe('checkDataDir', () => {
  it('passes on a writable directory and leaves nothing behind', async () => {
    const dir = dataDir()
    expect(await checkDataDir(dir)).toBeUndefined()
    expect(readdirSync(dir)).toEqual([])
  })

  it('fails when the data directory is not a directory', async () => {
    const file = join(dataDir(), 'not-a-dir')
    writeFileSync(file, '')
    expect(await checkDataDir(file)).toBe(`data directory ${file} is not writable (ENOTDIR)`)
  })

  it('fails when the disk refuses the write', async () => {
    expect(await checkDataDir('/data/probe', failWith('EROFS'))).toBe(
      'data directory /data/probe is not writable (EROFS)',
    )
  })
})

describe('checkDns', () => {
  it('passes when the system resolver answers for localhost', async () => {
    expect(await checkDns('localhost')).toBeUndefined()
  })

  it('fails when the resolver cannot resolve the name', async () => {
    expect(await checkDns('hub.internal', { lookup: failWith('ENOTFOUND') })).toBe(
      'DNS resolver cannot resolve "hub.internal" (ENOTFOUND)',
    )
  })

  it('fails when the resolver does not answer in time', async () => {
    const never = () => new Promise<never>(() => undefined)
    expect(await checkDns('hub.internal', { lookup: never, timeoutMs: 10 })).toBe(
      'DNS resolver did not answer for "hub.internal" within 10ms',
    )
  })
})

describe('checkClock', () => {
  it('passes before the first ack and within the allowed skew', () => {
    expect(checkClock(undefined, 5_000)).toBeUndefined()
    expect(checkClock(4_999, 5_000)).toBeUndefined()
    expect(checkClock(-5_000, 5_000)).toBeUndefined()
  })

  it('says which way the clock is off', () => {
    expect(checkClock(7_200, 5_000)).toBe("clock is 7s behind the hub's (allowed skew 5s)")
    expect(checkClock(-90_000, 5_000)).toBe("clock is 1m30s ahead of the hub's (allowed skew 5s)")
  })
})

describe('SelfHealth', () => {
  function setup() {
    let offset: number | undefined
    let lookupFails = false
    const changes: HealthReport[] = []
    const health = new SelfHealth({
      dataDir: dataDir(),
      dnsName: 'localhost',
      maxClockSkewMs: 5_000,
      clockOffsetMs: () => offset,
      lookup: (name) => (lookupFails ? failWith('EAI_AGAIN')() : Promise.resolve(name)),
      onChange: (report) => changes.push(report),
    })
    return {
      health,
      changes,
      setOffset: (ms: number | undefined) => (offset = ms),
      setLookupFails: (fails: boolean) => (lookupFails = fails),
    }
  }

  it('is healthy when every check passes, and says nothing', async () => {
    const t = setup()
    expect(await t.health.check()).toEqual({ ok: true, reasons: [] })
    expect(t.changes).toEqual([])
  })

  it('reports every failing check and announces only transitions', async () => {
    const t = setup()
    t.setLookupFails(true)
    t.setOffset(-8_000)
    const sick = await t.health.check()
    expect(sick.ok).toBe(false)
    expect(sick.reasons).toEqual([
      'DNS resolver cannot resolve "localhost" (EAI_AGAIN)',
      "clock is 8s ahead of the hub's (allowed skew 5s)",
    ])
    t.setOffset(-9_000)
    await t.health.check()
    expect(t.changes).toHaveLength(1)

    t.setLookupFails(false)
    t.setOffset(100)
    expect(await t.health.check()).toEqual({ ok: true, reasons: [] })
    expect(t.changes.map((report) => report.ok)).toEqual([false, true])
  })

  it('judges the clock from the newest offset between runs', async () => {
    const t = setup()
    await t.health.check()
    t.setOffset(60_000)
    expect(t.health.report()).toEqual({
      ok: false,
      reasons: ["clock is 1m behind the hub's (allowed skew 5s)"],
    })
  })
})

describe('markIfUnhealthy', () => {
  const sick: HealthReport = { ok: false, reasons: ['DNS resolver cannot resolve "x" (EAI_AGAIN)'] }
  const down = makeResult({
    status: 'down',
    error: { code: 'DNS_TIMEOUT', message: 'DNS lookup failed temporarily' },
  })

  it('turns a down result from a sick probe into an inconclusive one that says why', () => {
    const marked = markIfUnhealthy(down, sick)
    expect(marked.status).toBe('inconclusive')
    expect(marked.error).toEqual({
      code: 'PROBE_UNHEALTHY',
      message:
        'probe unhealthy: DNS resolver cannot resolve "x" (EAI_AGAIN); the check saw DNS_TIMEOUT: DNS lookup failed temporarily',
    })
    expect(marked.id).toBe(down.id)
    expect(marked.scheduledAt).toBe(down.scheduledAt)
    expect(checkResultSchema.safeParse(marked).success).toBe(true)
  })

  it('leaves results alone when the probe is healthy, or the target answered', () => {
    expect(markIfUnhealthy(down, { ok: true, reasons: [] })).toBe(down)
    const up = makeResult({ status: 'up' })
    expect(markIfUnhealthy(up, sick)).toBe(up)
    const degraded = makeResult({ status: 'degraded' })
    expect(markIfUnhealthy(degraded, sick)).toBe(degraded)
  })
})
