/**
 * Availability of many checks over one window at once, for the check list's `?window=30d`:
 * from the read model's run counts, outages and first results where it holds them
 * (read-model-window.ts), else from each check's rollups, and in both cases by the rules
 * of `GET /api/v1/checks/:id/availability` (buildWindowView), so that the list and the
 * check never disagree.
 */
import { regionsOf, type CheckSpec } from '../../checks/spec.ts'
import { emptyCounts } from '../store/status-counts.ts'
import { checkAvailability, type Availability } from './availability.ts'
import { buildWindowView, type HistorySources, type WindowView } from './check-history.ts'
import type { ReadModel } from './read-model.ts'

/** What the list gives of a check over its window: WindowView's availability part. */
export type WindowAvailability = Pick<WindowView, 'from' | 'to' | 'edgeGrain' | 'availability'>

/** Each check's availability over [from, to), in the order of `specs`. */
export function windowAvailabilities(
  sources: HistorySources & { readModel?: ReadModel },
  specs: readonly CheckSpec[],
  from: number,
  to: number,
): WindowAvailability[] {
  const model = sources.readModel
  const totals = model?.windowRuns(
    specs.map((spec) => spec.id),
    from,
    to,
  )
  return specs.map((spec, i) => {
    const regions = regionsOf(spec) ?? []
    const total = totals?.[i]
    if (!model || !total) {
      const view = buildWindowView(sources, spec, from, to, regions)
      return {
        from: view.from,
        to: view.to,
        edgeGrain: view.edgeGrain,
        availability: view.availability,
      }
    }
    // Passed runs stand for up and degraded: count-based availability adds them anyway.
    const regionCounts = Object.fromEntries(
      total.series.map(([series, runs]) => [
        series,
        { ...emptyCounts(), up: runs.passed, down: runs.down },
      ]),
    )
    const availability: Availability = checkAvailability({
      window: { from, to },
      regionCounts,
      outages: model.outages(spec.id, from, to),
      monitoredSince: model.firstResultAt(spec.id),
      regions,
      maintenance: sources.maintenanceWindows?.(spec, from, to) ?? [],
    })
    return { from: total.from, to: total.to, edgeGrain: total.edgeGrain, availability }
  })
}
