/** `vantage status`: every check of a running hub with its state, and heartbeats' ping URLs. */
import { Command } from 'commander'
import type { CheckView } from '../hub/api/contract.ts'
import type { HeartbeatListItem } from '../hub/api/contract.ts'
import { addHubOptions, type HubFlags } from './hub-options.ts'
import { formatStatus, type HeartbeatFetch } from './status-report.ts'

/** A hub that does not answer within this is reported as unreachable rather than waited on. */
const REQUEST_TIMEOUT_MS = 10_000

async function get(url: string, token?: string): Promise<Response> {
  return fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
}

/** The hub's error text, or the status line when the body is not the API's JSON error. */
async function reasonOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null
  return typeof body?.error === 'string' ? body.error : `HTTP ${response.status}`
}

async function fetchHeartbeats(hub: string, token?: string): Promise<HeartbeatFetch> {
  const response = await get(`${hub}/api/v1/heartbeats`, token)
  if (response.ok) return { ok: true, list: (await response.json()) as HeartbeatListItem[] }
  if (response.status === 404) {
    return { ok: false, reason: 'this hub has no /api/v1/heartbeats route (an older version?)' }
  }
  return { ok: false, reason: await reasonOf(response) }
}

function fail(message: string): never {
  process.stderr.write(`vantage status: ${message}\n`)
  process.exit(1)
}

export function statusCommand(): Command {
  return addHubOptions(new Command('status'), {
    hub: "the hub's HTTP address (its API and status page)",
    apiToken:
      "the hub's API token (its --api-token); needed to see ping URLs unless run on the hub machine",
  })
    .description("show every check of a running hub with its state, and each heartbeat's ping URL")
    .addHelpText(
      'after',
      `
Ping URLs are secrets: the hub hands them out only with its API token, or, when it
has none, only to clients on the hub machine itself (loopback, not through a proxy).
Without access, checks are still listed and the URLs are marked hidden.

Examples:
  vantage status                                   a hub on this machine
  VANTAGE_API_TOKEN=... vantage status --hub https://hub.example.com`,
    )
    .action(async (flags: HubFlags) => {
      let checks: CheckView[]
      let heartbeats: HeartbeatFetch
      try {
        const response = await get(`${flags.hub}/api/v1/checks`)
        if (!response.ok) fail(`${flags.hub} answered ${await reasonOf(response)}`)
        checks = (await response.json()) as CheckView[]
        heartbeats = checks.some((check) => check.kind === 'heartbeat')
          ? await fetchHeartbeats(flags.hub, flags.apiToken)
          : { ok: true, list: [] }
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code
        fail(
          `cannot reach the hub at ${flags.hub} (${cause ?? (error as Error).message}); is it running? Set --hub`,
        )
      }
      process.stdout.write(formatStatus(flags.hub, checks, heartbeats))
    })
}
