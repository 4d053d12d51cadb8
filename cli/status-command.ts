/**
 * `vantage status`: every check of a running hub with its state, since when, and what
 * holds it (maintenance, a silence, an acknowledged incident), and heartbeats' ping
 * URLs; `--json` for scripts. The exit code says whether anything is DOWN.
 */
import { Command, Option } from 'commander'
import type {
  CheckView,
  HeartbeatListItem,
  IncidentListItem,
  WindowView,
} from '../hub/api/contract.ts'
import { HubRequestError, TokenRefusedError, type HubClient } from './hub-client.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'
import {
  formatStatus,
  statusExitCode,
  statusJson,
  type HeartbeatFetch,
  type StatusData,
} from './status-report.ts'

/**
 * The heartbeats with their ping URLs, or why they are hidden. A token the hub refuses
 * is thrown on: the user passed one, and it is wrong.
 */
async function fetchHeartbeats(hub: HubClient, hubUrl: string): Promise<HeartbeatFetch> {
  try {
    return { ok: true, list: await hub.get<HeartbeatListItem[]>('/api/v1/heartbeats') }
  } catch (error) {
    if (error instanceof TokenRefusedError || !(error instanceof HubRequestError)) throw error
    if (error.status === 404) {
      return { ok: false, reason: `${hubUrl} has no /api/v1/heartbeats route (an older version?)` }
    }
    if (error.status === 401) {
      return {
        ok: false,
        reason: 'this route needs the API token; pass --api-token or VANTAGE_API_TOKEN',
      }
    }
    return { ok: false, reason: error.message }
  }
}

/** A list the hub may not have (a hub without alerting has no windows or incidents): empty then. */
async function optionalList<T>(hub: HubClient, path: string): Promise<T[]> {
  try {
    return await hub.get<T[]>(path)
  } catch (error) {
    if (error instanceof HubRequestError && error.status === 404) return []
    throw error
  }
}

async function optionalWindows(hub: HubClient, path: string): Promise<WindowView[]> {
  try {
    return (await hub.get<{ windows: WindowView[] }>(path)).windows
  } catch (error) {
    if (error instanceof HubRequestError && error.status === 404) return []
    throw error
  }
}

/** One page of `GET /api/v1/checks`; hubs before paging answered a bare array. */
type CheckPage = CheckView[] | { checks: CheckView[]; nextCursor: string | null }

/** Every check, page after page. */
export async function fetchChecks(hub: HubClient): Promise<CheckView[]> {
  const checks: CheckView[] = []
  let cursor: string | null = null
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`
    const page: CheckPage = await hub.get<CheckPage>(`/api/v1/checks?limit=500${query}`)
    if (Array.isArray(page)) return page
    checks.push(...page.checks)
    cursor = page.nextCursor
  } while (cursor !== null)
  return checks
}

/** Everything the report shows, asked of the hub at once after the check list. */
export async function fetchStatus(
  hub: HubClient,
  hubUrl: string,
  withToken: boolean,
): Promise<StatusData> {
  const checks = await fetchChecks(hub)
  // With a token, the heartbeat list is asked for even without heartbeats: it is the
  // route that proves the token, so a wrong one is reported rather than ignored.
  const wantHeartbeats = withToken || checks.some((check) => check.kind === 'heartbeat')
  const [heartbeats, silences, maintenance, incidents] = await Promise.all([
    wantHeartbeats
      ? fetchHeartbeats(hub, hubUrl)
      : Promise.resolve<HeartbeatFetch>({ ok: true, list: [] }),
    optionalWindows(hub, '/api/v1/silences?active=true'),
    optionalWindows(hub, '/api/v1/maintenance?active=true'),
    optionalList<IncidentListItem>(hub, '/api/v1/incidents?open=true&limit=500'),
  ])
  return { checks, heartbeats, silences, maintenance, incidents }
}

export function statusCommand(): Command {
  return addHubOptions(new Command('status'), {
    hub: "the hub's HTTP address (its API and status page)",
    apiToken:
      "the hub's API token (its --api-token); needed to see ping URLs unless run on the hub machine",
  })
    .description(
      "show every check of a running hub with its state and what holds it, and each heartbeat's ping URL",
    )
    .addOption(new Option('--json', 'print the report as JSON (stable fields, for scripts)'))
    .addHelpText(
      'after',
      `
Columns: SINCE is how long the check has been in its state; MAINTENANCE and SILENCED
name the window in force and the time it has left; ACKED who acknowledged its incident.

Ping URLs are secrets: the hub hands them out only with its API token, or, when it
has none, only to clients on the hub machine itself (loopback, not through a proxy).
Without access, checks are still listed and the URLs are marked hidden.

Exit codes:
  0  every enabled check is up, degraded, partial or not yet known
  1  the hub could not be reached, or answered with an error
  3  the hub refused the API token given with --api-token or VANTAGE_API_TOKEN
  4  at least one enabled check is DOWN (also with --json)

Examples:
  vantage status                                   a hub on this machine
  VANTAGE_API_TOKEN=... vantage status --hub https://hub.example.com
  vantage status --json | jq '.checks[] | select(.status == "down") | .id'`,
    )
    .action(async (flags: HubFlags & { json?: boolean }) => {
      let data: StatusData
      try {
        const hub = hubClientFor(flags, 'status', 'checks')
        data = await fetchStatus(hub, flags.hub, Boolean(flags.apiToken))
      } catch (error) {
        failWith('status', error)
      }
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(statusJson(flags.hub, data), null, 2)}\n`
          : formatStatus(flags.hub, data, Date.now()),
      )
      process.exitCode = statusExitCode(data.checks)
    })
}
