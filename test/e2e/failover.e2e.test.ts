/**
 * Failover without a coordinator, with real processes: two probes in one region
 * split six 1 s checks by rendezvous hashing, and no check runs on both. One probe
 * is killed with SIGKILL (its socket closes, the broker fires its Last Will at once),
 * and later frozen with SIGSTOP (the socket stays open; the broker fires the will
 * after keepalive × 1.5): both times the other probe picks its checks up within the
 * bound the issue states. When it comes back, its checks move back and again none
 * runs twice.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rendezvousOwner } from '../../probe/membership.ts'
import { startTargetServer, type TargetServer } from '../fixtures/target-server.ts'
import { storedRaw } from './fault-counts.ts'
import { startNetwork, type Network } from './network.ts'
import { waitFor } from './processes.ts'

const CHECKS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']
const PROBES = ['eu-west-1', 'eu-west-2'] as const
/** startProbeProcess runs probes with --keepalive 5. */
const KEEPALIVE_MS = 5_000
const INTERVAL_MS = 1_000
/** The checks' timeout: every run has ended this long after it was scheduled. */
const TIMEOUT_MS = 2_000
/** The bound: the broker notices the death after keepalive × 1.5, plus one interval. */
const FAILOVER_BOUND_MS = KEEPALIVE_MS * 1.5 + INTERVAL_MS
/** Room for a loaded CI machine: process scheduling, the will's delivery, the run itself. */
const CI_MARGIN_MS = 3_000
/** How long each steady-state window is watched. */
const WINDOW_MS = 3_000

interface Row {
  check_id: string
  probe_id: string
  scheduled_at: number
}

