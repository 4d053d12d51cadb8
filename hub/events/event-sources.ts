/**
 * What each part of the hub tells the event log, as pure translations: an incident
 * timeline entry, a deploy, a silence, a rejected message and a probe's status change
 * each become one event with a line a person reads. hub.ts registers them on the parts.
 */
import type { DeployEvent } from '../config/live-config.ts'
import type { IncidentSubject, TimelineEntry } from '../incidents/incident-store.ts'
import type { Rejection } from '../ingest/ingest.ts'
import type { ProbeInfo } from '../probes/probe-info.ts'
import type { WindowChange } from '../silences/silences.ts'
import type { EventInput, EventKind } from './event-log.ts'

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)
}

/** Timeline entries that become events of their own kind; the rest are alert state changes. */
const ENTRY_KINDS: Partial<Record<TimelineEntry['type'], EventKind>> = {
  notification: 'notification',
  ack: 'ack',
  remediation: 'remediation',
}

/**
 * An incident timeline entry as an event. Deploys are logged once by the deploy itself
 * rather than once per open incident, so they give null here.
 */
export function timelineEvent(incident: IncidentSubject, entry: TimelineEntry): EventInput | null {
  if (entry.type === 'deploy') return null
  const { detail } = entry
  const kind = ENTRY_KINDS[entry.type] ?? 'alert'
  const base = {
    at: entry.at,
    check: incident.checkId,
    detail: { ...detail, incidentId: incident.incidentId },
  }
  const about = `${incident.checkId} (${incident.kind} incident ${incident.incidentId})`
  switch (entry.type) {
    case 'notification': {
      const outcome = text(detail.outcome)
      const error = detail.error ? `: ${text(detail.error)}` : ''
      return {
        ...base,
        kind,
        action: outcome || 'attempt',
        actor: 'hub',
        summary: `${text(detail.alert)} for ${incident.checkId} to ${text(detail.channel)} (${text(detail.channelType)}): ${outcome}${error}`,
      }
    }
    case 'ack':
      return {
        ...base,
        kind,
        action: 'acknowledged',
        summary: `${about} acknowledged by ${text(detail.by) || 'unknown'}${detail.comment ? `: ${text(detail.comment)}` : ''}`,
      }
    case 'remediation': {
      const why = detail.reason ?? detail.error
      return {
        ...base,
        kind,
        action: text(detail.outcome) || 'ran',
        summary: `${text(detail.action)} for ${about}: ${text(detail.outcome)}${why ? ` (${text(why)})` : ''}`,
      }
    }
    case 'fired':
    case 'resolved':
      return {
        ...base,
        kind,
        action: entry.type,
        actor: 'hub',
        summary: `${about} ${entry.type}${detail.regions ? ` (${text(detail.regions)})` : ''}`,
      }
    default:
      return {
        ...base,
        kind,
        action: entry.type,
        actor: 'hub',
        summary: `${about}: ${entry.type}${detail.reason ? ` (${text(detail.reason)})` : ''}`,
      }
  }
}

/** A deploy or rollback with its plan: what a review needs to tell whether it was the cause. */
export function deployEvent(event: DeployEvent): EventInput {
  const { checks, channels, warnings } = event.plan
  const rollback = /^rollback\b/i.test(event.source)
  const parts = [
    checks.added.length > 0 ? `added ${checks.added.map((c) => c.id).join(', ')}` : '',
    checks.removed.length > 0 ? `removed ${checks.removed.map((c) => c.id).join(', ')}` : '',
    checks.changed.length > 0 ? `changed ${checks.changed.map((c) => c.id).join(', ')}` : '',
  ].filter(Boolean)
  const version = event.deployed.bundle.version
  return {
    at: event.at,
    kind: rollback ? 'rollback' : 'deploy',
    action: rollback ? 'rolled back' : 'deployed',
    summary: `${rollback ? 'rolled back to a config as' : 'deployed'} ${version} from ${event.source}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`,
    detail: {
      version,
      source: event.source,
      checks: {
        added: checks.added.map((c) => c.id),
        removed: checks.removed.map((c) => c.id),
        changed: checks.changed.map((c) => ({ id: c.id, fields: c.fields.map((f) => f.path) })),
      },
      channels: {
        added: channels.added.map((c) => c.name),
        removed: channels.removed.map((c) => c.name),
        changed: channels.changed.map((c) => c.name),
      },
      alerting: (event.plan.alerting ?? []).map((f) => f.path),
      warnings: warnings ?? [],
    },
  }
}

