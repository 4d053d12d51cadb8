import { describe, expect, it } from 'vitest'
import { checkResultSchema, type CheckResult } from '../../checks/result.ts'
import { heartbeatSpecSchema, type HeartbeatSpec } from '../../checks/spec.ts'
import { ManualClock } from '../../lib/clock.ts'
import { HeartbeatMonitor, type HeartbeatMemory } from './heartbeat-monitor.ts'

const SEC = 1_000
const MIN = 60 * SEC
const HOUR = 60 * MIN
const DAY = 24 * HOUR
/** Deploy time: 01:00:00.250, so that deadlines fall inside a second, not on its edge. */
const T0 = Date.UTC(2026, 0, 1, 1, 0, 0, 250)

function backup(extra: Record<string, unknown> = {}): HeartbeatSpec {
  return heartbeatSpecSchema.parse({
    kind: 'heartbeat',
    id: 'backup',
    every: '1d',
    grace: '2h',
    ...extra,
  })
}

/** A monitor deployed at T0 and a way to let virtual time pass the way the hub's loop does. */
function setup(spec = backup(), saved: Record<string, HeartbeatMemory> = {}, clock?: ManualClock) {
  const at = clock ?? new ManualClock(T0)
  const monitor = new HeartbeatMonitor({ clock: at, configVersion: '7-abc' })
  monitor.setChecks([spec], saved)
  const results: CheckResult[] = []
  return {
    clock: at,
    monitor,
    results,
    /** Advances to `time`, ticking every `step` (below the monitor's pause limit). */
    runUntil(time: number, step = 30 * SEC): CheckResult[] {
      const produced: CheckResult[] = []
      while (at.now() < time) {
        at.set(Math.min(at.now() + step, time))
        produced.push(...monitor.tick())
      }
      results.push(...produced)
      return produced
    },
    ping(kind: 'success' | 'start' | 'fail', extra: { exitCode?: number; message?: string } = {}) {
      const produced = monitor.ping('backup', { kind, ...extra }) ?? []
      results.push(...produced)
      return produced
    },
  }
}

const statuses = (results: CheckResult[]) => results.map((r) => [r.status, r.error?.code ?? null])

