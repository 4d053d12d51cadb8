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

/** How far back a report looks for changes: long enough for a slow-burning bad change. */
export const RECENT_DEPLOY_WINDOW_MS = 30 * 60_000

type DeployFacts = Pick<DeployRecord, 'version' | 'source' | 'createdAt'>

/**
 * Puts the deploys made between the start of an incident's failure episode and the
 * moment it opened on its timeline, at their own times: inside the outage, no incident
 * was open yet to record them. Deploys before the failure began are not part of the
 * incident; the report lists them apart (deploysBefore).
 *
 * @example
 * recordRecentDeploys(incidents, event.incidentId, event.at, failingSince, state.deploys())
 */
export function recordRecentDeploys(
  incidents: IncidentStore,
  incidentId: string,
  openedAt: number,
  failingSince: number | null,
  deploys: readonly DeployFacts[],
): void {
  const from = failingSince ?? openedAt
  for (const deploy of deploys) {
    if (deploy.createdAt < from || deploy.createdAt > openedAt) continue
    incidents.addEvent(incidentId, deploy.createdAt, 'deploy', {
      version: deploy.version,
      source: deploy.source,
      beforeIncidentMs: openedAt - deploy.createdAt,
    })
  }
}

/**
 * The deploys of the RECENT_DEPLOY_WINDOW_MS before an incident's failure began, newest
 * first: the first place a correction-of-error review looks for a cause.
 */
export function deploysBefore(
  incident: { startedAt: number; failingSince?: number | null },
  deploys: readonly DeployFacts[],
): DeployFacts[] {
  const began = incident.failingSince ?? incident.startedAt
  return deploys
    .filter((d) => d.createdAt < began && began - d.createdAt <= RECENT_DEPLOY_WINDOW_MS)
    .sort((a, b) => b.createdAt - a.createdAt)
}
