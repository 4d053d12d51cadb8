/**
 * `GET /readyz`: whether this hub should get traffic now. Unlike /healthz (is the broker
 * link up), it also says whether the store is open and a config is deployed, and it
 * turns 503 the moment the hub starts to stop, so a load balancer or an orchestrator
 * sends nothing more to a hub on its way out.
 */

export interface HubReadinessParts {
  /** The results database is open. */
  storeOpen: boolean
  /** The hub's own client is connected to the broker (embedded or external). */
  brokerConnected: boolean
  /** The running config's version, undefined before one is loaded. */
  configVersion: string | undefined
  /** The hub got SIGTERM and is finishing what it holds. */
  stopping: boolean
}

export interface Readiness {
  ready: boolean
  /** Why not, one sentence each; empty when ready. */
  reasons: string[]
  configVersion?: string
}

export function hubReadiness(parts: HubReadinessParts): Readiness {
  const reasons: string[] = []
  if (parts.stopping) reasons.push('the hub is stopping')
  if (!parts.storeOpen) reasons.push('the results database is not open')
  if (!parts.brokerConnected) reasons.push('the hub is not connected to its MQTT broker')
  if (parts.configVersion === undefined) reasons.push('no config is loaded')
  return { ready: reasons.length === 0, reasons, configVersion: parts.configVersion }
}
