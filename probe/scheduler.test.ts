import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ProbeCheck } from '../checks/bundle.ts'
import { nextRunAfter } from '../checks/schedule.ts'
import { checkSpecSchema } from '../checks/spec.ts'
import { silentLogger } from '../lib/logger.ts'
import { Scheduler } from './scheduler.ts'

const START = Date.UTC(2026, 0, 1, 12, 0, 0, 250)

function http(id: string, every = '10s', url = 'https://example.com/'): ProbeCheck {
  return checkSpecSchema.parse({ kind: 'http', id, url, every, regions: ['eu-west'] }) as ProbeCheck
}

function recorder() {
  const runs: Array<{ id: string; scheduledAt: number; at: number }> = []
  const tick = vi.fn(async (check: ProbeCheck, scheduledAt: number) => {
    runs.push({ id: check.id, scheduledAt, at: Date.now() })
  })
  return { runs, scheduler: new Scheduler(tick, silentLogger()) }
}

describe('Scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(START)
  })
  afterEach(() => vi.useRealTimers())

  it('runs each check at the instants of its schedule, stamped with the second it was due', async () => {
    const { runs, scheduler } = recorder()
    scheduler.apply([http('api'), http('web', '1m')])
    await vi.advanceTimersByTimeAsync(130_000)
    const expected = (id: string, every: string) => {
      const times: number[] = []
      for (let at = nextRunAfter(id, every, START); at <= START + 130_000;) {
        times.push(at)
        at = nextRunAfter(id, every, at)
      }
      return times
    }
    expect(runs.filter((run) => run.id === 'api').map((run) => run.scheduledAt)).toEqual(
      expected('api', '10s'),
    )
    expect(runs.filter((run) => run.id === 'web').map((run) => run.scheduledAt)).toEqual(
      expected('web', '1m'),
    )
    for (const run of runs) expect(run.at).toBe(run.scheduledAt)
    scheduler.stop()
  })

  it('keeps one timer however many checks it runs', () => {
    const { scheduler } = recorder()
    scheduler.apply(Array.from({ length: 500 }, (_, i) => http(`c${i}`, '1m')))
    expect(vi.getTimerCount()).toBe(1)
    scheduler.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('applies a new config as add, update and remove, and stops running what was removed', async () => {
    const { runs, scheduler } = recorder()
    expect(scheduler.apply([http('a'), http('b'), http('c')])).toEqual({
      added: ['a', 'b', 'c'],
      updated: [],
      removed: [],
    })
    expect(
      scheduler.apply([http('a'), http('b', '10s', 'https://example.org/'), http('d')]),
    ).toEqual({ added: ['d'], updated: ['b'], removed: ['c'] })
    expect(scheduler.scheduled().map((check) => check.id)).toEqual(['a', 'b', 'd'])
    await vi.advanceTimersByTimeAsync(30_000)
    expect(new Set(runs.map((run) => run.id))).toEqual(new Set(['a', 'b', 'd']))
    // The updated check runs once a slot, not once for its old entry and once for its new one.
    const bRuns = runs.filter((run) => run.id === 'b').map((run) => run.scheduledAt)
    expect(new Set(bRuns).size).toBe(bRuns.length)
    scheduler.stop()
  })

  it('runs a check whose timer came late once, then goes on from its next slot', async () => {
    const runs: number[] = []
    // The process stands still for 35 s past the first slot (a stopped VM, a blocked loop):
    // its timer fires when the clock already reads 35 s later.
    let standstill = 0
    const scheduler = new Scheduler(
      async (_check, scheduledAt) => {
        runs.push(scheduledAt)
      },
      silentLogger(),
      {
        now: () => Date.now() + standstill,
        setTimeout: (callback, ms) => setTimeout(callback, ms),
        clearTimeout: (timer) => clearTimeout(timer),
      },
    )
    scheduler.apply([http('api')])
    const first = nextRunAfter('api', '10s', START)
    await vi.advanceTimersByTimeAsync(first - START - 1)
    standstill = 35_000
    await vi.advanceTimersByTimeAsync(1)
    expect(runs).toEqual([first])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(runs).toEqual([first, nextRunAfter('api', '10s', first + 35_000)])
    scheduler.stop()
  })

  it('logs a run that throws and keeps the schedule', async () => {
    const logger = silentLogger()
    const error = vi.spyOn(logger, 'error')
    let calls = 0
    const scheduler = new Scheduler(async () => {
      calls += 1
      throw new Error('boom')
    }, logger)
    scheduler.apply([http('api')])
    await vi.advanceTimersByTimeAsync(25_000)
    expect(calls).toBeGreaterThanOrEqual(2)
    expect(error).toHaveBeenCalled()
    scheduler.stop()
  })
})
