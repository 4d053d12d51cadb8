/**
 * `vantage silence` and `vantage maintenance`: add, list and remove windows on a
 * running hub. A silence mutes a check's notifications; a maintenance window also keeps
 * its results out of alerting and availability. Both match checks by id or tag and are
 * one-off (`--for`, or `--start`/`--end`) or recurring (`--cron` + `--duration`, UTC).
 */
import { userInfo } from 'node:os'
import { Command, InvalidArgumentError, Option } from 'commander'
import { isDuration } from '../checks/duration.ts'
import { cronProblem } from '../hub/silences/cron-window.ts'
import type { SilenceWindow, WindowKind, WindowView } from '../hub/api/contract.ts'
import type { HubClient } from './hub-client.ts'
import { addHubOptions, failWith, hubClientFor, type HubFlags } from './hub-options.ts'
import {
  formatCreated,
  formatWindowList,
  normalizeInstant,
  windowRequest,
  type WindowFlags,
} from './silence-report.ts'

const PATHS: Record<WindowKind, string> = {
  silence: '/api/v1/silences',
  maintenance: '/api/v1/maintenance',
}

/** Refused flags: said plainly, exit 2 like every other usage error. */
class UsageError extends Error {}

function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

function durationText(value: string): string {
  if (!isDuration(value))
    throw new InvalidArgumentError(`"${value}" is not a duration (use e.g. 30m, 2h, 1d)`)
  return value
}

function cronText(value: string): string {
  const problem = cronProblem(value)
  if (problem) throw new InvalidArgumentError(problem)
  return value
}

function instantText(value: string): string {
  try {
    return normalizeInstant(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}

/** Who the hub records as the author: the local user, as `git` would. */
function localUser(): string | undefined {
  try {
    return userInfo().username
  } catch {
    return process.env.USER || undefined
  }
}

function fail(kind: WindowKind, error: unknown): never {
  if (error instanceof UsageError) {
    process.stderr.write(`vantage ${kind}: ${error.message}\n`)
    process.exit(2)
  }
  failWith(kind, error)
}

/** The client for one kind of window; its advice names that kind's API. */
function windowsHub(kind: WindowKind, flags: HubFlags): HubClient {
  return hubClientFor(flags, kind, kind === 'silence' ? 'silences' : 'maintenance')
}

function addCommand(kind: WindowKind): Command {
  return addHubOptions(new Command('add'))
    .description(
      kind === 'silence'
        ? 'mute notifications of matching checks'
        : 'start or plan a maintenance window',
    )
    .addOption(new Option('--check <id>', 'a check to match (repeatable)').argParser(repeatable))
    .addOption(
      new Option('--tag <tag>', 'match checks with this tag (repeatable)').argParser(repeatable),
    )
    .addOption(
      new Option('--for <duration>', 'from now, for this long, e.g. 2h').argParser(durationText),
    )
    .addOption(
      new Option('--start <time>', 'when it starts, ISO 8601 with a zone (default: now)').argParser(
        instantText,
      ),
    )
    .addOption(
      new Option('--end <time>', 'when it ends, ISO 8601 with a zone').argParser(instantText),
    )
    .addOption(
      new Option(
        '--cron <expression>',
        'recurring: when each window opens, five fields, UTC',
      ).argParser(cronText),
    )
    .addOption(
      new Option(
        '--duration <duration>',
        'recurring: how long each window lasts, e.g. 1h',
      ).argParser(durationText),
    )
    .addOption(new Option('--reason <text>', 'why, for whoever wonders where the alerts went'))
    .addOption(
      new Option('--by <name>', 'who to record as its author').default(
        localUser(),
        'your user name',
      ),
    )
    .action(async (flags: WindowFlags & HubFlags) => {
      try {
        const request = windowRequest(flags)
        if (!request.ok) throw new UsageError(request.error)
        const hub = windowsHub(kind, flags)
        const { window } = await hub.post<{ window: WindowView }>(PATHS[kind], request.body)
        process.stdout.write(formatCreated(window, Date.now()))
      } catch (error) {
        fail(kind, error)
      }
    })
}

function listCommand(kind: WindowKind): Command {
  return addHubOptions(new Command('list'))
    .description(
      `list the ${kind === 'silence' ? 'silences' : 'maintenance windows'}, those of the monitoring file too`,
    )
    .addOption(new Option('--active', 'only those in force now'))
    .addOption(new Option('--json', 'print the JSON the hub answers'))
    .action(async (flags: HubFlags & { active?: boolean; json?: boolean }) => {
      try {
        const hub = windowsHub(kind, flags)
        const query = flags.active ? '?active=true' : ''
        const { windows } = await hub.get<{ windows: WindowView[] }>(`${PATHS[kind]}${query}`)
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(windows, null, 2)}\n`
            : formatWindowList(windows, kind, Date.now()),
        )
      } catch (error) {
        fail(kind, error)
      }
    })
}

function removeCommand(kind: WindowKind): Command {
  return addHubOptions(new Command('remove'))
    .description(`end a ${kind === 'silence' ? 'silence' : 'maintenance window'} now and forget it`)
    .argument('<id>', 'its id, as add printed it or list shows it')
    .action(async (id: string, flags: HubFlags) => {
      try {
        const path = `${PATHS[kind]}/${encodeURIComponent(id)}`
        const hub = windowsHub(kind, flags)
        const { removed } = await hub.delete<{ removed: SilenceWindow }>(path)
        process.stdout.write(
          `removed ${kind === 'silence' ? 'silence' : 'maintenance window'} ${removed.id}\n`,
        )
      } catch (error) {
        fail(kind, error)
      }
    })
}

function windowCommand(kind: WindowKind): Command {
  const isSilence = kind === 'silence'
  return new Command(kind)
    .description(
      isSilence
        ? 'mute the notifications of checks for a while (alert state is still tracked)'
        : 'maintenance windows: matched checks do not page, and their results count neither as up nor as down',
    )
    .addCommand(addCommand(kind))
    .addCommand(listCommand(kind))
    .addCommand(removeCommand(kind))
    .addHelpText(
      'after',
      `
Checks match by id (--check) or tag (--tag); both repeat. A window is one-off (--for,
or --start/--end with a zone) or recurring (--cron and --duration, UTC). Windows in
the monitoring file (maintenance: [...]) are listed too and change only by a deploy.
Adding and removing need the hub's API token, or a shell on the hub machine when the
hub has none. Exit codes: 0 done; 1 refused flags, or the hub refused or could not be
reached; 3 the hub refused the API token.

Examples:
  vantage ${kind} add --check api --for 2h --reason "${isSilence ? 'known incident, fix rolling out' : 'database upgrade'}"
  vantage ${kind} add --tag db --cron "0 2 * * 0" --duration 1h --reason "weekly vacuum"
  vantage ${kind} add --tag payments --start 2026-03-01T22:00Z --end 2026-03-02T01:00Z
  vantage ${kind} list --active
  vantage ${kind} remove ${isSilence ? 's' : 'm'}-1a2b3c4d`,
    )
}

/**
 * Adds `vantage silence add|list|remove` and `vantage maintenance add|list|remove`.
 * @example registerSilenceCommands(program)
 */
export function registerSilenceCommands(program: Command): void {
  program.addCommand(windowCommand('silence'))
  program.addCommand(windowCommand('maintenance'))
}
