/**
 * Keeps a page's history cheap to serve: a finished UTC day or hour changes only when
 * late results or a backfill touch it, so they are kept for a few minutes, while the
 * current day or hour is read again after half a minute. A page is cached by browsers
 * and proxies for 30 s anyway; this keeps a hub with thousands of checks answering in
 * milliseconds without changing what the page says by more than that.
 */
import { DAY_MS, HOUR_MS, type CheckMinutes, type DailyHistory, type Span } from './history.ts'

export interface CacheTimes {
  /** How long finished buckets and past DOWN spans are kept. */
  pastMs: number
  /** How long the current bucket (and today's DOWN spans) is kept. */
  currentMs: number
}

/**
 * Rollups gain time only as minutes close, and a public page is cached 30 s by browsers
 * and proxies, so the current bucket is read again after 30 s; the hub's status-page pass
 * (every 5 s) rebuilds each page, which keeps this warm off the request path.
 */
export const DEFAULT_CACHE_TIMES: CacheTimes = { pastMs: 5 * 60_000, currentMs: 30_000 }

interface Entry<T> {
  at: number
  value: T
}

export class CachedHistory implements DailyHistory {
  readonly #inner: DailyHistory
  readonly #now: () => number
  readonly #times: CacheTimes
  readonly #buckets = new Map<string, Entry<CheckMinutes[]>>()
  readonly #spans = new Map<string, Entry<Span[]>>()
  #prunedAt = 0
  #generation = 0

  constructor(inner: DailyHistory, now: () => number, times: CacheTimes = DEFAULT_CACHE_TIMES) {
    this.#inner = inner
    this.#now = now
    this.#times = times
  }

  /** Forgets everything, e.g. after a backfill. */
  clear(): void {
    this.#generation += 1
    this.#buckets.clear()
    this.#spans.clear()
  }

  /** Drops entries past their time, so keys of hours gone by do not pile up. */
  #prune(now: number): void {
    if (now - this.#prunedAt < this.#times.pastMs) return
    this.#prunedAt = now
    for (const map of [this.#buckets, this.#spans] as Map<string, Entry<unknown>>[]) {
      for (const [key, entry] of map) if (now - entry.at >= this.#times.pastMs) map.delete(key)
    }
  }

  #fresh<T>(entry: Entry<T> | undefined, ttl: number, now: number): entry is Entry<T> {
    return entry !== undefined && now - entry.at < ttl
  }

  /**
   * Each check's buckets of [from, to): the finished ones from the cache where fresh, the
   * current one read again after `currentMs`. Checks are read from the inner history
   * together, so a cold cache costs one pass.
   */
  #read(
    kind: 'day' | 'hour',
    checkIds: readonly string[],
    from: number,
    to: number,
  ): Map<string, CheckMinutes[]> {
    const now = this.#now()
    this.#prune(now)
    const size = kind === 'day' ? DAY_MS : HOUR_MS
    const current = Math.floor(now / size) * size
    const pastTo = Math.min(to, current)
    const out = new Map<string, CheckMinutes[]>()
    const stalePast: string[] = []
    const staleCurrent: string[] = []
    for (const id of checkIds) {
      const past = this.#buckets.get(`${kind}:${id}:${from}:${pastTo}`)
      if (!this.#fresh(past, this.#times.pastMs, now)) stalePast.push(id)
      if (to > current) {
        const cur = this.#buckets.get(`${kind}:${id}:${current}`)
        if (!this.#fresh(cur, this.#times.currentMs, now)) staleCurrent.push(id)
      }
    }
    const read = (ids: string[], lo: number, hi: number) =>
      ids.length === 0 || hi <= lo
        ? new Map<string, CheckMinutes[]>()
        : kind === 'day'
          ? this.#inner.days(ids, lo, hi)
          : this.#inner.hours(ids, lo, hi)
    const past = read(stalePast, from, pastTo)
    if (stalePast.length > 0 && pastTo > from) this.#generation += 1
    for (const id of stalePast) {
      this.#buckets.set(`${kind}:${id}:${from}:${pastTo}`, { at: now, value: past.get(id) ?? [] })
    }
    const cur = read(staleCurrent, current, current + size)
    for (const id of staleCurrent) {
      this.#buckets.set(`${kind}:${id}:${current}`, { at: now, value: cur.get(id) ?? [] })
    }
    for (const id of checkIds) {
      const rows = [...this.#buckets.get(`${kind}:${id}:${from}:${pastTo}`)!.value]
      if (to > current) rows.push(...this.#buckets.get(`${kind}:${id}:${current}`)!.value)
      if (rows.length > 0) out.set(id, rows)
    }
    return out
  }

  days(checkIds: readonly string[], from: number, to: number) {
    return this.#read('day', checkIds, from, to)
  }

  hours(checkIds: readonly string[], from: number, to: number) {
    return this.#read('hour', checkIds, from, to)
  }

  downSpans(checkIds: readonly string[], from: number, to: number): Map<string, Span[]> {
    const now = this.#now()
    const today = Math.floor(now / DAY_MS) * DAY_MS
    const out = new Map<string, Span[]>()
    const stale = checkIds.filter((id) => {
      const past = this.#spans.get(`${id}:${from}:${Math.min(to, today)}`)
      const current = this.#spans.get(`${id}:today:${today}`)
      return (
        !this.#fresh(past, this.#times.pastMs, now) ||
        (to > today && !this.#fresh(current, this.#times.currentMs, now))
      )
    })
    if (stale.length > 0) {
      const past = this.#inner.downSpans(stale, from, Math.min(to, today))
      const current = to > today ? this.#inner.downSpans(stale, today, to) : new Map()
      for (const id of stale) {
        this.#spans.set(`${id}:${from}:${Math.min(to, today)}`, {
          at: now,
          value: past.get(id) ?? [],
        })
        this.#spans.set(`${id}:today:${today}`, { at: now, value: current.get(id) ?? [] })
      }
    }
    for (const id of checkIds) {
      const past = this.#spans.get(`${id}:${from}:${Math.min(to, today)}`)?.value ?? []
      const current = to > today ? (this.#spans.get(`${id}:today:${today}`)?.value ?? []) : []
      out.set(id, [...past, ...current])
    }
    return out
  }

  generation(): number {
    return this.#generation
  }

  latencyP95(checkIds: readonly string[], from: number, to: number): number | null {
    return this.#inner.latencyP95(checkIds, from, to)
  }
}
