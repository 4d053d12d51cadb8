/**
 * The status pages' `DailyHistory` read from the hub's rollups (hub/history/): time per
 * quorum verdict for each check and UTC day or hour, and the latency histograms' p95.
 * Rollups count time, not runs, so a check run every 10 s and one run every 5 min that
 * were down over the same span show the same minutes. DOWN spans, needed only where two
 * checks of one component were down on the same day, come from the confirmed outages the
 * rollups' DOWN time is made of.
 */
import type { HistoryReader, RollupBucket } from '../history/history-types.ts'
import { MINUTE_MS, type CheckMinutes, type DailyHistory, type Span } from './history.ts'

const minutes = (ms: number) => Math.round(ms / MINUTE_MS)

/** A bucket's time by verdict, in the page's terms. Unknown time is left out. */
export function checkMinutesOf(bucket: RollupBucket): CheckMinutes {
  const t = bucket.time
  return {
    start: bucket.start,
    up: minutes(t.up),
    // Failing below the quorum, or too few regions to judge: degraded performance.
    degraded: minutes(t.degraded + t.partial + t.insufficient),
    down: minutes(t.down),
    maintenance: minutes(t.maintenance),
  }
}

export class RollupHistory implements DailyHistory {
  readonly #reader: HistoryReader
  readonly #spans: (checkIds: readonly string[], from: number, to: number) => Map<string, Span[]>

  constructor(
    reader: HistoryReader,
    downSpans: (checkIds: readonly string[], from: number, to: number) => Map<string, Span[]>,
  ) {
    this.#reader = reader
    this.#spans = downSpans
  }

  #read(checkIds: readonly string[], from: number, to: number, grain: 'day' | 'hour') {
    const out = new Map<string, CheckMinutes[]>()
    for (const id of checkIds) {
      out.set(id, this.#reader.overall(id, { from, to, grain }).map(checkMinutesOf))
    }
    return out
  }

  days(checkIds: readonly string[], from: number, to: number) {
    return this.#read(checkIds, from, to, 'day')
  }

  hours(checkIds: readonly string[], from: number, to: number) {
    return this.#read(checkIds, from, to, 'hour')
  }

  downSpans(checkIds: readonly string[], from: number, to: number) {
    return this.#spans(checkIds, from, to)
  }

  /**
   * One check's p95 comes from its histogram; for several, the highest of their p95s,
   * which never flatters a component whose checks' histograms the reader does not merge.
   */
  latencyP95(checkIds: readonly string[], from: number, to: number): number | null {
    const p95s = checkIds.flatMap((id) => {
      const latency = this.#reader.total(id, from, to).overall.latency
      return latency && latency.count > 0 ? [latency.p95Ms] : []
    })
    return p95s.length === 0 ? null : Math.max(...p95s)
  }
}