describe('HeartbeatMonitor', () => {
  it('counts the first period from deploy time and reports a miss at every + grace', () => {
    const { runUntil } = setup()
    const deadline = T0 + DAY + 2 * HOUR
    expect(runUntil(deadline)).toEqual([])
    // Still inside the deadline's second: not yet late.
    expect(runUntil(deadline + 749)).toEqual([])
    const [missed, ...more] = runUntil(deadline + SEC)
    expect(more).toEqual([])
    expect(missed).toMatchObject({
      checkId: 'backup',
      kind: 'heartbeat',
      probeId: 'hub',
      region: 'hub',
      trigger: 'schedule',
      configVersion: '7-abc',
      status: 'down',
      scheduledAt: deadline,
      error: { code: 'HEARTBEAT_MISSED' },
    })
    expect(missed!.error!.message).toContain('no ping yet')
    expect(checkResultSchema.safeParse(missed).success).toBe(true)
  })

  it('keeps reporting one down per further period while pings stay missing', () => {
    const { runUntil } = setup()
    const produced = runUntil(T0 + 4 * DAY)
    const deadline = T0 + DAY + 2 * HOUR
    expect(produced.map((r) => r.scheduledAt)).toEqual([
      deadline,
      deadline + DAY,
      deadline + 2 * DAY,
    ])
    expect(new Set(produced.map((r) => r.id)).size).toBe(3)
  })

  it('accepts a ping in the same second as the deadline, and not one a second later', () => {
    const deadline = T0 + DAY + 2 * HOUR
    const onTime = setup()
    onTime.runUntil(deadline)
    onTime.clock.set(Math.floor(deadline / SEC) * SEC + 999)
    expect(statuses(onTime.ping('success'))).toEqual([['up', null]])

    const late = setup()
    late.runUntil(deadline)
    late.clock.set(Math.floor(deadline / SEC) * SEC + SEC)
    const produced = late.ping('success')
    expect(statuses(produced)).toEqual([
      ['down', 'HEARTBEAT_MISSED'],
      ['up', null],
    ])
    expect(produced[0]!.scheduledAt).toBe(deadline)
  })

  it('measures the next period from the last ping', () => {
    const { clock, runUntil, ping } = setup()
    runUntil(T0 + 20 * HOUR)
    ping('success')
    const next = clock.now() + DAY + 2 * HOUR
    expect(runUntil(next)).toEqual([])
    expect(runUntil(next + SEC).map((r) => r.scheduledAt)).toEqual([next])
  })

  it('recovers on a late ping after a miss', () => {
    const { runUntil, ping } = setup()
    runUntil(T0 + DAY + 3 * HOUR)
    const [late] = ping('success', { message: 'backup done, 3.2 GB' })
    expect(late).toMatchObject({ status: 'up', message: 'backup done, 3.2 GB', durationMs: 0 })
    expect(statuses([...runUntil(T0 + 2 * DAY + 2 * HOUR)])).toEqual([])
  })

  it('reports an explicit fail at once, and a success after it recovers', () => {
    const { clock, runUntil, ping } = setup()
    runUntil(T0 + HOUR)
    const [failed] = ping('fail', { message: 'rsync: connection refused\nmore detail' })
    expect(failed).toMatchObject({
      status: 'down',
      scheduledAt: clock.now(),
      message: 'rsync: connection refused\nmore detail',
      error: {
        code: 'HEARTBEAT_FAILED',
        message: 'the job reported failure (a fail ping): rsync: connection refused',
      },
    })
    runUntil(T0 + 2 * HOUR)
    expect(statuses(ping('success'))).toEqual([['up', null]])
  })

  it('maps exit codes: 0 is a success, anything else a failure', () => {
    const { runUntil, monitor } = setup()
    runUntil(T0 + MIN)
    const [ok] = monitor.ping('backup', { kind: 'success', exitCode: 0 })!
    expect(ok).toMatchObject({ status: 'up', metrics: { exitCode: 0 } })
    runUntil(T0 + 2 * MIN)
    const [bad] = monitor.ping('backup', { kind: 'fail', exitCode: 3 })!
    expect(bad).toMatchObject({ status: 'down', metrics: { exitCode: 3 } })
    expect(bad!.error!.message).toContain('exit code 3')
  })

  it('records the run duration from start to success', () => {
    const { clock, runUntil, ping } = setup()
    runUntil(T0 + 23 * HOUR)
    const startedAt = clock.now()
    expect(ping('start')).toEqual([])
    runUntil(startedAt + 40 * MIN)
    const [done] = ping('success')
    expect(done).toMatchObject({ status: 'up', startedAt, durationMs: 40 * MIN })
  })

  it('reports a start without an end within the grace as hung, once, then misses', () => {
    const { clock, runUntil, ping } = setup()
    runUntil(T0 + 23 * HOUR)
    const startedAt = clock.now()
    ping('start')
    // Starting replaces the missed deadline: the run has its grace, even past T0 + 1d + 2h.
    expect(runUntil(startedAt + 2 * HOUR)).toEqual([])
    const [hung] = runUntil(startedAt + 2 * HOUR + SEC)
    expect(hung).toMatchObject({
      status: 'down',
      scheduledAt: startedAt + 2 * HOUR,
      startedAt,
      durationMs: 2 * HOUR,
      error: { code: 'HEARTBEAT_HUNG' },
    })
    const later = runUntil(startedAt + DAY + 2 * HOUR + SEC)
    expect(statuses(later)).toEqual([['down', 'HEARTBEAT_MISSED']])
    expect(later[0]!.scheduledAt).toBe(startedAt + DAY + 2 * HOUR)
  })

  it('keeps results strictly ordered when the clock steps backwards', () => {
    const { clock, runUntil, ping } = setup()
    runUntil(T0 + HOUR)
    const [first] = ping('fail')
    // An NTP step back by five seconds: the second ping looks older than the first.
    clock.advance(-5 * SEC)
    const [second] = ping('success')
    expect(second!.scheduledAt).toBeGreaterThan(first!.scheduledAt)
    expect(second!.durationMs).toBeGreaterThanOrEqual(0)
    expect(runUntil(T0 + DAY)).toEqual([])
  })

  it('does not raise a miss when the clock jumps past a deadline (the hub was not watching)', () => {
    const { clock, monitor, runUntil } = setup()
    runUntil(T0 + DAY)
    // Suspended for five hours, across the deadline at T0 + 1d + 2h.
    clock.advance(5 * HOUR)
    expect(monitor.tick()).toEqual([])
    const resumedAt = clock.now()
    expect(runUntil(resumedAt + 2 * HOUR)).toEqual([])
    expect(runUntil(resumedAt + 2 * HOUR + SEC).map((r) => r.scheduledAt)).toEqual([
      resumedAt + 2 * HOUR,
    ])
  })

  it('resumes after a restart from saved memory without a false miss', () => {
    const first = setup()
    first.runUntil(T0 + 20 * HOUR)
    first.ping('success')
    const lastPingAt = first.clock.now()
    const saved = { backup: first.monitor.memory('backup')! }

    // The hub restarts ten minutes later: the next deadline still counts from the last ping.
    const clock = new ManualClock(lastPingAt + 10 * MIN)
    const second = setup(backup(), saved, clock)
    expect(second.monitor.status('backup')).toMatchObject({
      monitoredSince: T0,
      lastPing: { kind: 'success', at: lastPingAt },
      nextDeadline: lastPingAt + DAY + 2 * HOUR,
    })
    expect(second.runUntil(lastPingAt + DAY + 2 * HOUR)).toEqual([])
    expect(statuses(second.runUntil(lastPingAt + DAY + 2 * HOUR + SEC))).toEqual([
      ['down', 'HEARTBEAT_MISSED'],
    ])
  })

  it('gives the job a grace after a restart that spanned its deadline, and never repeats a down', () => {
    const first = setup()
    first.runUntil(T0 + DAY + 2 * HOUR + MIN)
    expect(first.results).toHaveLength(1)
    const saved = { backup: first.monitor.memory('backup')! }

    // Down for two days: the miss at T0 + 2d + 2h fell while the hub was not listening.
    const restartAt = T0 + 3 * DAY
    const second = setup(backup(), saved, new ManualClock(restartAt))
    expect(second.runUntil(restartAt + 2 * HOUR)).toEqual([])
    const [missed] = second.runUntil(restartAt + 2 * HOUR + SEC)
    expect(missed!.scheduledAt).toBe(restartAt + 2 * HOUR)
    expect(missed!.scheduledAt).toBeGreaterThan(first.results[0]!.scheduledAt)
  })

  it('counts from deploy time for a heartbeat that never pinged, also across restarts', () => {
    const first = setup()
    first.runUntil(T0 + HOUR)
    const saved = { backup: first.monitor.memory('backup')! }
    const second = setup(backup(), saved, new ManualClock(T0 + 2 * HOUR))
    expect(second.monitor.status('backup')!.nextDeadline).toBe(T0 + DAY + 2 * HOUR)
  })

  it('resumes an open run after a restart', () => {
    const first = setup()
    first.runUntil(T0 + HOUR)
    first.ping('start')
    const startedAt = first.clock.now()
    const saved = { backup: first.monitor.memory('backup')! }
    const second = setup(backup(), saved, new ManualClock(startedAt + 5 * MIN))
    second.runUntil(startedAt + 30 * MIN)
    expect(second.ping('success')[0]).toMatchObject({ status: 'up', durationMs: 30 * MIN })
  })

  it('ignores pings for checks it does not watch, and never watches disabled ones', () => {
    const clock = new ManualClock(T0)
    const monitor = new HeartbeatMonitor({ clock, configVersion: '1-x' })
    monitor.setChecks([backup({ enabled: false })])
    expect(monitor.ping('backup', { kind: 'success' })).toBeNull()
    expect(monitor.ping('other', { kind: 'success' })).toBeNull()
    clock.advance(30 * SEC)
    expect(monitor.tick()).toEqual([])
  })

  it('applies a changed period to a watched check without losing its last ping', () => {
    const { clock, monitor, runUntil, ping } = setup()
    runUntil(T0 + HOUR)
    ping('success')
    const at = clock.now()
    monitor.setChecks([backup({ every: '1h', grace: '5m' })])
    expect(monitor.status('backup')!.nextDeadline).toBe(at + HOUR + 5 * MIN)
  })
})
