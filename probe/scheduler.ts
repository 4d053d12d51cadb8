/**
 * Runs each assigned check on its node-cron schedule (UTC, seconds field, a stable
 * per-check offset) and applies config changes as add, update and remove, so an
 * unchanged check keeps its timer across deploys.
 */
import cron, { type ScheduledTask } from 'node-cron'
import type { ProbeCheck } from '../checks/bundle.ts'
import { cronFor } from '../checks/schedule.ts'
import type { Logger } from '../lib/logger.ts'

export type Tick = (check: ProbeCheck, scheduledAt: number) => Promise<void>

interface Entry {
  check: ProbeCheck
  fingerprint: string
  task: ScheduledTask
}

export interface ScheduleChange {
  added: string[]
  updated: string[]
  removed: string[]
}

export class Scheduler {
  private readonly entries = new Map<string, Entry>()

  constructor(
    private readonly tick: Tick,
    private readonly logger: Logger,
  ) {}

  /** Makes the scheduled set equal to `checks`. */
  apply(checks: ProbeCheck[]): ScheduleChange {
    const change: ScheduleChange = { added: [], updated: [], removed: [] }
    const wanted = new Map(checks.map((check) => [check.id, check]))
    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) {
        void entry.task.destroy()
        this.entries.delete(id)
        change.removed.push(id)
      }
    }
    for (const check of checks) {
      const fingerprint = JSON.stringify(check)
      const existing = this.entries.get(check.id)
      if (existing?.fingerprint === fingerprint) continue
      if (existing) void existing.task.destroy()
      this.entries.set(check.id, { check, fingerprint, task: this.schedule(check) })
      ;(existing ? change.updated : change.added).push(check.id)
    }
    return change
  }

  scheduled(): ProbeCheck[] {
    return [...this.entries.values()].map((entry) => entry.check)
  }

  stop(): void {
    for (const entry of this.entries.values()) void entry.task.destroy()
    this.entries.clear()
  }

  private schedule(check: ProbeCheck): ScheduledTask {
    const expression = cronFor(check.id, check.every)
    return cron.schedule(
      expression,
      async (context) => {
        // The matched cron time, truncated to the second, is when the run was due:
        // it keeps results aligned to the schedule even if the event loop was late.
        const scheduledAt = Math.floor(context.date.getTime() / 1_000) * 1_000
        try {
          await this.tick(check, scheduledAt)
        } catch (error) {
          this.logger.error({ err: error, checkId: check.id }, 'check run failed unexpectedly')
        }
      },
      { name: `check:${check.id}`, timezone: 'UTC', noOverlap: true, suppressMissedWarning: true },
    )
  }
}
