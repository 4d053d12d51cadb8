/**
 * The heartbeat state machine: turns pings (success, start, fail) and the passing of
 * time into CheckResults, as if the hub were a probe in region 'hub'. It is pure: the
 * time comes from an injected clock, the hub calls `tick()` about once a second, and
 * what must survive a restart comes in and out as `HeartbeatMemory`.
 *
 * The rules, for a check with `every` and `grace`:
 * - no ping within `every` + `grace` of the last sign of life (any ping, or the time
 *   the check was deployed): one `down` at that deadline, then one more per further
 *   `every` while nothing comes, so availability shows the whole gap (the alert
 *   engine turns the repeats into one alert);
 * - a fail ping (or a non-zero exit code): `down` at once;
 * - a success ping: `up`; after a start ping, with the run's duration;
 * - a start ping with no success or fail within `grace`: `down` (a hung job).
 *
 * Deadlines are compared at one-second granularity, inclusive: a ping in the same
 * second as its deadline is on time. Time never runs backwards here: an event is
 * dated no earlier than the last one seen, and results of a check get strictly
 * increasing `scheduledAt`, which the alert engine requires.
 */
import { ulid } from 'ulid'
import { parseDuration } from '../../checks/duration.ts'
import { ERROR_CODES, type CheckResult } from '../../checks/result.ts'
import { HUB_REGION, type HeartbeatSpec } from '../../checks/spec.ts'
import type { Clock } from '../../lib/clock.ts'

/** What a job reports: it succeeded, it started, or it failed. */
export type PingKind = 'success' | 'start' | 'fail'

export interface Ping {
  kind: PingKind
  /** The exit code from `/ping/{token}/{exitCode}`. */
  exitCode?: number
  /** The request body, already cut to size. */
  message?: string
}

/** A ping as remembered: what it said and when it arrived (epoch ms). */
export interface ReceivedPing extends Ping {
  at: number
}

/** What the monitor needs to resume a heartbeat after a hub restart. */
export interface HeartbeatMemory {
  /** When the check was deployed (enabled): the first period counts from here. */
  monitoredSince: number
  /** The last ping of any kind. */
  lastPing: ReceivedPing | null
  /** When the open run started: a start ping not yet followed by success or fail. */
  runStartedAt: number | null
  /** `scheduledAt` of the last result produced, so a restart neither repeats a down nor reorders. */
  lastResultAt: number | null
}

/** Why the next deadline is due: nothing came at all, or a started run did not end. */
export type DeadlineReason = 'missed' | 'hung'

/** A heartbeat as the API shows it (without its token, which the monitor never sees). */
export interface HeartbeatStatus extends HeartbeatMemory {
  checkId: string
  /** When a down result is due if nothing arrives before (the whole second is allowed). */
  nextDeadline: number
  deadlineReason: DeadlineReason
}

export interface HeartbeatMonitorOptions {
  clock: Clock
  /** Stamped on every result as configVersion: the deploy the hub runs. */
  configVersion: string
  /**
   * A longer pause between two calls means the hub was not watching (suspended, or
   * its clock jumped forward): deadlines that fell in the pause move to `grace` after
   * it, since jobs could not reach the hub then. Default 60 s: far above the hub's
   * one-second tick, far below any sensible heartbeat period. Restarts are treated
   * the same way.
   */
  maxPauseMs?: number
}

const DEFAULT_MAX_PAUSE_MS = 60_000
/** How much of a fail ping's message goes into the error (and so into notifications). */
const ERROR_HINT_LENGTH = 200

interface Track {
  spec: HeartbeatSpec
  everyMs: number
  graceMs: number
  memory: HeartbeatMemory
  deadline: number
  reason: DeadlineReason
}

