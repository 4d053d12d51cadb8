/**
 * Runs each assigned check at its due seconds and applies config changes as add, update
 * and remove, so an unchanged check keeps its place across deploys.
 *
 * A check is due at the instants checks/schedule.ts gives (`nextRunAfter`: its interval
 * in UTC with a stable per-check offset, the same instants its cron expression names).
 * Every interval divides a day, so plain arithmetic finds the next one, and the checks
 * due at the same second share one bucket: one timer for the whole probe, armed for the
 * earliest bucket, instead of a cron task and a timer per check whose date matching cost
 * more CPU than the runs at 1,000 checks.
 */
import type { ProbeCheck } from '../checks/bundle.ts'
import { nextRunAfter } from '../checks/schedule.ts'
import type { Logger } from '../lib/logger.ts'

export type Tick = (check: ProbeCheck, scheduledAt: number) => Promise<void>

interface Entry {
  check: ProbeCheck
  fingerprint: string
  /** When it is next due (epoch ms); the bucket it sits in. */
  dueAt: number
  /** Set when the check is removed or replaced: its bucket skips it. */
  gone: boolean
}

export interface ScheduleChange {
  added: string[]
  updated: string[]
  removed: string[]
}

/** What the scheduler needs of time; tests pass fake timers. */
export interface SchedulerClock {
  now(): number
  setTimeout(callback: () => void, ms: number): NodeJS.Timeout
  clearTimeout(timer: NodeJS.Timeout): void
}

const SYSTEM_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer),
}

export class Scheduler {
  private readonly entries = new Map<string, Entry>()
  /** Entries by the second they are due; a bucket may hold entries since gone. */
  private readonly buckets = new Map<number, Entry[]>()
  /** The buckets' due times, a binary min-heap. */
  private readonly times: number[] = []
  private timer: NodeJS.Timeout | undefined
  private timerAt = Number.POSITIVE_INFINITY

  constructor(
    private readonly tick: Tick,
    private readonly logger: Logger,
    private readonly clock: SchedulerClock = SYSTEM_CLOCK,
  ) {}

  /** Makes the scheduled set equal to `checks`. */
  apply(checks: ProbeCheck[]): ScheduleChange {
    const change: ScheduleChange = { added: [], updated: [], removed: [] }
    const wanted = new Map(checks.map((check) => [check.id, check]))
    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) {
        entry.gone = true
        this.entries.delete(id)
        change.removed.push(id)
      }
    }
    const now = this.clock.now()
    for (const check of checks) {
      const fingerprint = JSON.stringify(check)
      const existing = this.entries.get(check.id)
      if (existing?.fingerprint === fingerprint) continue
      if (existing) existing.gone = true
      const entry: Entry = {
        check,
        fingerprint,
        dueAt: nextRunAfter(check.id, check.every, now),
        gone: false,
      }
      this.entries.set(check.id, entry)
      this.enqueue(entry)
      ;(existing ? change.updated : change.added).push(check.id)
    }
    this.arm()
    return change
  }

  scheduled(): ProbeCheck[] {
    return [...this.entries.values()].map((entry) => entry.check)
  }

  stop(): void {
    for (const entry of this.entries.values()) entry.gone = true
    this.entries.clear()
    this.buckets.clear()
    this.times.length = 0
    if (this.timer) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
  }

  /** Runs every bucket that is due, puts each check in its next bucket, and re-arms. */
  private fire(): void {
    this.timer = undefined
    this.timerAt = Number.POSITIVE_INFINITY
    const now = this.clock.now()
    while (this.times.length > 0 && this.times[0]! <= now) {
      const dueAt = this.popTime()
      const bucket = this.buckets.get(dueAt) ?? []
      this.buckets.delete(dueAt)
      for (const entry of bucket) {
        if (entry.gone) continue
        // From now, not from dueAt: slots missed while the process stood still are
        // skipped, and the late one runs once, stamped with the second it was due.
        entry.dueAt = nextRunAfter(entry.check.id, entry.check.every, now)
        this.enqueue(entry)
        this.run(entry.check, dueAt)
      }
    }
    this.arm()
  }

  private run(check: ProbeCheck, scheduledAt: number): void {
    this.tick(check, scheduledAt).catch((error: unknown) =>
      this.logger.error({ err: error, checkId: check.id }, 'check run failed unexpectedly'),
    )
  }

  private enqueue(entry: Entry): void {
    const bucket = this.buckets.get(entry.dueAt)
    if (bucket) bucket.push(entry)
    else {
      this.buckets.set(entry.dueAt, [entry])
      this.pushTime(entry.dueAt)
    }
  }

  /** Keeps one timer, for the earliest bucket. */
  private arm(): void {
    const first = this.times[0]
    if (first === undefined || first >= this.timerAt) return
    if (this.timer) this.clock.clearTimeout(this.timer)
    this.timerAt = first
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, first - this.clock.now()))
  }

  private pushTime(time: number): void {
    const heap = this.times
    heap.push(time)
    let index = heap.length - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (heap[parent]! <= time) break
      heap[index] = heap[parent]!
      index = parent
    }
    heap[index] = time
  }

  private popTime(): number {
    const heap = this.times
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length > 0) {
      let index = 0
      for (;;) {
        const left = 2 * index + 1
        if (left >= heap.length) break
        const right = left + 1
        const child = right < heap.length && heap[right]! < heap[left]! ? right : left
        if (heap[child]! >= last) break
        heap[index] = heap[child]!
        index = child
      }
      heap[index] = last
    }
    return top
  }
}
