/**
 * Moves the per-minute rollup rows of earlier hubs (`rollup_minute`, one row per check,
 * region and minute) into the packed rollups, once, when a hub opens such a database.
 * Their runs and durations carry over exactly; their latency histogram cannot (those rows
 * kept only a sum and a maximum), so each minute's runs are put at its mean duration.
 * There is no state time before the upgrade: it reads as unknown.
 */
import type { Database } from '../store/database.ts'
import { record } from './latency-histogram.ts'
import { emptyCell, mergeCell, type Cell } from './rollup-cell.ts'
import { encodePack, type Pack } from './rollup-pack.ts'
import { hasLegacyMinuteTable } from './rollup-schema.ts'

const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

interface LegacyRow {
  check_id: string
  minute_start: number
  region: string
  up: number
  degraded: number
  down: number
  inconclusive: number
  maintenance: number
  duration_sum: number
  duration_max: number
  first_at: number
}

function cellOf(row: LegacyRow): Cell {
  const cell = emptyCell()
  cell.up = row.up
  cell.degraded = row.degraded
  cell.down = row.down
  cell.inconclusive = row.inconclusive
  cell.maintenance = row.maintenance ?? 0
  cell.durSum = Math.round(row.duration_sum)
  cell.durMax = Math.round(row.duration_max)
  const runs = row.up + row.degraded + row.down
  if (runs > 0) record(cell.hist, cell.durSum / runs, runs)
  return cell
}

function add(
  packs: Map<string, { start: number; series: string; pack: Pack }>,
  key: string,
  start: number,
  series: string,
  slot: number,
  cell: Cell,
) {
  let entry = packs.get(key)
  if (!entry) packs.set(key, (entry = { start, series, pack: new Map() }))
  const existing = entry.pack.get(slot)
  if (existing) mergeCell(existing, cell)
  else entry.pack.set(slot, structuredClone(cell))
}

/** Converts and drops `rollup_minute` when present; returns the rows moved. */
export function migrateLegacyMinutes(db: Database): number {
  if (!hasLegacyMinuteTable(db)) return 0
  const insertMinutes = db.prepare<[number, string, string, Buffer]>(
    'INSERT INTO rollup_minutes (hour_start, check_id, series, cells) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT DO UPDATE SET cells = rollup_merge_minutes(cells, excluded.cells)',
  )
  const insertHours = db.prepare<[number, string, string, Buffer]>(
    'INSERT INTO rollup_days (day_start, check_id, series, cells) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT DO UPDATE SET cells = rollup_merge_hours(cells, excluded.cells)',
  )
  const setFirst = db.prepare<[string, number]>(
    'INSERT INTO rollup_checks (check_id, first_at) VALUES (?, ?) ' +
      'ON CONFLICT DO UPDATE SET first_at = min(first_at, excluded.first_at)',
  )
  let moved = 0
  db.transaction(() => {
    let check: string | null = null
    let first = Infinity
    const minutes = new Map<string, { start: number; series: string; pack: Pack }>()
    const hours = new Map<string, { start: number; series: string; pack: Pack }>()
    const flush = () => {
      if (check === null) return
      for (const m of minutes.values())
        insertMinutes.run(m.start, check, m.series, encodePack(m.pack, 'minutes'))
      for (const h of hours.values())
        insertHours.run(h.start, check, h.series, encodePack(h.pack, 'hours'))
      if (first < Infinity) setFirst.run(check, first)
      minutes.clear()
      hours.clear()
      first = Infinity
    }
    const rows = db
      .prepare<[], LegacyRow>('SELECT * FROM rollup_minute ORDER BY check_id, minute_start, region')
      .iterate()
    for (const row of rows) {
      if (row.check_id !== check) {
        flush()
        check = row.check_id
      }
      const cell = cellOf(row)
      const hour = Math.floor(row.minute_start / HOUR) * HOUR
      const day = Math.floor(row.minute_start / DAY) * DAY
      add(
        minutes,
        `${row.region}\u0000${hour}`,
        hour,
        row.region,
        (row.minute_start - hour) / MIN,
        cell,
      )
      add(hours, `${row.region}\u0000${day}`, day, row.region, (hour - day) / HOUR, cell)
      first = Math.min(first, row.first_at)
      moved += 1
    }
    flush()
    db.exec('DROP TABLE rollup_minute')
  })()
  return moved
}
