/**
 * Puts each deploy on the timeline of every incident open at the time: a config
 * change near an outage is often its cause or its fix, and the post-incident report
 * should show it. `checkChanged` says whether this deploy touched the incident's check.
 */
import type { DeployEvent } from '../live-config.ts'
import type { IncidentStore } from './incident-store.ts'

/**
 * @example
 * live.onDeploy((event) => recordDeployOnIncidents(incidents, event))
 */
export function recordDeployOnIncidents(incidents: IncidentStore, event: DeployEvent): void {
  const { checks } = event.plan
  const touched = new Set(
    [...checks.added, ...checks.removed, ...checks.changed].map((check) => check.id),
  )
  for (const incident of incidents.openIncidents()) {
    incidents.addEvent(incident.incidentId, event.at, 'deploy', {
      version: event.deployed.bundle.version,
      source: event.source,
      checkChanged: touched.has(incident.checkId),
    })
  }
}
