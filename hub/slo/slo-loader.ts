/**
 * Fills the SLO ledger from rollups when the hub starts, so budgets and burn rates
 * carry over a restart: the check's minute slices of the last three days from minute
 * rollups, its hour slices of the last 90 days from hour rollups. A latency series is
 * judged minute by minute over the three days; older hours count its DOWN minutes only
 * (hour rollups keep no minute-by-minute latency).
 */
import { GRAIN_MS } from '../history/history-types.ts'
import { sliceOf } from '../history/minute-slice.ts'
import { conclusive, type Cell } from '../history/rollup-cell.ts'
import { OVERALL_SERIES } from '../history/rollup-schema.ts'
import type { RollupStore } from '../history/rollup-store.ts'
import { HOURS_KEPT, MINUTES_KEPT, type SloLedger } from './slo-ledger.ts'

const MIN = GRAIN_MS.minute
const HOUR = GRAIN_MS.hour
const DAY = GRAIN_MS.day

/** A check's minute is bad by latency when at least `quorum` regions ran slower than `belowMs` on average. */
export function slowByQuorum(regions: Cell[], belowMs: number, quorum: number): boolean {
  const slow = regions.filter(
    (cell) => conclusive(cell) > 0 && cell.durSum / conclusive(cell) > belowMs,
  )
  return slow.length >= quorum
}

/** What the loader needs of a series. */
export interface LedgerSeries {
  key: string
  checkId: string
  /** A latency bound and the check's quorum, for latency series. */
  latency?: { belowMs: number; quorum: number }
}

/**
 * @example loadLedger(ledger, rollups, [{ key: 'api', checkId: 'api' }], now)
 */
export function loadLedger(
  ledger: SloLedger,
  rollups: RollupStore,
  series: LedgerSeries[],
  now: number,
): void {
  const currentHour = Math.floor(now / HOUR) * HOUR
  const minutesFrom = currentHour - (MINUTES_KEPT / 60 - 1) * HOUR
  const hoursFrom = currentHour - (HOURS_KEPT - 1) * HOUR
  for (const { key, checkId, latency } of series) {
    if (ledger.has(key)) continue
    const days: number[] = []
    for (let d = Math.floor(hoursFrom / DAY) * DAY; d < minutesFrom; d += DAY) days.push(d)
    for (const row of rollups.hourRows(checkId, days, OVERALL_SERIES)) {
      for (const [slot, cell] of row.pack) {
        const hour = row.start + slot * HOUR
        if (slot >= 24 || hour < hoursFrom || hour >= minutesFrom) continue
        ledger.addHour(key, hour, { valid: cell.valid, bad: cell.bad })
      }
    }
    const hours: number[] = []
    for (let h = minutesFrom; h <= currentHour; h += HOUR) hours.push(h)
    const rows = rollups.minuteRows(checkId, hours, latency ? null : OVERALL_SERIES)
    const overall = new Map<number, Cell>()
    const regions = new Map<number, Cell[]>()
    for (const row of rows) {
      for (const [slot, cell] of row.pack) {
        const minute = row.start + slot * MIN
        if (row.series === OVERALL_SERIES) overall.set(minute, cell)
        else regions.set(minute, [...(regions.get(minute) ?? []), cell])
      }
    }
    for (const minute of [...overall.keys()].sort((a, b) => a - b)) {
      if (minute + MIN > now) continue
      // The roller's own rule (minute-slice.ts), so a restart re-judges no minute differently.
      const { valid, bad } = sliceOf(overall.get(minute)!.time)
      const slow = latency
        ? slowByQuorum(regions.get(minute) ?? [], latency.belowMs, latency.quorum)
        : false
      ledger.add(key, minute, { valid, bad: bad || slow })
    }
    ledger.settle(key, now)
  }
}
