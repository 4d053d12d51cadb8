/**
 * Seeds a hub database with CHECKS checks × regions × 90 days of history as the hub keeps
 * it (hub/history/): minute rows for the last `minuteDays` days (30, the default
 * retention), a day row per check, day and series for 90 days (sealed a day after they
 * end), each check's first result time, about one confirmed outage per check a
 * fortnight (3 to 40 minutes, every region down) with its incident, and the newest
 * result of each series stored through the ResultStore.
 *
 * Quick enough for 10,000 checks: the rows of an hour or a day without an outage are a
 * handful of templates encoded once (16 latency profiles), and rows go in in key order.
 * Shared by bench:status and bench:query.
 */
import { emptyCell, mergeCell, type Cell } from '../../../hub/history/rollup-cell.ts'
import { record } from '../../../hub/history/latency-histogram.ts'
import { encodePack, sealPack, type Pack } from '../../../hub/history/rollup-pack.ts'
import { OVERALL_SERIES } from '../../../hub/history/rollup-schema.ts'
import type { IncidentStore } from '../../../hub/incidents/incident-store.ts'
import type { Database } from '../../../hub/store/database.ts'
import type { ResultStore } from '../../../hub/store/result-store.ts'
import { benchResult, latencyOf, seededRandom } from './sim-results.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const PROFILES = 16

export interface SeedOptions {
  db: Database
  store: ResultStore
  incidents: IncidentStore
  checkIds: string[]
  regions: string[]
  now: number
  /** Days of minute rows, newest last. Default 30. */
  minuteDays?: number
  /** Days of day rows. Default 90 (and today). */
  days?: number
  log?: (line: string) => void
}

export interface SeedStats {
  minuteRows: number
  dayRows: number
  outages: number
}

type Outages = Array<[number, number]>

/** Sums cells into one, the SLI slices of overall minutes counted as the roller does. */
function totalOf(cells: Iterable<Cell>, overall: boolean): Cell {
  const total = emptyCell()
  for (const cell of cells) {
    mergeCell(total, cell)
    if (overall) {
      total.valid += 1
      if (cell.time[3]! > 0) total.bad += 1
    }
  }
  return total
}