/** A silence or maintenance window made or removed through the API or chat. */
export function windowEvent(change: WindowChange, at: number): EventInput {
  const { window } = change
  const what = [
    ...(window.match.checks ?? []).map((id) => `check ${id}`),
    ...(window.match.tags ?? []).map((tag) => `tag ${tag}`),
  ].join(', ')
  const single = window.match.checks?.length === 1 && !window.match.tags?.length
  const until = window.end !== undefined ? ` until ${new Date(window.end).toISOString()}` : ''
  const recurring = window.cron ? ` (${window.cron} for ${window.duration})` : ''
  return {
    at,
    kind: window.kind,
    action: change.action,
    check: single ? window.match.checks![0]! : null,
    summary: `${window.kind} ${window.id} ${change.action} for ${what}${until}${recurring}${window.reason ? `: ${window.reason}` : ''}`,
    detail: { ...window },
  }
}

/** A message or result that ingest refused. */
export function rejectionEvent(rejection: Rejection, at: number): EventInput {
  return {
    at,
    kind: 'rejected',
    action: rejection.scope,
    actor: rejection.sender,
    origin: rejection.sender,
    summary: `rejected a ${rejection.scope} from ${rejection.sender}: ${rejection.reason}`,
    detail: { ...rejection },
  }
}

/**
 * Turns probe statuses into joins, leaves, health changes and rejected bundles by
 * comparing each probe with what it said before.
 *
 * @example
 * const watch = new ProbeWatch()
 * for (const event of watch.observe('eu-west-1', registry.get('eu-west-1'), now)) events.append(event)
 */
export class ProbeWatch {
  readonly #last = new Map<string, ProbeInfo>()

  /** Seeds what the hub knew at start, so a restart does not log every probe as joining. */
  seed(probes: ProbeInfo[]): void {
    for (const probe of probes) this.#last.set(probe.probeId, probe)
  }

  /** The events between the probe's last known state and `now` (undefined: it was retired). */
  observe(probeId: string, now: ProbeInfo | undefined, at: number): EventInput[] {
    const before = this.#last.get(probeId)
    if (now) this.#last.set(probeId, now)
    else this.#last.delete(probeId)
    const base = { at, kind: 'probe' as const, actor: probeId, origin: probeId }
    if (!now) {
      return before ? [{ ...base, action: 'retired', summary: `probe ${probeId} retired` }] : []
    }
    const where = `${probeId} (${now.region})`
    const events: EventInput[] = []
    if (now.state !== before?.state) {
      const joined = now.state === 'online'
      const why = now.reason ?? (joined ? '' : 'connection lost')
      events.push({
        ...base,
        action: joined ? 'joined' : 'left',
        summary: `probe ${where} ${joined ? 'joined' : 'left'}${why ? ` (${why})` : ''}`,
        detail: { region: now.region, version: now.version, reason: now.reason ?? null },
      })
    }
    const healthy = now.health?.ok ?? true
    const wasHealthy = before?.health?.ok ?? true
    if (healthy !== wasHealthy) {
      events.push({
        ...base,
        action: healthy ? 'healthy' : 'unhealthy',
        summary: `probe ${where} is ${healthy ? 'healthy again' : `unhealthy: ${(now.health?.reasons ?? []).join('; ')}`}`,
        detail: { region: now.region, reasons: now.health?.reasons ?? [] },
      })
    }
    const rejected = Number(now.stats?.bundlesRejected ?? 0)
    const rejectedBefore = Number(before?.stats?.bundlesRejected ?? 0)
    if (before && rejected > rejectedBefore) {
      events.push({
        ...base,
        kind: 'rejected',
        action: 'bundle',
        summary: `probe ${where} rejected ${rejected - rejectedBefore} config bundle(s)`,
        detail: { region: now.region, bundlesRejected: rejected },
      })
    }
    return events
  }
}
