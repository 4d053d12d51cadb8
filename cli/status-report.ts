/**
 * The text `vantage status` prints: one line per check with its state, and under each
 * heartbeat its ping URL and timing. Pure, so the layout is tested without a hub.
 */
import type { CheckView } from '../hub/api/contract.ts'
import type { HeartbeatListItem } from '../hub/api/contract.ts'

/** Heartbeat details as fetched: the list, or why the hub would not give it. */
export type HeartbeatFetch = { ok: true; list: HeartbeatListItem[] } | { ok: false; reason: string }

/** Upper case where someone should look. */
function stateWord(check: CheckView): string {
  if (!check.enabled) return 'disabled'
  const status = check.state.status
  return status === 'down' || status === 'partial' ? status.toUpperCase() : status
}

function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
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
 * Formats the status report.
 * @example
 * formatStatus('http://hub:8080', checks, { ok: true, list }) // "STATE  CHECK ...\nup  api ..."
 */
export function formatStatus(
  hubUrl: string,
  checks: CheckView[],
  heartbeats: HeartbeatFetch,
): string {
  if (checks.length === 0) return `${hubUrl}: no checks deployed\n`
  const byId = new Map(heartbeats.ok ? heartbeats.list.map((item) => [item.id, item]) : [])
  const width = (values: string[], title: string) =>
    Math.max(title.length, ...values.map((value) => value.length))
  const states = checks.map(stateWord)
  const stateWidth = width(states, 'STATE')
  const idWidth = width(
    checks.map((check) => check.id),
    'CHECK',
  )
  const kindWidth = width(
    checks.map((check) => check.kind),
    'KIND',
  )
  const row = (state: string, id: string, kind: string, target: string) =>
    `${state.padEnd(stateWidth)}  ${id.padEnd(idWidth)}  ${kind.padEnd(kindWidth)}  ${target}`.trimEnd()

  const lines = [
    `${hubUrl}: ${checks.length} check(s)`,
    '',
    row('STATE', 'CHECK', 'KIND', 'TARGET'),
  ]
  checks.forEach((check, index) => {
    lines.push(row(states[index]!, check.id, check.kind, check.target))
    if (check.kind === 'heartbeat') lines.push(...heartbeatLines(byId.get(check.id), heartbeats))
  })
  const hasHeartbeats = checks.some((check) => check.kind === 'heartbeat')
  if (hasHeartbeats && !heartbeats.ok) {
    lines.push('', `Ping URLs are hidden: ${heartbeats.reason}`)
  }
  return `${lines.join('\n')}\n`
}