export function seedRollups(options: SeedOptions): SeedStats {
  const { db, checkIds, regions, now } = options
  const log = options.log ?? (() => {})
  const random = seededRandom(11)
  const minuteDays = options.minuteDays ?? 30
  const days = options.days ?? 90
  const firstDay = Math.floor((now - days * DAY) / DAY) * DAY
  const today = Math.floor(now / DAY) * DAY
  const currentHour = Math.floor(now / HOUR) * HOUR
  const minutesFrom = Math.floor((now - minuteDays * DAY) / HOUR) * HOUR
  const series = [...regions, OVERALL_SERIES]
  const bases = Array.from({ length: PROFILES }, (_, i) => 40 + i * 25)

  const runCell = (base: number, down: boolean): Cell => {
    const cell = emptyCell()
    const ms = Math.round(latencyOf(random, base))
    cell[down ? 'down' : 'up'] = 1
    cell.durSum = cell.durMax = ms
    record(cell.hist, ms)
    cell.time[down ? 3 : 0] = MIN
    return cell
  }
  const timeCell = (down: boolean): Cell => {
    const cell = emptyCell()
    cell.time[down ? 3 : 0] = MIN
    return cell
  }
  /** Minute packs of one hour of one series, the minutes before `until` only. */
  const hourPacks = (
    base: number,
    hour: number,
    until: number,
    downAt: (minute: number) => boolean,
  ) => {
    const packs = new Map<string, Pack>()
    for (const s of series) packs.set(s, new Map())
    for (let m = 0; m < 60 && hour + m * MIN < until; m++) {
      const down = downAt(hour + m * MIN)
      for (const region of regions) packs.get(region)!.set(m, runCell(base, down))
      packs.get(OVERALL_SERIES)!.set(m, timeCell(down))
    }
    return packs
  }
  const never = () => false

  // Templates: an hour and a day with no outage, per latency profile, as rows.
  log(`  encoding ${PROFILES} profiles of templates ...`)
  const hourTemplate = bases.map((base) => {
    const packs = hourPacks(base, 0, HOUR, never)
    return new Map([...packs].map(([s, pack]) => [s, encodePack(pack, 'minutes')]))
  })
  const hourTotals = bases.map((base) => {
    const packs = hourPacks(base, 0, HOUR, never)
    return new Map([...packs].map(([s, pack]) => [s, totalOf(pack.values(), s === '*')]))
  })
  const dayTemplate = hourTotals.map((totals) => {
    const out = new Map<string, { open: Buffer; sealed: Buffer }>()
    for (const s of series) {
      const pack: Pack = new Map()
      for (let h = 0; h < 24; h++) pack.set(h, structuredClone(totals.get(s)!))
      const open = encodePack(pack, 'hours')
      out.set(s, { open, sealed: sealPack(open, 'hours') })
    }
    return out
  })

  // Outages: about one a fortnight per check, 3 to 40 minutes.
  const outages: Outages[] = checkIds.map(() => {
    const list: Outages = []
    for (let t = firstDay; t < now; t += 14 * DAY) {
      const from = t + Math.floor(random() * 14 * DAY)
      if (from < now) list.push([from, Math.min(now, from + (3 + Math.floor(random() * 37)) * MIN)])
    }
    return list
  })
  const downIn = (list: Outages) => (minute: number) =>
    list.some(([a, b]) => minute + MIN > a && minute < b)
  const touches = (list: Outages, from: number, to: number) =>
    list.some(([a, b]) => a < to && b > from)
  const profileOf = (index: number) => index % PROFILES

  const insertMinutes = db.prepare(
    'INSERT INTO rollup_minutes (hour_start, check_id, series, cells) VALUES (?, ?, ?, ?)',
  )
  const insertDays = db.prepare(
    'INSERT INTO rollup_days (day_start, check_id, series, cells, hours) VALUES (?, ?, ?, ?, ?)',
  )
  const insertFirst = db.prepare('INSERT INTO rollup_checks (check_id, first_at) VALUES (?, ?)')
  let minuteRows = 0
  let dayRows = 0

  // Minute rows in key order (hour, check, series), a day per transaction.
  const minuteHours: number[] = []
  for (let h = minutesFrom; h <= currentHour; h += HOUR) minuteHours.push(h)
  const writeHours = db.transaction((hours: number[]) => {
    for (const hour of hours) {
      const partial = hour === currentHour
      checkIds.forEach((id, index) => {
        const list = outages[index]!
        const base = bases[profileOf(index)]!
        const rows =
          partial || touches(list, hour, hour + HOUR)
            ? new Map(
                [...hourPacks(base, hour, Math.min(now, hour + HOUR), downIn(list))].map(
                  ([s, pack]) => [s, encodePack(pack, 'minutes')],
                ),
              )
            : hourTemplate[profileOf(index)]!
        for (const [s, cells] of rows) {
          insertMinutes.run(hour, id, s, cells)
          minuteRows += 1
        }
      })
    }
  })
  for (let i = 0; i < minuteHours.length; i += 24) {
    writeHours(minuteHours.slice(i, i + 24))
    if (i % (24 * 5) === 0) log(`  minute rows: day ${i / 24 + 1} of ${minuteHours.length / 24}`)
  }

  // Day rows in key order (check, day, series), a thousand checks per transaction.
  const writeDays = db.transaction((from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const id = checkIds[index]!
      const list = outages[index]!
      const base = bases[profileOf(index)]!
      insertFirst.run(id, firstDay)
      for (let day = firstDay; day <= today; day += DAY) {
        const sealed = day + DAY <= now - DAY
        const special = day === today || touches(list, day, day + DAY)
        for (const s of series) {
          let cells: Buffer
          if (!special) {
            const template = dayTemplate[profileOf(index)]!.get(s)!
            cells = sealed ? template.sealed : template.open
          } else {
            const pack: Pack = new Map()
            for (let h = 0; h < 24 && day + h * HOUR < now; h++) {
              const hour = day + h * HOUR
              const packs = touches(list, hour, hour + HOUR)
                ? hourPacks(base, hour, Math.min(now, hour + HOUR), downIn(list))
                : hour + HOUR <= now
                  ? null
                  : hourPacks(base, hour, now, never)
              pack.set(
                h,
                packs
                  ? totalOf(packs.get(s)!.values(), s === OVERALL_SERIES)
                  : structuredClone(hourTotals[profileOf(index)]!.get(s)!),
              )
            }
            const open = encodePack(pack, 'hours')
            cells = sealed ? sealPack(open, 'hours') : open
          }
          insertDays.run(day, id, s, cells, sealed ? 2 : 1)
          dayRows += 1
        }
      }
    }
  })
  for (let i = 0; i < checkIds.length; i += 1_000) {
    writeDays(i, Math.min(checkIds.length, i + 1_000))
    log(`  day rows: ${Math.min(checkIds.length, i + 1_000)} of ${checkIds.length} checks`)
  }

  // Outages as incidents, and the newest result of every series.
  let count = 0
  const writeIncidents = db.transaction(() => {
    checkIds.forEach((id, index) => {
      for (const [from, to] of outages[index]!) {
        const incidentId = options.incidents.open({
          checkId: id,
          at: from,
          regions,
          firstError: null,
        })
        if (to < now) options.incidents.resolve(incidentId, to)
        count += 1
      }
    })
  })
  writeIncidents()
  for (let i = 0; i < checkIds.length; i += 1_000) {
    const batch = checkIds.slice(i, i + 1_000).flatMap((id, k) => {
      const down = downIn(outages[i + k]!)(Math.floor((now - 30_000) / MIN) * MIN)
      return regions.map((region) =>
        benchResult(id, region, now - 30_000, down, bases[profileOf(i + k)]!),
      )
    })
    options.store.insert(batch)
  }
  log(`  ${count.toLocaleString('en-US')} outages, latest results stored`)
  return { minuteRows, dayRows, outages: count }
}
