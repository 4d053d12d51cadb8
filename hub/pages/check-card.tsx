// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/**
 * One check on the status page: name, target and state, the last hour as a bar of
 * minutes, overall availability, and a tile per region with its last result.
 */
import type { FC } from 'hono/jsx'
import type { MinuteBar, RegionView } from '../views/check-view.ts'
import type { CheckAlertStatus } from '../alerts/alert-state.ts'
import {
  formatAgo,
  formatClock,
  formatDateTime,
  formatLatency,
  formatPercent,
  formatSpan,
} from './format.ts'
import type { StatusPageCheck } from '../views/status-page-model.ts'

const STATE_LABELS: Record<CheckAlertStatus, string> = {
  up: 'Up',
  degraded: 'Degraded',
  partial: 'Partial',
  insufficient: 'Too few probes',
  down: 'Down',
  unknown: 'Unknown',
}

const REGION_STATE_LABELS: Record<RegionView['state'], string> = {
  passing: 'passing',
  degraded: 'degraded',
  failing: 'failing',
  inconclusive: 'inconclusive',
  offline: 'no probe online',
  unknown: 'no verdict yet',
}

function stateTitle(check: StatusPageCheck, now: number): string {
  const { status, since, failingRegions, incidentId } = check.state
  const lines = [
    since === null
      ? STATE_LABELS[status]
      : `${STATE_LABELS[status]} for ${formatSpan(now - since)}, since ${formatDateTime(since)}`,
  ]
  if (failingRegions.length > 0) lines.push(`Failing in ${failingRegions.join(', ')}`)
  if (check.state.quorum !== undefined) lines.push(`Quorum: ${check.state.quorum} region(s)`)
  if (status === 'insufficient') lines.push('Too few regions with a conclusive result to decide')
  if (check.state.flapping) lines.push('Flapping: alerts are held back until it settles')
  if (check.state.inhibitedRegions?.length) {
    lines.push(`Left out (region connectivity): ${check.state.inhibitedRegions.join(', ')}`)
  }
  if (incidentId) lines.push(`Incident ${incidentId}`)
  return lines.join('\n')
}

/** The check's state as a pill, with how long it has been so. */
const StateBadge: FC<{ check: StatusPageCheck; now: number }> = ({ check, now }) => {
  if (!check.enabled) {
    return (
      <div class="state">
        <span class="pill paused" title="This check is disabled in the monitoring config">
          Paused
        </span>
      </div>
    )
  }
  const { status, since } = check.state
  return (
    <div class="state" title={stateTitle(check, now)}>
      <span class={`pill ${status}`}>{STATE_LABELS[status]}</span>
      {check.state.flapping && <span class="pill flapping">Flapping</span>}
      {check.inMaintenance && (
        <span class="pill paused" title="A maintenance window covers this check">
          Maintenance
        </span>
      )}
      {since !== null && <span class="since">for {formatSpan(now - since)}</span>}
    </div>
  )
}

function minuteTitle(minute: MinuteBar, current: boolean): string {
  const clock = `${formatClock(minute.start)} UTC`
  if (minute.status === null) return `${clock}: ${current ? 'in progress' : 'no results'}`
  const parts = [clock]
  for (const status of ['up', 'degraded', 'down', 'inconclusive'] as const) {
    if (minute[status] > 0) parts.push(`${minute[status]} ${status}`)
  }
  const conclusive = minute.up + minute.degraded + minute.down
  if (conclusive > 0) parts.push(`avg ${formatLatency(minute.durationSum / conclusive)}`)
  return parts.join(' · ')
}

/**
 * The last hour, one segment per minute, coloured by the worst result in it. The
 * current minute is still filling up: without results yet it is drawn as pending,
 * not as a gap.
 */
const MinuteStrip: FC<{ minutes: MinuteBar[] }> = ({ minutes }) => (
  <div class="bar" role="img" aria-label={`Results of the last ${minutes.length} minutes`}>
    {minutes.map((minute, index) => {
      const current = index === minutes.length - 1
      const kind = minute.status ?? (current ? 'pending' : 'none')
      return <span class={kind} title={minuteTitle(minute, current)}></span>
    })}
  </div>
)

