/**
 * A `DailyHistory` made from what the hub keeps today: confirmed outages (the alert
 * engine's quorum DOWN spans), maintenance windows, and when a check first reported.
 * It serves the page until the per-verdict day and hour rollups take over; it reads
 * spans, not runs, so its minutes do not depend on how often a check runs. It knows
 * no degraded time: degraded minutes count nothing towards uptime anyway.
 */
import type { Outage } from '../alerts/alert-state.ts'
import type { TimeWindow } from '../views/availability.ts'
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  type CheckMinutes,
  type DailyHistory,
  type Span,
} from './history.ts'

export interface OutageHistorySources {
  outages: (checkId: string, from: number, to: number) => Outage[]
  maintenanceWindows?: (
    check: { id: string; tags: string[] },
    from: number,
    to: number,
  ) => TimeWindow[]
  /** When the check's first result was measured, or null before any. */
  firstResultAt: (checkId: string) => number | null
  tagsOf: (checkId: string) => string[]
  /** Response times (ms) of the check's runs in [from, to), as many as are kept. */
  latencies?: (checkId: string, from: number, to: number) => number[]
  now: () => number
}

const floorMinute = (t: number) => Math.floor(t / MINUTE_MS) * MINUTE_MS
const ceilMinute = (t: number) => Math.ceil(t / MINUTE_MS) * MINUTE_MS

function minutesIn(spans: Span[], from: number, to: number): number {
  let total = 0
  for (const s of spans) total += Math.max(0, Math.min(s.end, to) - Math.max(s.start, from))
  return Math.round(total / MINUTE_MS)
}

/** Removes `cut` from `spans`; both lists sorted and without overlaps. */
function subtract(spans: Span[], cut: Span[]): Span[] {
  let out = spans
  for (const c of cut) {
    out = out.flatMap((s) => {
      if (c.end <= s.start || c.start >= s.end) return [s]
      const parts: Span[] = []
      if (c.start > s.start) parts.push({ start: s.start, end: c.start })
      if (c.end < s.end) parts.push({ start: c.end, end: s.end })
      return parts
    })
  }
  return out
}

export class OutageHistory implements DailyHistory {
  readonly #sources: OutageHistorySources
  /** A check's first result never moves once there is one. */
  readonly #first = new Map<string, number>()

  constructor(sources: OutageHistorySources) {
    this.#sources = sources
  }

  #maintenance(checkId: string, from: number, to: number): Span[] {
    const windows =
      this.#sources.maintenanceWindows?.(
        { id: checkId, tags: this.#sources.tagsOf(checkId) },
        from,
        to,
      ) ?? []
    return windows.map((w) => ({ start: floorMinute(w.from), end: ceilMinute(w.to) }))
  }

  #down(checkId: string, from: number, to: number): Span[] {
    const now = this.#sources.now()
    return this.#sources
      .outages(checkId, from, to)
      .map((o) => ({ start: floorMinute(o.startedAt), end: ceilMinute(o.endedAt ?? now) }))
      .sort((a, b) => a.start - b.start)
  }

  #buckets(checkIds: readonly string[], from: number, to: number, size: number) {
    const out = new Map<string, CheckMinutes[]>()
    const end = Math.min(to, ceilMinute(this.#sources.now()))
    for (const id of checkIds) {
      let first = this.#first.get(id) ?? null
      if (first === null) {
        first = this.#sources.firstResultAt(id)
        if (first !== null) this.#first.set(id, first)
      }
      if (first === null || first >= end) continue
      const seenFrom = floorMinute(first)
      const maintenance = this.#maintenance(id, from, end)
      const down = subtract(this.#down(id, from, end), maintenance)
      const rows: CheckMinutes[] = []
      for (let start = from; start < end; start += size) {
        const lo = Math.max(start, seenFrom)
        const hi = Math.min(start + size, end)
        if (hi <= lo) continue
        const total = Math.round((hi - lo) / MINUTE_MS)
        const inMaintenance = minutesIn(maintenance, lo, hi)
        const isDown = Math.min(minutesIn(down, lo, hi), total - inMaintenance)
        rows.push({
          start,
          up: total - inMaintenance - isDown,
          degraded: 0,
          down: isDown,
          maintenance: inMaintenance,
        })
      }
      out.set(id, rows)
    }
    return out
  }

  days(checkIds: readonly string[], from: number, to: number): Map<string, CheckMinutes[]> {
    return this.#buckets(checkIds, from, to, DAY_MS)
  }

  hours(checkIds: readonly string[], from: number, to: number): Map<string, CheckMinutes[]> {
    return this.#buckets(checkIds, from, to, HOUR_MS)
  }

  downSpans(checkIds: readonly string[], from: number, to: number): Map<string, Span[]> {
    return new Map(
      checkIds.map((id) => [
        id,
        subtract(this.#down(id, from, to), this.#maintenance(id, from, to)),
      ]),
    )
  }

  latencyP95(checkIds: readonly string[], from: number, to: number): number | null {
    const all = checkIds.flatMap((id) => this.#sources.latencies?.(id, from, to) ?? [])
    if (all.length === 0) return null
    all.sort((a, b) => a - b)
    return all[Math.min(all.length - 1, Math.ceil(all.length * 0.95) - 1)]!
  }
}
