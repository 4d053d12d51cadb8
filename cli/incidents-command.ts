/**
 * `vantage incidents list|show|report`: a running hub's incidents, one incident with
 * its timeline, and the Markdown correction-of-error report for post-incident review.
 */
import { writeFile } from 'node:fs/promises'
import { Command, InvalidArgumentError, Option } from 'commander'
import type { IncidentDetail, IncidentListItem } from '../hub/api/incident-routes.ts'
import { createHubClient, HubRequestError } from './hub-client.ts'
import { formatIncidentDetail, formatIncidentList } from './incidents-format.ts'
import { parseHttpUrl } from './options.ts'

/** Flags every incident command takes. */
export interface HubFlags {
  hub: string
  apiToken?: string
}

interface ListFlags extends HubFlags {
  check?: string
  open?: boolean
  limit: number
  json?: boolean
}

/** A hub that does not answer within this is reported, not waited on. */
const REQUEST_TIMEOUT_MS = 30_000
/** The hub's own cap on one list. */
const MAX_LIMIT = 500

function parseLimit(value: string): number {
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidArgumentError(`"${value}" is not a number from 1 to ${MAX_LIMIT}`)
  }
  return limit
}

/** Adds `--hub` and `--api-token`, as `vantage status` has them. */
export function withHubOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--hub <url>', "the hub's HTTP address (its API)")
        .env('VANTAGE_HUB_URL')
        .default('http://localhost:8080')
        .argParser(parseHttpUrl),
    )
    .addOption(
      new Option(
        '--api-token <token>',
        "the hub's API token (its --api-token); not needed on the hub machine when it has none",
      ).env('VANTAGE_API_TOKEN'),
    )
}

/**
 * Prints a refused or failed request and exits 1. A 404 that is not about the incident
 * means the hub has no incident routes at all.
 */
export function failWith(command: string, hub: string, error: unknown): never {
  if (!(error instanceof HubRequestError)) throw error
  const message =
    error.status === 404 && !error.message.startsWith('no incident')
      ? `${hub} has no incidents API (a hub older than vantage ${command}?)`
      : error.message
  process.stderr.write(`vantage ${command}: ${message}\n`)
  process.exit(1)
}

/** The report is Markdown, not JSON, so it is fetched as text rather than through the client. */
async function fetchReport(flags: HubFlags, id: string): Promise<string> {
  const token = flags.apiToken || undefined
  let response: Response
  try {
    response = await fetch(`${flags.hub}/api/v1/incidents/${encodeURIComponent(id)}/report`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    throw new HubRequestError(
      `cannot reach the hub at ${flags.hub} (${cause ?? (error as Error).message}); ` +
        'is it running? Set --hub (or VANTAGE_HUB_URL)',
    )
  }
  if (response.ok) return response.text()
  const body = (await response.json().catch(() => ({}))) as { error?: unknown }
  const said = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`
  throw new HubRequestError(said, response.status)
}

function out(text: string): void {
  process.stdout.write(text)
}

function listCommand(): Command {
  return withHubOptions(new Command('list'))
    .description('list incidents, newest first')
    .addOption(new Option('--check <id>', "only this check's incidents"))
    .addOption(new Option('--open', 'only incidents that are still open'))
    .addOption(
      new Option('--limit <n>', `at most this many (1-${MAX_LIMIT})`)
        .default(50)
        .argParser(parseLimit),
    )
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .action(async (flags: ListFlags) => {
      const query = new URLSearchParams({ limit: String(flags.limit) })
      if (flags.check) query.set('check', flags.check)
      if (flags.open) query.set('open', 'true')
      try {
        const hub = createHubClient(flags.hub, flags.apiToken)
        const items = await hub.get<IncidentListItem[]>(`/api/v1/incidents?${query}`)
        out(flags.json ? `${JSON.stringify(items, null, 2)}\n` : formatIncidentList(items))
      } catch (error) {
        failWith('incidents', flags.hub, error)
      }
    })
}

function showCommand(): Command {
  return withHubOptions(new Command('show'))
    .description('show one incident: what failed, its impact and its timeline')
    .argument('<id>', 'the incident id (from vantage incidents list)')
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .action(async (id: string, flags: HubFlags & { json?: boolean }) => {
      try {
        const hub = createHubClient(flags.hub, flags.apiToken)
        const detail = await hub.get<IncidentDetail>(`/api/v1/incidents/${encodeURIComponent(id)}`)
        out(flags.json ? `${JSON.stringify(detail, null, 2)}\n` : formatIncidentDetail(detail))
      } catch (error) {
        failWith('incidents', flags.hub, error)
      }
    })
}

function reportCommand(): Command {
  return withHubOptions(new Command('report'))
    .description('print the Markdown correction-of-error report of an incident')
    .argument('<id>', 'the incident id (from vantage incidents list)')
    .addOption(new Option('--output <file>', 'write the report to this file instead'))
    .action(async (id: string, flags: HubFlags & { output?: string }) => {
      let markdown: string
      try {
        markdown = await fetchReport(flags, id)
      } catch (error) {
        failWith('incidents', flags.hub, error)
      }
      if (!flags.output) return out(markdown)
      try {
        await writeFile(flags.output, markdown)
      } catch (error) {
        process.stderr.write(
          `vantage incidents: cannot write ${flags.output}: ${(error as Error).message}\n`,
        )
        process.exit(1)
      }
      out(`wrote the report of ${id} to ${flags.output}\n`)
    })
}

/**
 * @example
 * registerIncidentCommands(program) // vantage incidents list|show|report
 */
export function registerIncidentCommands(program: Command): void {
  program.addCommand(
    new Command('incidents')
      .description("a running hub's incidents, their timelines and post-incident reports")
      .addCommand(listCommand())
      .addCommand(showCommand())
      .addCommand(reportCommand())
      .addHelpText(
        'after',
        `
Exit codes: 0 done; 1 the hub refused, has no such incident, or could not be reached.

Examples:
  vantage incidents list --open --hub https://hub.example.com
  vantage incidents list --check api-health --limit 10
  vantage incidents show 01KJM6Q1Z8X4AB5C6D7E8F9G0H
  vantage incidents report 01KJM6Q1Z8X4AB5C6D7E8F9G0H --output incident.md`,
      ),
  )
}