/** True once `deadline`'s whole second has passed at `now`. */
function overdue(deadline: number, now: number): boolean {
  return Math.floor(now / 1_000) > Math.floor(deadline / 1_000)
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * Watches heartbeats.
 *
 * @example
 * const monitor = new HeartbeatMonitor({ clock: systemClock, configVersion: '3-ab12cd34' })
 * monitor.setChecks(heartbeatSpecs, savedMemories)
 * store(monitor.ping('nightly-backup', { kind: 'success' })) // [{ status: 'up', ... }]
 * setInterval(() => store(monitor.tick()), 1_000)
 */
export class HeartbeatMonitor {
  readonly #clock: Clock
  #configVersion: string
  readonly #maxPauseMs: number
  #tracks = new Map<string, Track>()
  /** The latest time any call has seen; null before the first call (as after a restart). */
  #lastSeenAt: number | null = null

  constructor(options: HeartbeatMonitorOptions) {
    this.#clock = options.clock
    this.#configVersion = options.configVersion
    this.#maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS
  }

  /**
   * Watches these heartbeats (disabled ones are dropped). A check already watched keeps
   * its state; one with saved memory resumes from it; a new one counts its first period
   * from now. Deadlines already past for resumed checks move to `grace` from now: pings
   * sent while the hub was down were lost, and must not page anyone.
   */
  setChecks(specs: HeartbeatSpec[], saved: Record<string, HeartbeatMemory> = {}): void {
    const now = this.#observe()
    const next = new Map<string, Track>()
    for (const spec of specs) {
      if (!spec.enabled) continue
      const existing = this.#tracks.get(spec.id)
      const memory = existing?.memory ?? saved[spec.id] ?? fresh(now)
      const track = plan(spec, { ...memory })
      if (!existing) forgive(track, now)
      next.set(spec.id, track)
    }
    this.#tracks = next
  }

  /** Stamps results from now on with this deploy's version. */
  setConfigVersion(version: string): void {
    this.#configVersion = version
  }

  /**
   * Applies a ping to a watched check and returns the results it produces: first any
   * down that fell due before it (a late ping does not hide the miss), then its own.
   * Returns null when the check is not watched (unknown or disabled).
   */
  ping(checkId: string, ping: Ping): CheckResult[] | null {
    const now = this.#observe()
    const track = this.#tracks.get(checkId)
    if (!track) return null
    const results = this.#catchUp(track, now)
    const { memory } = track
    memory.lastPing = { ...ping, at: now }
    if (ping.kind === 'start') {
      memory.runStartedAt = now
      track.deadline = now + track.graceMs
      track.reason = 'hung'
      return results
    }
    const startedAt = memory.runStartedAt ?? now
    memory.runStartedAt = null
    track.deadline = now + track.everyMs + track.graceMs
    track.reason = 'missed'
    results.push(this.#result(track, now, startedAt, pingOutcome(ping)))
    return results
  }

  /** Produces the downs that fell due; call it about once a second. */
  tick(): CheckResult[] {
    const now = this.#observe()
    return [...this.#tracks.values()].flatMap((track) => this.#catchUp(track, now))
  }

  /** The state of a watched check, or undefined when it is not watched. */
  status(checkId: string): HeartbeatStatus | undefined {
    const track = this.#tracks.get(checkId)
    if (!track) return undefined
    return {
      checkId,
      ...structuredClone(track.memory),
      nextDeadline: track.deadline,
      deadlineReason: track.reason,
    }
  }

  /** What to save to resume `checkId` after a restart. */
  memory(checkId: string): HeartbeatMemory | undefined {
    const track = this.#tracks.get(checkId)
    return track ? structuredClone(track.memory) : undefined
  }

  /** The current time, never earlier than a time already seen; forgives a pause. */
  #observe(): number {
    const clockNow = this.#clock.now()
    const last = this.#lastSeenAt
    const now = last === null ? clockNow : Math.max(clockNow, last)
    if (last !== null && now - last > this.#maxPauseMs) {
      for (const track of this.#tracks.values()) forgive(track, now)
    }
    this.#lastSeenAt = now
    return now
  }

  /** The downs due at `now`: a hung run once, then a missed one per period. */
  #catchUp(track: Track, now: number): CheckResult[] {
    const results: CheckResult[] = []
    while (overdue(track.deadline, now)) {
      const at = track.deadline
      const { memory } = track
      if (track.reason === 'hung') {
        const runStartedAt = memory.runStartedAt ?? at
        memory.runStartedAt = null
        results.push(this.#result(track, at, runStartedAt, hungOutcome(track, runStartedAt)))
      } else {
        results.push(this.#result(track, at, at, missedOutcome(track, at)))
      }
      track.deadline = at + track.everyMs
      track.reason = 'missed'
    }
    return results
  }

  #result(track: Track, at: number, startedAt: number, outcome: Outcome): CheckResult {
    // Strictly after the previous result: the alert engine ignores one that is not.
    const scheduledAt = Math.max(at, (track.memory.lastResultAt ?? -1) + 1)
    track.memory.lastResultAt = scheduledAt
    return {
      id: ulid(scheduledAt),
      checkId: track.spec.id,
      kind: 'heartbeat',
      configVersion: this.#configVersion,
      probeId: HUB_REGION,
      region: HUB_REGION,
      scheduledAt,
      startedAt: Math.min(startedAt, scheduledAt),
      durationMs: Math.max(0, scheduledAt - startedAt),
      trigger: 'schedule',
      ...outcome,
    }
  }
}

type Outcome = Pick<CheckResult, 'status' | 'error' | 'assertions' | 'metrics' | 'message'>

function fresh(now: number): HeartbeatMemory {
  return { monitoredSince: now, lastPing: null, runStartedAt: null, lastResultAt: null }
}

/**
 * Builds a track from memory: a started run is due to end `grace` after its start;
 * otherwise a ping is due `every` + `grace` after the last sign of life, skipping the
 * periods whose downs were already produced before a restart.
 */
function plan(spec: HeartbeatSpec, memory: HeartbeatMemory): Track {
  const everyMs = parseDuration(spec.every)
  const graceMs = parseDuration(spec.grace)
  const base = { spec, everyMs, graceMs, memory }
  if (memory.runStartedAt !== null) {
    return { ...base, deadline: memory.runStartedAt + graceMs, reason: 'hung' }
  }
  const alive = Math.max(memory.lastPing?.at ?? -Infinity, memory.monitoredSince)
  let deadline = alive + everyMs + graceMs
  const reported = memory.lastResultAt
  if (reported !== null && reported >= deadline) {
    deadline += (Math.floor((reported - deadline) / everyMs) + 1) * everyMs
  }
  return { ...base, deadline, reason: 'missed' }
}

/** Gives the job `grace` from `now` when its deadline passed while the hub was not watching. */
function forgive(track: Track, now: number): void {
  if (overdue(track.deadline, now)) track.deadline = now + track.graceMs
}

function pingOutcome(ping: Ping): Outcome {
  const extra = {
    ...(ping.exitCode === undefined ? {} : { metrics: { exitCode: ping.exitCode } }),
    ...(ping.message ? { message: ping.message } : {}),
  }
  if (ping.kind === 'success') return { status: 'up', assertions: [], ...extra }
  const reported =
    ping.exitCode === undefined ? 'a fail ping' : `a ping with exit code ${ping.exitCode}`
  // The first line of what the job sent makes the alert say why, not only that it failed.
  const said = ping.message?.trim().split('\n')[0]?.slice(0, ERROR_HINT_LENGTH)
  return {
    status: 'down',
    error: {
      code: ERROR_CODES.HEARTBEAT_FAILED,
      message: `the job reported failure (${reported})${said ? `: ${said}` : ''}`,
    },
    assertions: [{ name: 'job', ok: false, expected: 'success', actual: reported }],
    ...extra,
  }
}

function missedOutcome(track: Track, deadline: number): Outcome {
  const { spec, memory } = track
  const last = memory.lastPing ? `last ping at ${iso(memory.lastPing.at)}` : 'no ping yet'
  return {
    status: 'down',
    error: {
      code: ERROR_CODES.HEARTBEAT_MISSED,
      message: `no ping by ${iso(deadline)} (every ${spec.every}, grace ${spec.grace}); ${last}`,
    },
    assertions: [{ name: 'ping', ok: false, expected: `a ping by ${iso(deadline)}`, actual: last }],
  }
}

function hungOutcome(track: Track, runStartedAt: number): Outcome {
  const { grace } = track.spec
  return {
    status: 'down',
    error: {
      code: ERROR_CODES.HEARTBEAT_HUNG,
      message: `the run started at ${iso(runStartedAt)} did not end within the ${grace} grace`,
    },
    assertions: [
      {
        name: 'run',
        ok: false,
        expected: `success or fail within ${grace} of the start`,
        actual: 'no end',
      },
    ],
  }
}
