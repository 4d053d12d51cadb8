import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../checks/result.ts'
import { ManualClock } from '../../../lib/clock.ts'
import type { ProbeInfo } from '../../../hub/probes/probe-info.ts'
import { EventQueue } from './event-queue.ts'
import { COMMAND_LATENCY_MS, RUN_MS, VirtualNetwork, type World } from './network.ts'
import { decodeTime } from 'ulid'
import { seededRandom, seededUlid } from './random.ts'
import { percentile } from './stats.ts'

const START = Date.UTC(2026, 0, 1)
const REGIONS = ['a', 'b', 'c']
const allUp: World = { isUp: () => true, probeOnline: () => true }

function network(world: World = allUp, phases: 'per-region' | 'shared' = 'per-region') {
  const clock = new ManualClock(START)
  const delivered: { at: number; result: CheckResult }[] = []
  const seconds: { at: number; probes: ProbeInfo[] }[] = []
  const net = new VirtualNetwork({
    clock,
    random: seededRandom(7),
    regions: REGIONS,
    checkIds: ['x', 'y'],
    everyMs: 60_000,
    world,
    phases,
    deliver: (result) => delivered.push({ at: clock.now(), result }),
    onSecond: (probes) => seconds.push({ at: clock.now(), probes }),
  })
  return { clock, net, delivered, seconds }
}

describe('EventQueue', () => {
  it('pops events by time, and same-time events in the order they were queued', () => {
    const queue = new EventQueue()
    const order: string[] = []
    for (const [at, name] of [
      [5, 'e'],
      [1, 'a'],
      [3, 'c'],
      [3, 'd'],
      [2, 'b'],
    ] as const) {
      queue.schedule(at, () => order.push(name))
    }
    while (queue.size > 0) queue.next()!.fire()
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('refuses an event at a time that is not a number', () => {
    expect(() => new EventQueue().schedule(NaN, () => {})).toThrow(
      /cannot schedule an event at NaN/,
    )
  })
})

describe('seededUlid', () => {
  it('encodes the time as a ULID does and draws the rest from the seed', () => {
    const at = START + 12_345
    const id = seededUlid(at, seededRandom(1))
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(decodeTime(id)).toBe(at)
    expect(seededUlid(at, seededRandom(1))).toBe(id)
    expect(seededUlid(at, seededRandom(2))).not.toBe(id)
  })
})

describe('percentile', () => {
  it('interpolates between ranks and rejects empty input', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5)
    expect(percentile([1, 2, 3, 4, 5], 95)).toBeCloseTo(4.8)
    expect(() => percentile([], 50)).toThrow(/no values/)
  })
})

describe('VirtualNetwork', () => {
  it('runs every check in every region once a minute and delivers each result when its run ends', () => {
    const { net, delivered } = network()
    net.runUntil(START + 10 * 60_000)
    for (const region of REGIONS) {
      for (const checkId of ['x', 'y']) {
        const runs = delivered.filter(
          (d) => d.result.region === region && d.result.checkId === checkId,
        )
        expect(runs.length).toBeGreaterThanOrEqual(9)
        expect(runs.length).toBeLessThanOrEqual(10)
        const gaps = runs
          .slice(1)
          .map((run, i) => run.result.scheduledAt - runs[i]!.result.scheduledAt)
        expect(new Set(gaps)).toEqual(new Set([60_000]))
      }
    }
    for (const { at, result } of delivered) {
      expect(result).toMatchObject({
        status: 'up',
        trigger: 'schedule',
        probeId: `probe-${result.region}`,
      })
      expect(result.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
      expect(at - result.startedAt).toBe(result.durationMs)
      expect(result.durationMs).toBeGreaterThanOrEqual(RUN_MS.min)
      expect(result.durationMs).toBeLessThanOrEqual(RUN_MS.max)
    }
    expect(net.counts.schedule.a).toBe(delivered.filter((d) => d.result.region === 'a').length)
  })

  it('gives each region its own phase, or one shared phase per check', () => {
    const phasesOf = (phases: 'per-region' | 'shared') => {
      const { net, delivered } = network(allUp, phases)
      net.runUntil(START + 60_000)
      return new Set(
        delivered.filter((d) => d.result.checkId === 'x').map((d) => d.result.scheduledAt),
      )
    }
    expect(phasesOf('per-region').size).toBe(3)
    expect(phasesOf('shared').size).toBe(1)
  })

  it('answers a command with a confirm run now, and skips one that arrives mid-run', () => {
    const { clock, net, delivered } = network()
    net.runUntil(START + 60_000 + RUN_MS.max)
    // Half a minute after a scheduled run of x in b, so nothing of x runs there then.
    const firstRun = delivered.find((d) => d.result.region === 'b' && d.result.checkId === 'x')!
    const commandAt = firstRun.result.scheduledAt + 60_000 + 30_000
    net.runUntil(commandAt)
    const before = delivered.length
    net.command('probe-b', 'x')
    net.command('probe-b', 'x')
    net.runUntil(clock.now() + COMMAND_LATENCY_MS + RUN_MS.max)
    const confirms = delivered.slice(before).filter((d) => d.result.trigger === 'confirm')
    expect(confirms).toHaveLength(1)
    expect(confirms[0]!.result).toMatchObject({
      region: 'b',
      checkId: 'x',
      scheduledAt: commandAt + COMMAND_LATENCY_MS,
    })
    expect(net.counts.skipped).toBe(1)
    expect(net.counts.confirm.b).toBe(1)
    expect(() => net.command('probe-z', 'x')).toThrow(/no probe probe-z/)
  })

  it('lets the world decide up or down at the moment each run starts', () => {
    const downAfter = START + 5 * 60_000
    const { net, delivered } = network({
      isUp: ({ at }) => at < downAfter,
      probeOnline: () => true,
    })
    net.runUntil(START + 10 * 60_000)
    for (const { result } of delivered) {
      expect(result.status).toBe(result.startedAt < downAfter ? 'up' : 'down')
      if (result.status === 'down') expect(result.error?.code).toBe('CONNECT_TIMEOUT')
    }
  })

  it('reports the registry every second; a dead probe goes offline, keeps its lastSeen and sends nothing', () => {
    const diesAt = START + 3 * 60_000
    const { net, delivered, seconds } = network({
      isUp: () => true,
      probeOnline: (region, at) => region !== 'c' || at < diesAt,
    })
    net.runUntil(START + 6 * 60_000)
    expect(seconds).toHaveLength(6 * 60 + 1)
    expect(seconds.map((s) => s.at - START).slice(0, 3)).toEqual([0, 1_000, 2_000])
    const last = seconds.at(-1)!.probes.find((p) => p.region === 'c')!
    expect(last).toMatchObject({ probeId: 'probe-c', state: 'offline', lastSeen: diesAt - 1_000 })
    expect(delivered.filter((d) => d.result.region === 'c' && d.at >= diesAt)).toEqual([])
    expect(
      delivered.filter((d) => d.result.region === 'a' && d.at >= diesAt).length,
    ).toBeGreaterThan(0)
  })
})
