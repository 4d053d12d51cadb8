/**
 * Rolls the engine's state changes into time per state, per minute: for each check as a
 * whole (its quorum verdict) and each of its series (regions, or probes for host
 * checks). A minute is written once it has closed, with the time inside maintenance
 * windows moved to `maintenance`; the check's own minutes also become SLI slices (valid
 * with a verdict, bad when DOWN covers at least half of it: minute-slice.ts) for the SLOs.
 *
 * Time the hub did not see (it was stopped) is not written at all: a restarted hub
 * starts counting again at its start, so no minute is ever counted twice.
 */
import type { Clock } from '../../lib/clock.ts'
import type { StateChange } from '../alerts/alert-state.ts'
import type { TimeWindow } from '../views/availability.ts'
import { openSliceOf, sliceOf, type Slice } from './minute-slice.ts'
import { STATE_COUNT } from './rollup-cell.ts'
import { OVERALL_SERIES } from './rollup-schema.ts'
import type { RollupStore, TimeSample } from './rollup-store.ts'

const MIN = 60_000
const MAINTENANCE = 6

/** Where each engine state goes in StateTime (STATE_TIME_KEYS order). */
const STATE_INDEX: Record<string, number> = {
  up: 0,
  passing: 0,
  degraded: 1,
  partial: 2,
  down: 3,
  failing: 3,
  insufficient: 4,
  unknown: 5,
  inconclusive: 5,
  offline: 5,
}

export type { Slice } from './minute-slice.ts'

/** What the roller must know of a deployed check. */
export interface RolledCheck {
  id: string
  tags: string[]
  /** Its configured series (regions); host checks' probes are added as they report. */
  series: string[]
}

export interface StateRollerOptions {
  rollups: RollupStore
  clock: Clock
  /** The check's maintenance windows within [from, to). Default: none. */
  maintenance?: (check: { id: string; tags: string[] }, from: number, to: number) => TimeWindow[]
  /** Each closed minute of a check as a whole, in order. Must not throw. */
  onMinute?: (checkId: string, minute: number, slice: Slice) => void
  /** Every change of a check's status, for the status log. Must not throw. */
  onStatus?: (checkId: string, status: string, at: number) => void
  /** Samples written per tick at most, so a minute's writes spread over a few ticks. Default 2,000. */
  writeChunk?: number
}

interface Track {
  checkId: string
  series: string
  state: number
  minute: number
  lastAt: number
  /** [from, to, state] pieces of the open minute. */
  pieces: [number, number, number][]
}

/**
 * @example
 * const roller = new StateRoller({ rollups, clock, maintenance, onMinute: slo.minute })
 * roller.setChecks(checks, (id) => engine.state(id))
 * engine = new AlertEngine({ ..., onStateChange: (c) => roller.change(c) })
 * setInterval(() => roller.tick(), 1_000)
 */
export class StateRoller {
  readonly #options: StateRollerOptions
  readonly #tracks = new Map<string, Track>()
  #checks = new Map<string, RolledCheck>()
  readonly #pending: TimeSample[] = []

  constructor(options: StateRollerOptions) {
    this.#options = options
  }

  /**
   * Follows the deployed checks from now on, in the state the engine has them now; a
   * check that is no longer deployed has its open minute written and is dropped.
   */
  setChecks(
    checks: RolledCheck[],
    current: (checkId: string) => { status: string; regions: Record<string, string> },
  ): void {
    const now = this.#options.clock.now()
    this.#checks = new Map(checks.map((check) => [check.id, check]))
    for (const [key, track] of this.#tracks) {
      const check = this.#checks.get(track.checkId)
      const kept =
        check &&
        (track.series === OVERALL_SERIES ||
          check.series.length === 0 ||
          check.series.includes(track.series))
      if (kept) continue
      this.#advance(track, now)
      this.#closeOpenMinute(track, now)
      this.#tracks.delete(key)
    }
    for (const check of checks) {
      const state = current(check.id)
      this.#ensure(check.id, OVERALL_SERIES, state.status, now)
      for (const series of new Set([...check.series, ...Object.keys(state.regions)])) {
        this.#ensure(check.id, series, state.regions[series] ?? 'unknown', now)
      }
    }
  }

