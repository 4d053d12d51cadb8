/**
 * `vantage events`: the hub's event log, newest first: alerts and notifications, acks,
 * silences, deploys, probe changes, rejections, remediation and commands, with who did
 * what from where. Filters by check, kind and time, for a root-cause review.
 */
import { Command, InvalidArgumentError, Option } from 'commander'
import { parseDuration } from '../checks/duration.ts'
import type { EventList, HubEvent } from '../hub/api/contract.ts'
import { EVENT_KINDS } from '../hub/events/event-log.ts'
import { utc } from '../hub/incidents/timeline-text.ts'
import { alignColumns } from '../hub/runs/run-table.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'

interface EventsFlags extends HubFlags {
  check?: string
  kind?: string
  since?: number
  until?: number
  limit: number
  json?: boolean
}

/** `1h` (that long ago) or an ISO 8601 time, as epoch ms. */
export function parseWhen(value: string, now = Date.now()): number {
  const trimmed = value.trim()
  if (/^\d/.test(trimmed) && !/^\d{4}-/.test(trimmed)) {
    try {
      return now - parseDuration(trimmed)
    } catch {
      // Not a duration: try a time below.
    }
  }
  const at = Date.parse(trimmed)
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    throw new InvalidArgumentError(
      `"${value}" is neither a duration ago (e.g. 2h) nor a time (e.g. 2026-03-01T12:00:00Z)`,
    )
  }
  return at
}

function parseKinds(value: string): string {
  const unknown = value.split(',').filter((k) => !(EVENT_KINDS as readonly string[]).includes(k))
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown kind ${unknown.join(', ')} (kinds: ${EVENT_KINDS.join(', ')})`,
    )
  }
  return value
}

function parseLimit(value: string): number {
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000) {
    throw new InvalidArgumentError(`"${value}" is not a number from 1 to 1000`)
  }
  return limit
}

/** One line per event, oldest at the bottom as the hub answers (newest first). */
export function formatEvents(events: readonly HubEvent[]): string {
  if (events.length === 0) return 'no events\n'
  const rows = [
    ['TIME (UTC)', 'KIND', 'ACTION', 'CHECK', 'WHO', 'WHAT'],
    ...events.map((event) => [
      utc(event.at),
      event.kind,
      event.action,
      event.check ?? '-',
      event.actor ?? '-',
      event.summary,
    ]),
  ]
  return `${alignColumns(rows).join('\n')}\n`
}

export function eventsCommand(): Command {
  return addHubOptions(new Command('events'))
    .description(
      "the hub's event log: alerts, notifications, acks, silences, deploys, probes, commands",
    )
    .addOption(new Option('--check <id>', 'only events about this check'))
    .addOption(
      new Option(
        '--kind <kinds>',
        `only these kinds, comma-separated (${EVENT_KINDS.join(', ')})`,
      ).argParser(parseKinds),
    )
    .addOption(
      new Option(
        '--since <when>',
        'from this long ago (e.g. 2h) or this time (ISO 8601)',
      ).argParser((value) => parseWhen(value)),
    )
    .addOption(
      new Option('--until <when>', 'up to this long ago or this time').argParser((value) =>
        parseWhen(value),
      ),
    )
    .addOption(
      new Option('--limit <n>', 'at most this many (1-1000)').default(100).argParser(parseLimit),
    )
    .addOption(new Option('--json', 'print the JSON the hub answered'))
    .addHelpText(
      'after',
      `
Reading the log needs the hub's API token when it has one.
Exit codes: 0 listed; 1 the hub refused or could not be reached; 2 a bad flag; 3 the hub
refused the API token.

Examples:
  vantage events --since 1h                      everything in the last hour
  vantage events --check latte --since 2026-03-01T11:00:00Z --until 2026-03-01T13:00:00Z
  vantage events --kind deploy,rollback,silence  what changed`,
    )
    .action(async (flags: EventsFlags) => {
      const query = new URLSearchParams({ limit: String(flags.limit) })
      if (flags.check) query.set('check', flags.check)
      if (flags.kind) query.set('kind', flags.kind)
      if (flags.since !== undefined) query.set('since', String(flags.since))
      if (flags.until !== undefined) query.set('until', String(flags.until))
      try {
        const list = await hubClientFor(flags, 'events', 'events').get<EventList>(
          `/api/v1/events?${query}`,
        )
        process.stdout.write(
          flags.json ? `${JSON.stringify(list.events, null, 2)}\n` : formatEvents(list.events),
        )
      } catch (error) {
        failWith('events', error)
      }
    })
}
