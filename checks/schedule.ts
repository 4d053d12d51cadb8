/**
 * Turns a check's `every` into a node-cron 4 expression (six fields, seconds first),
 * evaluated in UTC, with a stable per-check offset: checks that share an interval
 * start at different seconds instead of all at :00, and one check always keeps
 * the same slot, across restarts and across probes.
 *
 * Cron can only repeat on steps that divide its field (60 s, 60 min, 24 h), so
 * `every` is rounded DOWN to the nearest interval it can express (see
 * {@link scheduleIntervalMs}). Rounding down means a check never runs less often than
 * its author asked, so alert timing (failAfter x every) is never slower than expected.
 */
import { createHash } from 'node:crypto'
import { parseDuration } from './duration.ts'

const SECOND = 1_000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Steps that divide 60 evenly, so a `start-59/step` field repeats with no gap at the wrap. */
const STEPS_OF_60 = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30]
/** Steps that divide 24 evenly, for the hour field. */
const STEPS_OF_24 = [1, 2, 3, 4, 6, 8, 12]

/** Every interval a cron expression can repeat on exactly, ascending, in ms. */
const REPRESENTABLE_MS = [
  ...STEPS_OF_60.map((step) => step * SECOND),
  ...STEPS_OF_60.map((step) => step * MINUTE),
  ...STEPS_OF_24.map((step) => step * HOUR),
  DAY,
]

/**
 * The interval a check really runs on: `every` rounded down to the nearest interval
 * cron can express exactly. Intervals below 1s run every second; above 1d, daily.
 *
 * Representable intervals: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 seconds or minutes;
 * 1, 2, 3, 4, 6, 8, 12 hours; 1 day.
 * @example scheduleIntervalMs('7s') // 6_000
 * @example scheduleIntervalMs('90s') // 60_000
 * @example scheduleIntervalMs('45m') // 1_800_000
 * @throws Error when `every` is not a duration
 */
export function scheduleIntervalMs(every: string): number {
  const wanted = parseDuration(every)
  let chosen = REPRESENTABLE_MS[0]!
  for (const interval of REPRESENTABLE_MS) {
    if (interval <= wanted) chosen = interval
  }
  return chosen
}

/**
 * The check's stable offset inside one period, in ms: a whole number of seconds in
 * `[0, periodMs)` derived from a SHA-256 of the id, so it is the same on every probe
 * and every restart. Periods under 1s have no room for an offset and get 0.
 * @example offsetFor('api', 60_000) // 17_000: the check runs at hh:mm:17
 */
export function offsetFor(checkId: string, periodMs: number): number {
  const slots = Math.floor(periodMs / SECOND)
  if (slots <= 1) return 0
  // 48 bits of the hash keep the modulo bias far below anything measurable.
  const hash = createHash('sha256').update(checkId).digest().readUIntBE(0, 6)
  return (hash % slots) * SECOND
}

/**
 * The node-cron expression (seconds field first, to be scheduled with
 * `timezone: 'UTC'`) that runs a check every `every`, rounded down as described in
 * {@link scheduleIntervalMs}, at its stable offset.
 *
 * Steps are written as `start-end/step` ranges because node-cron 4 rejects the
 * shorter `start/step` form.
 * @example cronFor('api', '1m') // '17 * * * * *'
 * @example cronFor('api', '10s') // '7-59/10 * * * * *'
 * @example cronFor('api', '5m') // '17 3-59/5 * * * *'
 * @example cronFor('api', '1d') // '17 18 0 * * *'
 * @throws Error when `every` is not a duration
 */
export function cronFor(checkId: string, every: string): string {
  const period = scheduleIntervalMs(every)
  const offset = offsetFor(checkId, period)
  const second = Math.floor(offset / SECOND) % 60
  const minute = Math.floor(offset / MINUTE) % 60
  const hour = Math.floor(offset / HOUR)

  if (period === SECOND) return '* * * * * *'
  if (period < MINUTE) return `${second}-59/${period / SECOND} * * * * *`
  if (period === MINUTE) return `${second} * * * * *`
  if (period < HOUR) return `${second} ${minute}-59/${period / MINUTE} * * * *`
  if (period === HOUR) return `${second} ${minute} * * * *`
  if (period < DAY) return `${second} ${minute} ${hour}-23/${period / HOUR} * * *`
  return `${second} ${minute} ${hour} * * *`
}

/**
 * The first time strictly after `afterMs` (epoch ms) at which the check is due, the
 * same instant the cron expression from {@link cronFor} fires in UTC. Every
 * representable interval divides a day, so runs are aligned to UTC midnight and
 * plain arithmetic gives the answer.
 * @example nextRunAfter('api', '1m', Date.UTC(2026, 0, 1, 12, 0, 30)) // Date.UTC(2026, 0, 1, 12, 1, 17)
 */
export function nextRunAfter(checkId: string, every: string, afterMs: number): number {
  const period = scheduleIntervalMs(every)
  const offset = offsetFor(checkId, period)
  return (Math.floor((afterMs - offset) / period) + 1) * period + offset
}