  /** Takes one change from the engine. */
  change(change: StateChange): void {
    const series = change.series ?? OVERALL_SERIES
    if (!this.#checks.has(change.checkId)) return
    const track = this.#ensure(change.checkId, series, change.state, change.at)
    this.#advance(track, change.at)
    track.state = STATE_INDEX[change.state] ?? STATE_INDEX.unknown!
    if (series === OVERALL_SERIES) this.#options.onStatus?.(change.checkId, change.state, change.at)
  }

  /** Closes every minute that ended by now and writes a chunk of what is pending. */
  tick(): void {
    const now = this.#options.clock.now()
    for (const track of this.#tracks.values()) this.#advance(track, now)
    this.#write(this.#options.writeChunk ?? 2_000)
  }

  /** Writes everything, the open minutes included (up to now): the hub is stopping. */
  flush(): void {
    const now = this.#options.clock.now()
    for (const track of this.#tracks.values()) {
      this.#advance(track, now)
      this.#closeOpenMinute(track, now)
    }
    this.#write(Infinity)
  }

  /**
   * The open minute of a check so far: valid once it has judged time, bad only once it
   * must close bad (openSliceOf), so the SLO engine never pages on a minute that then
   * closes good.
   */
  openMinute(checkId: string): Slice | null {
    const track = this.#tracks.get(`${checkId}\u0000${OVERALL_SERIES}`)
    if (!track) return null
    const now = this.#options.clock.now()
    const pieces = [...track.pieces, [track.lastAt, now, track.state] as [number, number, number]]
    const end = track.minute + MIN
    const time = this.#split(track, pieces, track.minute, end)
    return openSliceOf(time, Math.max(0, end - Math.max(now, track.lastAt)))
  }

  #ensure(checkId: string, series: string, state: string, at: number): Track {
    const key = `${checkId}\u0000${series}`
    let track = this.#tracks.get(key)
    if (!track) {
      track = {
        checkId,
        series,
        state: STATE_INDEX[state] ?? STATE_INDEX.unknown!,
        minute: Math.floor(at / MIN) * MIN,
        lastAt: at,
        pieces: [],
      }
      this.#tracks.set(key, track)
    }
    return track
  }

  /** Attributes [lastAt, until) to the track's state, closing each minute it passes. */
  #advance(track: Track, until: number): void {
    while (track.lastAt < until) {
      const minuteEnd = track.minute + MIN
      const to = Math.min(until, minuteEnd)
      track.pieces.push([track.lastAt, to, track.state])
      track.lastAt = to
      if (to === minuteEnd) {
        this.#emit(track, minuteEnd)
        track.minute = minuteEnd
        track.pieces = []
      }
    }
  }

  #closeOpenMinute(track: Track, now: number): void {
    if (track.pieces.length === 0) return
    this.#emit(track, now)
    track.pieces = []
  }

  #emit(track: Track, end: number): void {
    const time = this.#split(track, track.pieces, track.minute, end)
    const slice = sliceOf(time)
    this.#pending.push({
      checkId: track.checkId,
      series: track.series,
      minute: track.minute,
      time,
      ...slice,
    })
    if (track.series === OVERALL_SERIES)
      this.#options.onMinute?.(track.checkId, track.minute, slice)
  }

  /** Time per state over the pieces, with time inside maintenance moved to maintenance. */
  #split(track: Track, pieces: [number, number, number][], from: number, to: number): number[] {
    const time = new Array<number>(STATE_COUNT).fill(0)
    const check = this.#checks.get(track.checkId)
    const windows =
      check && this.#options.maintenance ? this.#options.maintenance(check, from, to) : []
    for (const [start, end, state] of pieces) {
      let inside = 0
      for (const w of windows) inside += Math.max(0, Math.min(end, w.to) - Math.max(start, w.from))
      inside = Math.min(inside, end - start)
      time[state]! += end - start - inside
      time[MAINTENANCE]! += inside
    }
    return time
  }

  #write(limit: number): void {
    if (this.#pending.length === 0) return
    const chunk = this.#pending.splice(0, Math.min(limit, this.#pending.length))
    this.#options.rollups.addTime(chunk)
  }
}
