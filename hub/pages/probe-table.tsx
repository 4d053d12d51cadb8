// The hub may run from a user's project with another tsconfig: pin the JSX runtime here.
/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** The probes section of the status page: who is measuring, from where, and whether it is alive. */
import type { FC } from 'hono/jsx'
import type { ProbeInfo } from '../probes/probe-info.ts'
import { formatAgo, formatDateTime } from './format.ts'

/** What the status pill says: a probe taken down on purpose is not shown as one that failed. */
function stateLabel(probe: ProbeInfo): string {
  if (probe.drained || probe.reason === 'draining') return 'Draining'
  if (probe.state === 'online') return 'Online'
  return probe.reason === 'stopped' ? 'Stopped' : 'Offline'
}

/** Probes sorted as given, with their state and how long ago they were last heard from. */
export const ProbeTable: FC<{ probes: ProbeInfo[]; now: number }> = ({ probes, now }) =>
  probes.length === 0 ? (
    <div class="card empty">No probe has connected yet.</div>
  ) : (
    <table class="probes">
      <thead>
        <tr>
          <th>Probe</th>
          <th>Region</th>
          <th>Status</th>
          <th>Last seen</th>
          <th class="version">Version</th>
        </tr>
      </thead>
      <tbody>
        {probes.map((probe) => (
          <tr>
            <td class="mono">{probe.probeId}</td>
            <td>{probe.region}</td>
            <td>
              <span class={`pill ${probe.state}`}>{stateLabel(probe)}</span>
            </td>
            <td title={formatDateTime(probe.lastSeen)}>{formatAgo(probe.lastSeen, now)}</td>
            <td class="mono muted version">{probe.version}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
