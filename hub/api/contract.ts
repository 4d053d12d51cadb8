/**
 * The JSON API's response shapes, in one module: the routes build them and the CLI
 * reads them, so both sides compile against the same declaration.
 */
import type { HubEvent } from '../events/event-log.ts'
import type { Ping } from '../heartbeats/heartbeat-monitor.ts'
import type { IncidentImpact } from '../incidents/incident-impact.ts'
import type { SampleResult } from '../incidents/incident-results.ts'
import type { IncidentError, IncidentKind, TimelineEntry } from '../incidents/incident-store.ts'
import type { CheckView } from '../views/check-view.ts'
import type { WindowAvailability } from '../views/window-availability.ts'

export type { CheckView } from '../views/check-view.ts'
export type { WindowAvailability } from '../views/window-availability.ts'
export type { DeployPlan } from '../config/deploy-plan.ts'
export type { Span, SilenceWindow, WindowKind, WindowView } from '../silences/silences.ts'
export type { RunReport, RunRow } from '../runs/run-now.ts'
export type { EventKind, HubEvent } from '../events/event-log.ts'

/** One incident in the list. Times are epoch ms. */
export interface IncidentListItem {
  id: string
  kind: IncidentKind
  check: string
  name: string
  start: number
  end: number | null
  open: boolean
  /** To now while open. */
  durationMs: number
  regions: string[]
  firstError: IncidentError | null
  acked: { by: string; at: number } | null
  /** Why it ended without recovering ("check removed"); null for a recovery or while open. */
  closedReason?: string | null
}

export interface IncidentDetail extends IncidentListItem {
  timeline: TimelineEntry[]
  impact: IncidentImpact
  samples: SampleResult[]
  notifications: Record<string, unknown> | null
}

/** A check of `GET /api/v1/checks?window=30d`: its view and its availability over the window. */
export interface CheckWithWindow extends CheckView {
  window: WindowAvailability
}

/** A heartbeat as the API shows it; `pingUrl` is null for callers that may not see secrets. */
export interface HeartbeatView {
  pingUrl: string | null
  enabled: boolean
  every: string
  grace: string
  lastPingAt: number | null
  lastPing: { kind: Ping['kind']; at: number; exitCode?: number; message?: string } | null
  /** When the open run started (a start ping with no end yet). */
  runStartedAt: number | null
  /** When the heartbeat is down if nothing arrives; its whole second is allowed. */
  nextDeadline: number | null
}

/** One entry of `GET /api/v1/heartbeats`. */
export interface HeartbeatListItem extends HeartbeatView {
  id: string
  name: string
}

/** `GET /api/v1/events`: newest first. */
export interface EventList {
  events: HubEvent[]
}
