/**
 * The error budget an incident report measures an incident against, from the same
 * minute slices the SLO engine counts (rollups of the check's quorum verdict): the first
 * SLO that covers the incident's check (its first objective), or the project's default
 * objective (`slo:` in monitors.ts) over the check alone.
 */
import { parseDuration } from '../../checks/duration.ts'
import type { MonitoringConfig } from '../../checks/validate.ts'
import { DEFAULT_SLO } from '../../checks/alerting.ts'
import type { HistoryReader } from '../history/history-types.ts'
import type { ErrorBudget } from '../incidents/incident-impact.ts'

const MIN = 60_000

/**
 * Null when no minute of the window was judged (history from before SLOs were kept):
 * the caller falls back to outages.
 *
 * @example incidentBudget(results.history, config(), incident, incident.endedAt ?? now)
 */
export function incidentBudget(
  history: HistoryReader,
  config: MonitoringConfig,
  incident: { checkId: string; startedAt: number; kind: string },
  end: number,
): ErrorBudget | null {
  const definition = config.slos?.find((slo) => slo.checks.includes(incident.checkId))
  const project = config.slo ?? DEFAULT_SLO
  const objective = definition?.objectives[0] ?? project
  const windowMs = parseDuration(objective.window)
  let valid = 0
  let bad = 0
  for (const checkId of definition?.checks ?? [incident.checkId]) {
    const slices = history.total(checkId, end - windowMs, end).overall.slices
    valid += slices.valid
    bad += slices.bad
  }
  if (valid === 0) return null
  const allowedMinutes = (1 - objective.target / 100) * valid
  const consumedMinutes =
    incident.kind === 'down'
      ? history.total(incident.checkId, incident.startedAt, end).overall.slices.bad
      : 0
  return {
    target: objective.target,
    windowMs,
    allowedDowntimeMs: allowedMinutes * MIN,
    consumedMs: consumedMinutes * MIN,
    consumedShare: allowedMinutes > 0 ? consumedMinutes / allowedMinutes : 0,
    remainingShare: allowedMinutes > 0 ? 1 - bad / allowedMinutes : bad > 0 ? -Infinity : 1,
    slo: definition?.name ?? null,
    judgedMinutes: valid,
  }
}