function lastResultText(view: RegionView): string {
  const latest = view.latest
  if (!latest) return 'no data'
  if (latest.status === 'down') return latest.error?.code ?? 'down'
  if (latest.status === 'inconclusive') return 'inconclusive'
  return formatLatency(latest.latencyMs)
}

function regionTitle(region: string, view: RegionView, now: number): string {
  const lines = [`${region}: ${REGION_STATE_LABELS[view.state]}`]
  const latest = view.latest
  if (!latest) return [...lines, 'No result yet'].join('\n')
  const when = `${formatAgo(latest.at, now)} (${formatDateTime(latest.at)})`
  lines.push(
    `Last result: ${latest.status}, ${formatLatency(latest.latencyMs)}, ${when}`,
    `Probe: ${latest.probeId}`,
  )
  if (latest.error) lines.push(`${latest.error.code}: ${latest.error.message}`)
  const latency = view.latency
  if (latency?.baselineMs != null) {
    const score = latency.score === null ? '' : `, anomaly score ${latency.score.toFixed(2)}`
    lines.push(
      `Latency ${formatLatency(latency.currentMs)}, usual ${formatLatency(latency.baselineMs)}${score}`,
    )
  }
  for (const reason of latency?.reasons ?? []) lines.push(`Slow: ${reason}`)
  return lines.join('\n')
}

interface RegionTileProps {
  region: string
  view: RegionView
  check: StatusPageCheck
  now: number
}

const RegionTile: FC<RegionTileProps> = ({ region, view, check, now }) => (
  <li class={`region ${view.state}`} title={regionTitle(region, view, now)}>
    <div class="line">
      <span class="dot"></span>
      <span class="name">{region}</span>
      <span class={`last ${view.latest?.status ?? 'none'}`}>{lastResultText(view)}</span>
    </div>
    <div class="avail">
      1 h {formatPercent(check.availability['1h'].regions[region] ?? null)} · 24 h{' '}
      {formatPercent(check.availability['24h'].regions[region] ?? null)}
    </div>
    {view.latency?.baselineMs != null && (
      <div class={`usual${view.latency.reasons.length > 0 ? ' slow' : ''}`}>
        {view.latency.reasons.length > 0 ? 'slow: ' : ''}
        {formatLatency(view.latency.currentMs)}, usual {formatLatency(view.latency.baselineMs)}
      </div>
    )}
  </li>
)

/** A check's card on the status page. */
export const CheckCard: FC<{ check: StatusPageCheck; now: number }> = ({ check, now }) => (
  <article class="card" id={`check-${check.id}`}>
    <div class="card-head">
      <div class="card-title">
        <h3>
          {check.name}
          <span class="kind">{check.kind}</span>
        </h3>
        <div class="target mono" title={check.target}>
          {check.target}
        </div>
      </div>
      <div class="uptime" title="Time not in a confirmed outage">
        <div>
          <strong>{formatPercent(check.availability['1h'].overall)}</strong>
          <span>1 hour</span>
        </div>
        <div>
          <strong>{formatPercent(check.availability['24h'].overall)}</strong>
          <span>24 hours</span>
        </div>
      </div>
      <StateBadge check={check} now={now} />
    </div>
    <MinuteStrip minutes={check.minutes} />
    <div class="axis">
      <span>{check.minutes.length} min ago</span>
      <span>now</span>
    </div>
    <ul class="regions">
      {Object.entries(check.regions).map(([region, view]) => (
        <RegionTile region={region} view={view} check={check} now={now} />
      ))}
    </ul>
    {check.evidence && (
      <figure class="evidence">
        <a href={check.evidence.url}>
          <img
            src={check.evidence.url}
            alt={`Screenshot of the last failed run of ${check.name}`}
            loading="lazy"
          />
        </a>
        <figcaption>
          Last failed run, {formatAgo(check.evidence.at, now)} ({formatDateTime(check.evidence.at)})
        </figcaption>
      </figure>
    )}
  </article>
)
