// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * The incidents section of the status page: what is broken now and what broke lately,
 * as Statuspage-style pages show it. Only outages of the service are public (kinds
 * down and degraded); region, probe and channel alerts are about the monitoring network
 * and stay in the API.
 */
import type { FC } from 'hono/jsx'
import type { Incident } from '../incidents/incident-store.ts'
import { formatDateTime, formatSpan } from './format.ts'

/** An incident as the page shows it. */
export interface StatusPageIncident {
  incidentId: string
  kind: 'down' | 'degraded'
  checkName: string
  startedAt: number
  endedAt: number | null
  regions: string[]
  errorCode: string | null
  acknowledged: boolean
  /** Why it ended without recovering, e.g. "check removed". */
  closedReason: string | null
}

/** How far back the page lists resolved incidents. */
export const INCIDENT_HISTORY_MS = 7 * 24 * 3_600_000
/** At most this many incidents on the page; the API has them all. */
export const MAX_PAGE_INCIDENTS = 10

/**
 * The page's incidents from the store's open ones and recent ones: open first, then
 * newest first, public kinds only.
 */
export function pageIncidents(
  open: Incident[],
  recent: Incident[],
  checkName: (checkId: string) => string,
): StatusPageIncident[] {
  const seen = new Set<string>()
  const items: StatusPageIncident[] = []
  for (const incident of [...open, ...recent]) {
    if (seen.has(incident.incidentId)) continue
    seen.add(incident.incidentId)
    if (incident.kind !== 'down' && incident.kind !== 'degraded') continue
    items.push({
      incidentId: incident.incidentId,
      kind: incident.kind,
      checkName: checkName(incident.checkId),
      startedAt: incident.startedAt,
      endedAt: incident.endedAt,
      regions: incident.regions,
      errorCode: incident.firstError?.code ?? null,
      acknowledged: incident.ackedAt !== null,
      closedReason: incident.closedReason ?? null,
    })
  }
  return items.slice(0, MAX_PAGE_INCIDENTS)
}

function stateLabel(incident: StatusPageIncident): string {
  if (incident.endedAt !== null && incident.closedReason) return `Closed: ${incident.closedReason}`
  if (incident.endedAt !== null) return 'Resolved'
  if (incident.acknowledged) return 'Investigating'
  return incident.kind === 'down' ? 'Ongoing' : 'Degraded'
}

const IncidentRow: FC<{ incident: StatusPageIncident; now: number }> = ({ incident, now }) => {
  const open = incident.endedAt === null
  const lasted = (incident.endedAt ?? now) - incident.startedAt
  return (
    <li class={`incident ${open ? incident.kind : 'resolved'}`}>
      <div class="line">
        <span class={`pill ${open ? incident.kind : 'up'}`}>{stateLabel(incident)}</span>
        <a class="name" href={`/internal/incidents/${incident.incidentId}`}>
          {incident.checkName}
        </a>
        {incident.errorCode && <span class="mono muted">{incident.errorCode}</span>}
      </div>
      <div class="when muted">
        {formatDateTime(incident.startedAt)} · {open ? 'for ' : 'lasted '}
        {formatSpan(lasted)}
        {incident.regions.length > 0 && ` · ${incident.regions.join(', ')}`}
      </div>
    </li>
  )
}

/** Open and recent incidents, or a line saying there were none. */
export const IncidentList: FC<{ incidents: StatusPageIncident[]; now: number }> = ({
  incidents,
  now,
}) =>
  incidents.length === 0 ? (
    <div class="card empty">No incidents in the last 7 days.</div>
  ) : (
    <ul class="card incidents">
      {incidents.map((incident) => (
        <IncidentRow incident={incident} now={now} />
      ))}
    </ul>
  )
