import { parse, schedule, validate } from 'node-cron'
import { describe, expect, it } from 'vitest'
import { cronFor, nextRunAfter, offsetFor, scheduleIntervalMs } from './schedule.ts'

const SUPPORTED = [
  ...['1s', '2s', '3s', '4s', '5s', '6s', '10s', '12s', '15s', '20s', '30s'],
  ...['1m', '2m', '3m', '4m', '5m', '6m', '10m', '12m', '15m', '20m', '30m'],
  ...['1h', '2h', '3h', '4h', '6h', '8h', '12h', '1d'],
]
const IDS = ['api', 'web-home', 'db.primary', 'a', 'z_9']
const DAY_S = 86_400

/** The seconds of a UTC day at which node-cron's own parser says the expression fires. */
function firingSecondsOfDay(expression: string): number[] {
  const fields = parse(expression)
  expect(fields.dayOfMonth).toHaveLength(31)
  expect(fields.month).toHaveLength(12)
  expect(fields.dayOfWeek.length).toBeGreaterThanOrEqual(7)
  const seconds: number[] = []
  for (const hour of fields.hour) {
    for (const minute of fields.minute) {
      for (const second of fields.second) seconds.push(hour * 3_600 + minute * 60 + second)
    }
  }
  return seconds.sort((a, b) => a - b)
}

describe('scheduleIntervalMs', () => {
  it('keeps intervals cron can express', () => {
    expect(scheduleIntervalMs('10s')).toBe(10_000)
    expect(scheduleIntervalMs('5m')).toBe(300_000)
    expect(scheduleIntervalMs('1h')).toBe(3_600_000)
    expect(scheduleIntervalMs('1d')).toBe(86_400_000)
  })

  it('rounds other intervals down to the nearest one cron can express', () => {
    expect(scheduleIntervalMs('7s')).toBe(6_000)
    expect(scheduleIntervalMs('45s')).toBe(30_000)
    expect(scheduleIntervalMs('90s')).toBe(60_000)
    expect(scheduleIntervalMs('7m')).toBe(360_000)
    expect(scheduleIntervalMs('1h30m')).toBe(3_600_000)
    expect(scheduleIntervalMs('5h')).toBe(4 * 3_600_000)
  })

  it('clamps below one second and above one day', () => {
    expect(scheduleIntervalMs('250ms')).toBe(1_000)
    expect(scheduleIntervalMs('3d')).toBe(86_400_000)
  })
})

describe('offsetFor', () => {
  it('is stable for a given id and period', () => {
    expect(offsetFor('api', 60_000)).toBe(offsetFor('api', 60_000))
    expect(offsetFor('api', 60_000)).toBe(17_000)
  })

  it('is a whole number of seconds inside the period', () => {
    for (const id of IDS) {
      for (const period of [2_000, 60_000, 300_000, 86_400_000]) {
        const offset = offsetFor(id, period)
        expect(offset % 1_000).toBe(0)
        expect(offset).toBeGreaterThanOrEqual(0)
        expect(offset).toBeLessThan(period)
      }
    }
  })

  it('is 0 when the period has no room for an offset', () => {
    expect(offsetFor('api', 1_000)).toBe(0)
    expect(offsetFor('api', 500)).toBe(0)
  })

  it('spreads many checks with the same interval across the period', () => {
    const counts = new Array<number>(60).fill(0)
    for (let i = 0; i < 6_000; i++) counts[offsetFor(`check-${i}`, 60_000) / 1_000]! += 1
    // 100 per second on average; a hash that spreads well stays far from 0 and from 2x.
    expect(Math.min(...counts)).toBeGreaterThan(60)
    expect(Math.max(...counts)).toBeLessThan(140)
  })
})

describe('cronFor', () => {
  it('writes the documented shapes', () => {
    expect(cronFor('api', '1s')).toBe('* * * * * *')
    expect(cronFor('api', '10s')).toBe('7-59/10 * * * * *')
    expect(cronFor('api', '1m')).toBe('17 * * * * *')
    expect(cronFor('api', '5m')).toBe('17 3-59/5 * * * *')
    expect(cronFor('api', '1h')).toBe('17 18 * * * *')
    expect(cronFor('api', '2h')).toBe('17 18 0-23/2 * * *')
    expect(cronFor('api', '1d')).toBe('17 18 0 * * *')
  })

  it('is stable for a given check', () => {
    expect(cronFor('web-home', '5m')).toBe(cronFor('web-home', '5m'))
  })

  it('produces expressions node-cron accepts, for every supported and rounded interval', () => {
    for (const every of [...SUPPORTED, '7s', '45s', '90s', '7m', '5h', '36h', '250ms']) {
      for (const id of IDS) expect(validate(cronFor(id, every)), `${id} ${every}`).toBe(true)
    }
  })

  it('fires exactly once per interval, at the check offset, by node-cron own parser', () => {
    for (const every of SUPPORTED) {
      for (const id of IDS) {
        const period = scheduleIntervalMs(every) / 1_000
        const offset = offsetFor(id, period * 1_000) / 1_000
        const expected = Array.from({ length: DAY_S / period }, (_, k) => offset + k * period)
        expect(firingSecondsOfDay(cronFor(id, every)), `${id} ${every}`).toEqual(expected)
      }
    }
  })
})

describe('nextRunAfter', () => {
  const noon = Date.UTC(2026, 0, 1, 12, 0, 0)

  it('returns the next due time strictly after the given time', () => {
    expect(nextRunAfter('api', '1m', noon + 30_000)).toBe(Date.UTC(2026, 0, 1, 12, 1, 17))
    expect(nextRunAfter('api', '1m', noon)).toBe(Date.UTC(2026, 0, 1, 12, 0, 17))
    expect(nextRunAfter('api', '1m', Date.UTC(2026, 0, 1, 12, 0, 17))).toBe(
      Date.UTC(2026, 0, 1, 12, 1, 17),
    )
  })

  it('lands on a second the cron expression fires at, one interval apart', () => {
    for (const every of SUPPORTED) {
      for (const id of IDS) {
        const firing = new Set(firingSecondsOfDay(cronFor(id, every)))
        const first = nextRunAfter(id, every, noon + 1_234)
        const second = nextRunAfter(id, every, first)
        expect(first).toBeGreaterThan(noon + 1_234)
        expect(second - first).toBe(scheduleIntervalMs(every))
        for (const due of [first, second]) {
          expect(firing.has((due / 1_000) % DAY_S), `${id} ${every}`).toBe(true)
        }
      }
    }
  })

  it('agrees with the next run node-cron itself schedules in UTC', async () => {
    for (const every of ['1s', '10s', '1m', '5m', '2h', '1d', '7m']) {
      const before = Date.now()
      const task = schedule(cronFor('api', every), () => {}, { timezone: 'UTC' })
      const next = task.getNextRun()?.getTime()
      const after = Date.now()
      await task.destroy()
      // The clock readings bracket node-cron's own; it may count a run due at that very ms.
      const candidates = [nextRunAfter('api', every, before - 1), nextRunAfter('api', every, after)]
      expect(candidates).toContain(next)
    }
  })
})
