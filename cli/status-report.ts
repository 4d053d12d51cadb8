/**
 * What `vantage status` prints: one line per check with its state, since when, and
 * whether a maintenance window or a silence holds it or its incident is acknowledged;
 * under each heartbeat its ping URL and timing. Or, with `--json`, the same as one
 * stable JSON document. Pure, so the layout is tested without a hub.
 */
import { matches } from '../checks/alerting.ts'
import { formatDuration } from '../checks/duration.ts'
import type {
  CheckView,
  HeartbeatListItem,
  IncidentListItem,
  WindowView,
} from '../hub/api/contract.ts'

/** Heartbeat details as fetched: the list, or why the hub would not give it. */
export type HeartbeatFetch = { ok: true; list: HeartbeatListItem[] } | { ok: false; reason: string }

/** Exit codes of `vantage status`, as documented in its help. */
export const STATUS_EXIT = {
  /** Every enabled check is up, degraded, partial or not yet known. */
  ok: 0,
  /** The hub could not be reached or refused the request for another reason. */
  failed: 1,
  /** The hub refused the API token. */
  tokenRefused: 3,
  /** At least one enabled check is DOWN. */
  down: 4,
} as const

/** Everything the report is made of, as the hub answered it. */
export interface StatusData {
  checks: CheckView[]
  heartbeats: HeartbeatFetch
  /** Windows in force now; empty when the hub has no alerting. */
  silences: WindowView[]
  maintenance: WindowView[]
  /** Open incidents. */
  incidents: IncidentListItem[]
}

/** A window holding a check now. */
export interface WindowNote {
  id: string
  reason: string | null
  /** When the span in force ends (epoch ms). */
  until: number | null
}

/** One check in `--json`: the hub's state, flattened, with what holds it. */
export interface StatusCheck {
  id: string
  name: string
  kind: string
  target: string
  tags: string[]
  enabled: boolean
  /** The alert engine's status; `down` is what makes the exit code 4. */
  status: string
  /** When the check entered this status (epoch ms), or null. */
  since: number | null
  failingRegions: string[]
  incidentId: string | null
  maintenance: WindowNote | null
  silenced: WindowNote | null
  acked: { by: string; at: number; incidentId: string } | null
  availability: CheckView['availability']
}

/** The `--json` document. Fields are only ever added, never renamed. */
export interface StatusJson {
  hub: string
  /** Ids of the enabled checks that are DOWN. */
  down: string[]
  checks: StatusCheck[]
  /** Every heartbeat with its ping URL, or null when the hub would not show them. */
  heartbeats: HeartbeatListItem[] | null
  /** Why `heartbeats` is null. */
  heartbeatsHidden?: string
}

const isDown = (check: CheckView) => check.enabled && check.state.status === 'down'

/** The exit code for these checks: 4 when any enabled one is DOWN, else 0. */
export function statusExitCode(checks: CheckView[]): number {
  return checks.some(isDown) ? STATUS_EXIT.down : STATUS_EXIT.ok
}

function windowNote(windows: WindowView[], check: CheckView): WindowNote | null {
  const found = windows.find((window) => window.active && matches(window.match, check))
  if (!found) return null
  return { id: found.id, reason: found.reason ?? null, until: found.current?.end ?? null }
}

function ackNote(incidents: IncidentListItem[], check: CheckView): StatusCheck['acked'] {
  const incident =
    incidents.find((item) => item.id === check.state.incidentId) ??
    incidents.find((item) => item.check === check.id && item.kind === 'down')
  if (!incident?.acked) return null
  return { ...incident.acked, incidentId: incident.id }
}

/** Each check with its state and what holds it, in the hub's order. */
export function statusChecks(data: StatusData): StatusCheck[] {
  return data.checks.map((check) => ({
    id: check.id,
    name: check.name,
    kind: check.kind,
    target: check.target,
    tags: check.tags,
    enabled: check.enabled,
    status: check.state.status,
    since: check.state.since,
    failingRegions: check.state.failingRegions,
    incidentId: check.state.incidentId,
    maintenance: windowNote(data.maintenance, check),
    silenced: windowNote(data.silences, check),
    acked: ackNote(data.incidents, check),
    availability: check.availability,
  }))
}

