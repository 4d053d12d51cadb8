/**
 * The 90-day history of a status page's components, and its uptime arithmetic.
 *
 * The page reads per-check minutes by quorum verdict for each UTC day from a
 * `DailyHistory` (day and hour rollups), never raw results. A component's day is made
 * from its checks' days: with one check it is that check's day; with several, a minute is
 * a major outage when every check is DOWN and a partial outage when some are, so where
 * two or more checks were DOWN on the same day their DOWN spans are read to count the
 * overlap exactly.
 *
 * Uptime weights a major-outage minute 1.0, a partial-outage minute 0.3 and a degraded
 * minute 0, and leaves maintenance out. The 90-day figure is computed from the same
 * integer minutes as the bars, so the bars always add up to it.
 */

export const DAY_MS = 86_400_000
export const HOUR_MS = 3_600_000
export const MINUTE_MS = 60_000
/** Bars on a page, one per UTC day, the current day last. */
export const HISTORY_DAYS = 90

/** What a minute of each state costs the uptime. */
export const OUTAGE_WEIGHTS = { major: 1, partial: 0.3, degraded: 0 } as const

/** One check's minutes in one bucket (a UTC day or hour), by the hub's quorum verdict. */
export interface CheckMinutes {
  /** Start of the bucket (epoch ms, UTC). */
  start: number
  up: number
  /** Degraded, or failing in fewer regions than the quorum, or too few regions to judge. */
  degraded: number
  /** Confirmed DOWN (the quorum of regions failing). */
  down: number
  maintenance: number
}

/** A closed-open span of time in epoch ms. */
export interface Span {
  start: number
  end: number
}

/** What the page reads history from: the hub's rollups, or a stand-in in tests and benches. */
export interface DailyHistory {
  /** Minutes by verdict per UTC day in [from, to), for each check that has any. */
  days(checkIds: readonly string[], from: number, to: number): Map<string, CheckMinutes[]>
  /** The same per UTC hour, for the 24-hour uptime. */
  hours(checkIds: readonly string[], from: number, to: number): Map<string, CheckMinutes[]>
  /** Each check's DOWN spans in [from, to), to count overlaps within a component. */
  downSpans(checkIds: readonly string[], from: number, to: number): Map<string, Span[]>
  /** The 95th percentile response time over [from, to) of all runs of these checks, in ms. */
  latencyP95(checkIds: readonly string[], from: number, to: number): number | null
  /**
   * A number that changes whenever finished buckets may have changed; where it is given,
   * a page reuses what it computed from them until it does.
   */
  generation?(): number
  /**
   * A number that changes whenever the current day's minutes may have changed (the read
   * model's, read again every 30 s); where it is given with a stable generation, a page
   * keeps each component's bars until it, or something the bars are made from, changes.
   */
  todayGeneration?(): number
  /**
   * True when `generation` changes with every change of a finished bucket (the read
   * model's history): a page then reads finished days only for what it does not keep.
   */
  readonly stableGeneration?: boolean
  /**
   * True when reads cost no query (the read model's days): a page then reads each
   * component's checks on their own rather than every check of the page at once, so that
   * 90 days of 10,000 checks (900,000 rows) never sit in memory together.
   */
  readonly inMemory?: boolean
}

/** A component's minutes in one bucket. `counted` is observed time outside maintenance. */
export interface ComponentMinutes {
  start: number
  counted: number
  major: number
  partial: number
  degraded: number
  maintenance: number
}

/** Start of the UTC day that holds `at`. */
export function dayStart(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS
}

/** Length of spans after merging overlaps, in whole minutes. */
function spanMinutes(spans: Span[]): number {
  return Math.round(merge(spans).reduce((sum, s) => sum + (s.end - s.start), 0) / MINUTE_MS)
}

function merge(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start)
  const out: Span[] = []
  for (const span of sorted) {
    const last = out.at(-1)
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end)
    else out.push({ ...span })
  }
  return out
}

/** Time covered by all of the lists at once. */
function intersection(lists: Span[][]): Span[] {
  return lists.reduce(
    (acc, list) => {
      const out: Span[] = []
      for (const a of acc) {
        for (const b of merge(list)) {
          const start = Math.max(a.start, b.start)
          const end = Math.min(a.end, b.end)
          if (end > start) out.push({ start, end })
        }
      }
      return out
    },
    merge(lists[0] ?? []),
  )
}

function clip(spans: Span[], from: number, to: number): Span[] {
  return spans.flatMap((s) => {
    const start = Math.max(s.start, from)
    const end = Math.min(s.end, to)
    return end > start ? [{ start, end }] : []
  })
}

/** Spans filed under every bucket they touch, so each bucket clips only its own. */
function spansByBucket(spans: Span[], bucketMs: number): Map<number, Span[]> {
  const out = new Map<number, Span[]>()
  for (const span of spans) {
    for (let b = Math.floor(span.start / bucketMs) * bucketMs; b < span.end; b += bucketMs) {
      const list = out.get(b)
      if (list) list.push(span)
      else out.set(b, [span])
    }
  }
  return out
}

const observed = (m: CheckMinutes) => m.up + m.degraded + m.down + m.maintenance