describe('failover between two probes of a region', () => {
  let target: TargetServer
  let network: Network
  let hubDb: string

  const startProbe = (id: string) => network.startProbe({ id, region: 'eu-west' })

  const rows = (from: number, to: number): Row[] =>
    storedRaw(hubDb)
      .filter((result) => result.scheduledAt >= from && result.scheduledAt < to)
      .map((result) => ({
        check_id: result.checkId,
        probe_id: result.probeId,
        scheduled_at: result.scheduledAt,
      }))

  /** Every check ran only on `owners[check]` in [from, to), at least `minRuns` times. */
  const ranOnlyOnOwners = (owners: Map<string, string>, from: number, to: number, minRuns = 2) => {
    const window = rows(from, to)
    return CHECKS.every((check) => {
      const runs = window.filter((row) => row.check_id === check)
      return runs.length >= minRuns && runs.every((row) => row.probe_id === owners.get(check))
    })
  }

  /** Waits until the assignment has settled, then watches one more window and checks it. */
  async function expectSteadyState(owners: Map<string, string>): Promise<void> {
    // Only runs from now on count: right after a restart, the last window can still
    // hold runs from before the change that look settled.
    const since = Date.now()
    // Results reach the hub a linger (250 ms) plus a round trip after they are measured.
    const landed = () => Date.now() - 1_500
    await waitFor(
      'every check to run only on its rendezvous owner',
      () => landed() - 2_000 >= since && ranOnlyOnOwners(owners, landed() - 2_000, landed()),
      30_000,
    )
    const from = landed()
    const to = from + WINDOW_MS
    // A probe queues results as its runs end and delivers them in that order, and a run
    // ends within its timeout: once each probe has delivered a run scheduled a timeout
    // and an interval after the window, every run it made inside the window is stored.
    await waitFor(
      'both probes to deliver a run from after the window',
      () => {
        const later = rows(to + TIMEOUT_MS + INTERVAL_MS, Number.MAX_SAFE_INTEGER)
        return PROBES.every((id) => later.some((row) => row.probe_id === id))
      },
      30_000,
    )
    const window = rows(from, to)
    const perRun = new Map<string, Set<string>>()
    for (const row of window) {
      const key = `${row.check_id}@${row.scheduled_at}`
      perRun.set(key, (perRun.get(key) ?? new Set()).add(row.probe_id))
    }
    expect([...perRun.values()].filter((ids) => ids.size > 1)).toEqual([])
    for (const check of CHECKS) {
      const runs = window.filter((row) => row.check_id === check)
      expect(runs.length, `runs of ${check}`).toBeGreaterThanOrEqual(WINDOW_MS / INTERVAL_MS - 2)
      expect(new Set(runs.map((row) => row.probe_id)), `who ran ${check}`).toEqual(
        new Set([owners.get(check)]),
      )
    }
  }

  beforeAll(async () => {
    target = await startTargetServer()
    const checks = CHECKS.map((id) => ({ kind: 'http', id, url: `${target.url}/${id}` }))
    // Two probes in eu-west: eu-west-1 and eu-west-2, as PROBES names them.
    network = await startNetwork({
      name: 'vantage-failover-',
      monitors: { defaults: { regions: ['eu-west'], every: '1s', timeout: '2s' }, checks },
      regions: ['eu-west'],
      probesPerRegion: PROBES.length,
    })
    hubDb = join(network.hubDir, 'hub.db')
  })

  afterAll(async () => {
    await network?.stop()
    await target?.close()
  })

  // Three steady-state windows, a SIGKILL and a SIGSTOP with their failovers: about 50 s
  // alone, more on a loaded CI machine, so this test gets twice the default time.
  it(
    'splits the checks, fails over within keepalive × 1.5 + one interval, and moves them back',
    { timeout: 150_000 },
    async () => {
      const both = new Map(CHECKS.map((check) => [check, rendezvousOwner(check, PROBES)!]))
      const victim = 'eu-west-2'
      const survivor = 'eu-west-1'
      const victimsChecks = CHECKS.filter((check) => both.get(check) === victim)
      // The check names are chosen so that each probe owns some: otherwise nothing fails over.
      expect(victimsChecks.length).toBeGreaterThan(0)
      expect(victimsChecks.length).toBeLessThan(CHECKS.length)

      /** Stops the victim with `signal` and returns how long until the survivor ran all its checks. */
      async function failOver(signal: 'SIGKILL' | 'SIGSTOP'): Promise<number> {
        const probe = network.probe(victim)
        probe.kill(signal)
        const stoppedAt = Date.now()
        const firsts = await waitFor(
          `${survivor} to take over ${victimsChecks.join(', ')} after ${signal}`,
          () => {
            const after = rows(stoppedAt, Number.MAX_SAFE_INTEGER)
            const times = victimsChecks.map((check) =>
              Math.min(
                ...after
                  .filter((row) => row.check_id === check && row.probe_id === survivor)
                  .map((row) => row.scheduled_at),
              ),
            )
            return times.every(Number.isFinite) ? times : undefined
          },
          30_000,
        )
        // A stopped process still holds its socket: only SIGKILL ends it, once it has been replaced.
        probe.kill('SIGKILL')
        await probe.stop()
        const failoverMs = Math.max(...firsts) - stoppedAt
        console.log(
          `failover after ${signal}: ${victimsChecks.length} checks resumed on ${survivor} in ${failoverMs} ms (bound ${FAILOVER_BOUND_MS} ms + ${CI_MARGIN_MS} ms margin)`,
        )
        return failoverMs
      }

      await expectSteadyState(both)

      // A crashed process: the kernel closes its socket and the broker fires the will at once.
      expect(await failOver('SIGKILL')).toBeLessThanOrEqual(FAILOVER_BOUND_MS + CI_MARGIN_MS)

      await startProbe(victim)
      await expectSteadyState(both)

      // A hung host or a cut network: the socket stays open and only the keepalive notices.
      expect(await failOver('SIGSTOP')).toBeLessThanOrEqual(FAILOVER_BOUND_MS + CI_MARGIN_MS)
      await startProbe(victim)
      await expectSteadyState(both)
    },
  )

  it('publishes capabilities, labels, version, queue depth, drops, config version, clock offset and health', async () => {
    // Statuses refresh every 15 s; the clock offset needs acks, so wait for a refresh that has it.
    const status = await waitFor(
      'a status with a clock offset',
      async () => {
        const list = await network.getJson<any[]>('/api/v1/probes')
        const probe = list.find((entry) => entry.probeId === 'eu-west-1')
        return probe?.stats?.clockOffsetMs !== undefined && probe
      },
      20_000,
    )
    expect(status.state).toBe('online')
    expect(status.region).toBe('eu-west')
    expect(status.capabilities).toContain('http')
    expect(status.labels).toEqual({})
    expect(typeof status.version).toBe('string')
    expect(status.stats).toMatchObject({
      queueDepth: expect.any(Number),
      dropped: 0,
      configVersion: expect.stringMatching(/^\d+-/),
    })
    // Hub and probe share this machine's clock: the estimate is off by at most half a round trip.
    expect(Math.abs(status.stats.clockOffsetMs)).toBeLessThan(500)
    expect(status.health).toEqual({ ok: true, reasons: [] })
  })
})
