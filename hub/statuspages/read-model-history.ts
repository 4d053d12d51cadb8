/**
 * The status pages' `DailyHistory` from the hub's read model (hub/views/read-model.ts):
 * every check's minutes by verdict per UTC day (90 days and today) and per hour (the last
 * 26) are in memory, read from the day rollups and persisted, so a page's bars cost no
 * query. Until the read model has its days (the first start of a hub that never kept
 * them), and for anything older than it keeps, the rollups answer (`fallback`).
 */
import type { ReadModel } from '../views/read-model.ts'
import { DAY_MS, HOUR_MS, type CheckMinutes, type DailyHistory, type Span } from './history.ts'

export class ReadModelHistory implements DailyHistory {
  readonly #model: ReadModel
  readonly #fallback: DailyHistory & { clear?: () => void }
  readonly #spans: (checkIds: readonly string[], from: number, to: number) => Map<string, Span[]>

  constructor(
    model: ReadModel,
    fallback: DailyHistory & { clear?: () => void },
    downSpans: (checkIds: readonly string[], from: number, to: number) => Map<string, Span[]>,
  ) {
    this.#model = model
    this.#fallback = fallback
    this.#spans = downSpans
  }

  #read(checkIds: readonly string[], from: number, to: number, grain: number) {
    if (!this.#model.daysReady()) {
      return grain === DAY_MS
        ? this.#fallback.days(checkIds, from, to)
        : this.#fallback.hours(checkIds, from, to)
    }
    const out = new Map<string, CheckMinutes[]>()
    const missing: string[] = []
    for (const id of checkIds) {
      const rows = this.#model.verdictMinutes(id, from, to, grain)
      if (rows) out.set(id, rows)
      else missing.push(id)
    }
    if (missing.length > 0) {
      const read =
        grain === DAY_MS
          ? this.#fallback.days(missing, from, to)
          : this.#fallback.hours(missing, from, to)
      for (const [id, rows] of read) out.set(id, rows)
    }
    return out
  }

  days(checkIds: readonly string[], from: number, to: number) {
    return this.#read(checkIds, from, to, DAY_MS)
  }

  hours(checkIds: readonly string[], from: number, to: number) {
    return this.#read(checkIds, from, to, HOUR_MS)
  }

  downSpans(checkIds: readonly string[], from: number, to: number) {
    return this.#spans(checkIds, from, to)
  }

  latencyP95(checkIds: readonly string[], from: number, to: number): number | null {
    return this.#fallback.latencyP95(checkIds, from, to)
  }

  /** Its generation says every change of a finished day once the read model has its days. */
  get stableGeneration(): boolean {
    return this.#model.daysReady()
  }

  /** Reads are the read model's memory once it has its days; until then, the rollups'. */
  get inMemory(): boolean {
    return this.#model.daysReady()
  }

  generation(): number {
    return this.#model.daysReady()
      ? 1e9 + this.#model.daysGeneration()
      : (this.#fallback.generation?.() ?? 0)
  }

  /** Changes whenever the read model reads today's minutes again. */
  todayGeneration(): number {
    return this.#model.todayGeneration()
  }

  /** Forgets what the fallback keeps; the read model keeps itself current. */
  clear(): void {
    this.#fallback.clear?.()
  }
}