/**
 * A component's minutes per bucket from its checks' minutes. `spansOf` is asked at most
 * once, for the whole range, and only when in some bucket two or more of several checks
 * were DOWN.
 */
export function componentBuckets(
  checkIds: readonly string[],
  perCheck: Map<string, CheckMinutes[]>,
  bucketStarts: readonly number[],
  bucketMs: number,
  spansOf: (from: number, to: number) => Map<string, Span[]>,
): ComponentMinutes[] {
  let spans: Map<string, Span[]> | undefined
  let byBucket: Map<string, Map<number, Span[]>> | undefined
  const n = bucketStarts.length
  const first = bucketStarts[0] ?? 0
  const rangeEnd = (bucketStarts.at(-1) ?? 0) + bucketMs
  // One pass over every check's rows into per-bucket tallies: a page of thousands of
  // checks and 90 days makes this the hot loop, so it allocates nothing per row.
  const present = new Int32Array(n)
  const seen = new Float64Array(n)
  const degraded = new Float64Array(n)
  const maintenance = new Float64Array(n).fill(Infinity)
  const downChecks = new Int32Array(n)
  const downSum = new Float64Array(n)
  for (const id of checkIds) {
    for (const m of perCheck.get(id) ?? []) {
      const i = Math.round((m.start - first) / bucketMs)
      if (i < 0 || i >= n || bucketStarts[i] !== m.start) continue
      present[i]! += 1
      seen[i] = Math.max(seen[i]!, observed(m))
      degraded[i] = Math.max(degraded[i]!, m.degraded)
      maintenance[i] = Math.min(maintenance[i]!, m.maintenance)
      if (m.down > 0) {
        downChecks[i]! += 1
        downSum[i]! += m.down
      }
    }
  }
  const out: ComponentMinutes[] = new Array(n)
  for (let i = 0; i < n; i += 1) {
    const start = bucketStarts[i]!
    if (present[i] === 0) {
      out[i] = { start, counted: 0, major: 0, partial: 0, degraded: 0, maintenance: 0 }
      continue
    }
    // Maintenance windows match a component's checks together, so the smallest share is
    // the time all of them were in maintenance when they nest.
    const inMaintenance = present[i] === checkIds.length ? maintenance[i]! : 0
    let major = 0
    let partial = 0
    if (checkIds.length === 1) {
      major = downSum[i]!
    } else if (downChecks[i] === 1) {
      partial = downSum[i]!
    } else if (downChecks[i]! > 1) {
      spans ??= spansOf(first, rangeEnd)
      byBucket ??= new Map(
        checkIds.map((id) => [id, spansByBucket(spans!.get(id) ?? [], bucketMs)]),
      )
      // Only the checks DOWN in this bucket have spans in it: a component of 500 checks
      // clips a few dozen lists per day, not 500 (a page's first build does every day).
      const lists: Span[][] = []
      for (const id of checkIds) {
        const own = byBucket.get(id)?.get(start)
        const clipped = own ? clip(own, start, start + bucketMs) : []
        if (clipped.length > 0) lists.push(clipped)
      }
      const union = spanMinutes(lists.flat())
      // A minute is a major outage only when every check was DOWN in it.
      major = lists.length === checkIds.length ? spanMinutes(intersection(lists)) : 0
      partial = Math.max(0, union - major)
    }
    const counted = Math.max(0, seen[i]! - inMaintenance)
    out[i] = {
      start,
      counted,
      major: Math.min(major, counted),
      partial: Math.min(partial, Math.max(0, counted - major)),
      degraded: degraded[i]!,
      maintenance: inMaintenance,
    }
  }
  return out
}

/** Weighted outage minutes of a bucket or a sum of them. */
export function weightedOutage(m: Pick<ComponentMinutes, 'major' | 'partial' | 'degraded'>) {
  return (
    m.major * OUTAGE_WEIGHTS.major +
    m.partial * OUTAGE_WEIGHTS.partial +
    m.degraded * OUTAGE_WEIGHTS.degraded
  )
}

/** Uptime of minutes (a ratio 0..1), or null where nothing was observed. */
export function uptimeOf(buckets: readonly ComponentMinutes[]): number | null {
  let counted = 0
  let lost = 0
  for (const b of buckets) {
    counted += b.counted
    lost += weightedOutage(b)
  }
  return counted === 0 ? null : 1 - lost / counted
}

/**
 * An uptime as a page prints it: two decimals, never rounded up to 100 % while any
 * minute was lost, nor down to 0 % while any was up.
 * @example formatUptime(0.99996) // '99.99 %'
 */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return 'no data'
  let hundredths = Math.round(ratio * 10_000)
  if (hundredths === 10_000 && ratio < 1) hundredths = 9_999
  if (hundredths === 0 && ratio > 0) hundredths = 1
  return `${(hundredths / 100).toFixed(2)} %`
}

/** The starts of the `count` UTC days that end with the day holding `now`. */
export function dayStarts(now: number, count = HISTORY_DAYS): number[] {
  const today = dayStart(now)
  return Array.from({ length: count }, (_, i) => today - (count - 1 - i) * DAY_MS)
}
