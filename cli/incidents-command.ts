/**
 * `vantage incidents list|show|report`: a running hub's incidents, one incident with
 * its timeline, and the Markdown correction-of-error report for post-incident review.
 */
import { writeFile } from 'node:fs/promises'
import { Command, InvalidArgumentError, Option } from 'commander'
import type { IncidentDetail, IncidentListItem } from '../hub/api/contract.ts'
import type { HubClient } from './hub-client.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'
import { formatIncidentDetail, formatIncidentList } from './incidents-format.ts'

interface ListFlags extends HubFlags {
  check?: string
  open?: boolean
  limit: number
  json?: boolean
}

/** The hub's own cap on one list. */
const MAX_LIMIT = 500

function parseLimit(value: string): number {
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidArgumentError(`"${value}" is not a number from 1 to ${MAX_LIMIT}`)
  }
  return limit
}

/** The client every incident command uses; its advice names the incidents API. */
function incidentsHub(flags: HubFlags): HubClient {
  return hubClientFor(flags, 'incidents', 'incidents')
}

function out(text: string): void {
  process.stdout.write(text)
}

function listCommand(): Command {
  return addHubOptions(new Command('list'))
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
        const hub = incidentsHub(flags)
        const items = await hub.get<IncidentListItem[]>(`/api/v1/incidents?${query}`)
        out(flags.json ? `${JSON.stringify(items, null, 2)}\n` : formatIncidentList(items))
      } catch (error) {
        failWith('incidents', error)
      }
    })
}

function showCommand(): Command {
  return addHubOptions(new Command('show'))
    .description('show one incident: what failed, its impact and its timeline')
    .argument('<id>', 'the incident id (from vantage incidents list)')
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .action(async (id: string, flags: HubFlags & { json?: boolean }) => {
      try {
        const hub = incidentsHub(flags)
        const detail = await hub.get<IncidentDetail>(`/api/v1/incidents/${encodeURIComponent(id)}`)
        out(flags.json ? `${JSON.stringify(detail, null, 2)}\n` : formatIncidentDetail(detail))
      } catch (error) {
        failWith('incidents', error)
      }
    })
}

function reportCommand(): Command {
  return addHubOptions(new Command('report'))
    .description('print the Markdown correction-of-error report of an incident')
    .argument('<id>', 'the incident id (from vantage incidents list)')
    .addOption(new Option('--output <file>', 'write the report to this file instead'))
    .action(async (id: string, flags: HubFlags & { output?: string }) => {
      let markdown: string
      try {
        markdown = await incidentsHub(flags).getText(
          `/api/v1/incidents/${encodeURIComponent(id)}/report`,
        )
      } catch (error) {
        failWith('incidents', error)
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
Exit codes: 0 done; 1 the hub refused, has no such incident, or could not be reached;
3 the hub refused the API token.

Examples:
  vantage incidents list --open --hub https://hub.example.com
  vantage incidents list --check api-health --limit 10
  vantage incidents show 01KJM6Q1Z8X4AB5C6D7E8F9G0H
  vantage incidents report 01KJM6Q1Z8X4AB5C6D7E8F9G0H --output incident.md`,
      ),
  )
}
