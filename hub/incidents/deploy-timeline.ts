/**
 * Puts each deploy on the timeline of every incident open at the time: a config
 * change near an outage is often its cause or its fix, and the post-incident report
 * should show it. `checkChanged` says whether this deploy touched the incident's check.
 */
import type { DeployEvent } from '../config/live-config.ts'
import type { DeployRecord } from '../store/hub-state.ts'
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

/** How far back a new incident looks for deploys: long enough for a slow-burning bad change. */
export const RECENT_DEPLOY_WINDOW_MS = 30 * 60_000

/**
 * Puts the deploys of the last RECENT_DEPLOY_WINDOW_MS before an incident opened on its
 * timeline, at their own times: a bad change usually lands shortly before the outage it
 * causes, when no incident was open yet to record it.
 *
 * @example
 * recordRecentDeploys(incidents, event.incidentId, event.at, state.deploys())
 */
export function recordRecentDeploys(
  incidents: IncidentStore,
  incidentId: string,
  openedAt: number,
  deploys: readonly Pick<DeployRecord, 'version' | 'source' | 'createdAt'>[],
): void {
  for (const deploy of deploys) {
    const before = openedAt - deploy.createdAt
    if (before < 0 || before > RECENT_DEPLOY_WINDOW_MS) continue
    incidents.addEvent(incidentId, deploy.createdAt, 'deploy', {
      version: deploy.version,
      source: deploy.source,
      beforeIncidentMs: before,
    })
  }
}
