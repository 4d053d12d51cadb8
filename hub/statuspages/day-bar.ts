/** A day's bar on a status page: its minutes, the worst thing in it, and a tooltip's words. */
import { formatUptime, uptimeOf, type ComponentMinutes } from './history.ts'

/** A day's bar: its minutes, the worst thing in it, and the words a tooltip shows. */
export interface DayBar extends ComponentMinutes {
  /** `none` without data. */
  worst: 'none' | 'operational' | 'degraded' | 'partial' | 'major' | 'maintenance'
  uptime: number | null
  /** "12 Mar: 99.20 %, 11 min partial outage" */
  label: string
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')

function dayName(start: number): string {
  const d = new Date(start)
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`
}

/** Bars of finished days repeat from request to request: their words are kept. */
const BAR_CACHE = new Map<string, DayBar>()
const BAR_CACHE_MAX = 200_000

/** The bar for a day's minutes: the tooltip names every minute that cost something. */
export function dayBar(m: ComponentMinutes): DayBar {
  const key = `${m.start}:${m.counted}:${m.major}:${m.partial}:${m.degraded}:${m.maintenance}`
  const known = BAR_CACHE.get(key)
  if (known) return known
  if (BAR_CACHE.size >= BAR_CACHE_MAX) BAR_CACHE.clear()
  const bar = makeBar(m)
  BAR_CACHE.set(key, bar)
  return bar
}

function makeBar(m: ComponentMinutes): DayBar {
  const seen = m.counted + m.maintenance
  const uptime = m.counted > 0 ? uptimeOf([m]) : null
  const parts: string[] = []
  if (m.major) parts.push(`${m.major} min major outage`)
  if (m.partial) parts.push(`${m.partial} min partial outage`)
  if (m.degraded) parts.push(`${m.degraded} min degraded`)
  if (m.maintenance) parts.push(`${m.maintenance} min maintenance`)
  const head = seen === 0 ? 'no data' : uptime === null ? 'maintenance' : formatUptime(uptime)
  const worst: DayBar['worst'] =
    seen === 0
      ? 'none'
      : m.major
        ? 'major'
        : m.partial
          ? 'partial'
          : m.degraded
            ? 'degraded'
            : m.maintenance
              ? 'maintenance'
              : 'operational'
  return { ...m, uptime, worst, label: [`${dayName(m.start)}: ${head}`, ...parts].join(', ') }
}