/** The `--json` document. */
export function statusJson(hubUrl: string, data: StatusData): StatusJson {
  const json: StatusJson = {
    hub: hubUrl,
    down: data.checks.filter(isDown).map((check) => check.id),
    checks: statusChecks(data),
    heartbeats: data.heartbeats.ok ? data.heartbeats.list : null,
  }
  if (!data.heartbeats.ok) json.heartbeatsHidden = data.heartbeats.reason
  return json
}

/** Upper case where someone should look. */
function stateWord(check: StatusCheck): string {
  if (!check.enabled) return 'disabled'
  return check.status === 'down' || check.status === 'partial'
    ? check.status.toUpperCase()
    : check.status
}

function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** `3h12m`: how long ago, to the minute (seconds only under a minute). */
function age(ms: number): string {
  return formatDuration(ms < 60_000 ? Math.max(0, ms) : Math.floor(ms / 60_000) * 60_000)
}

function windowCell(note: WindowNote | null, now: number): string {
  if (!note) return '-'
  if (note.until === null) return note.id
  const left = Math.ceil(Math.max(0, note.until - now) / 60_000) * 60_000
  return `${note.id} (${formatDuration(left)} left)`
}

function heartbeatLines(item: HeartbeatListItem | undefined, fetch: HeartbeatFetch): string[] {
  const indent = '    '
  if (!fetch.ok) return [`${indent}ping URL   (hidden; see below)`]
  if (!item) return [`${indent}ping URL   (not reported by the hub)`]
  const last = item.lastPing ? `${when(item.lastPing.at)} (${item.lastPing.kind})` : 'never'
  const lines = [`${indent}ping URL   ${item.pingUrl ?? '(hidden)'}`, `${indent}last ping  ${last}`]
  if (item.runStartedAt !== null) lines.push(`${indent}running    since ${when(item.runStartedAt)}`)
  if (item.nextDeadline !== null) lines.push(`${indent}due by     ${when(item.nextDeadline)}`)
  return lines
}

/**
 * Formats the status report at `now` (for the SINCE column and the time left of windows).
 * @example
 * formatStatus('http://hub:8080', data, Date.now()) // "STATE  CHECK ...\nup  api ..."
 */
export function formatStatus(hubUrl: string, data: StatusData, now: number): string {
  const { heartbeats } = data
  if (data.checks.length === 0) return `${hubUrl}: no checks deployed\n`
  const byId = new Map(heartbeats.ok ? heartbeats.list.map((item) => [item.id, item]) : [])
  const checks = statusChecks(data)
  const header = ['STATE', 'CHECK', 'KIND', 'SINCE', 'MAINTENANCE', 'SILENCED', 'ACKED', 'TARGET']
  const rows = checks.map((check) => [
    stateWord(check),
    check.id,
    check.kind,
    check.since === null ? '-' : age(now - check.since),
    windowCell(check.maintenance, now),
    windowCell(check.silenced, now),
    check.acked ? `by ${check.acked.by}` : '-',
    check.target,
  ])
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd()

  const lines = [`${hubUrl}: ${checks.length} check(s)`, '', line(header)]
  checks.forEach((check, index) => {
    lines.push(line(rows[index]!))
    if (check.kind === 'heartbeat') lines.push(...heartbeatLines(byId.get(check.id), heartbeats))
  })
  const hasHeartbeats = checks.some((check) => check.kind === 'heartbeat')
  if (hasHeartbeats && !heartbeats.ok) {
    lines.push('', `Ping URLs are hidden: ${heartbeats.reason}`)
  }
  const down = checks.filter((check) => check.enabled && check.status === 'down').length
  if (down > 0) lines.push('', `${down} check(s) DOWN`)
  return `${lines.join('\n')}\n`
}
